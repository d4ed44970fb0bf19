"""Statistics kept ready: the figures of every (unit, course), recomputed in the background
when the data under them changed (``reports.rollup``), so a dashboard over a whole
province reads a few thousand rows instead of aggregating millions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from elearn.db import Base


class StatsRollup(Base):
    """Figures of the cadres whose own unit is ``unit_id`` on one course (no period filter)."""

    __tablename__ = "stats_rollup"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True)
    enrolled: Mapped[int] = mapped_column(default=0)
    started: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    overdue: Mapped[int] = mapped_column(default=0)      # as of the computation
    score_sum: Mapped[float] = mapped_column(default=0.0)
    score_n: Mapped[int] = mapped_column(default=0)
    certificates: Mapped[int] = mapped_column(default=0)


class StatsDaily(Base):
    """Completions per Vietnam-time day of a top unit's whole subtree (province, districts):
    the line chart for the big scopes; smaller scopes are counted live."""

    __tablename__ = "stats_daily"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)   # yyyy-mm-dd
    completions: Mapped[int] = mapped_column(default=0)


class StatsState(Base):
    """Freshness of one course's figures. ``changed_at`` is set (if unset) by any write under
    the course and cleared when a recomputation starts; null means the figures are current."""

    __tablename__ = "stats_state"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime | None]
    changed_at: Mapped[datetime | None]
    refreshing_since: Mapped[datetime | None]
