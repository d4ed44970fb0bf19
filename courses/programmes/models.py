"""Programmes, their courses, their assignments to units, and each cadre's place on one.

A programme's courses are assigned to the same units as the programme (``courses.enrolment``
enrols the cadres in them), so studying a programme is studying its courses; the programme adds
the rule that completes it (every required course, and ``optional_needed`` of the optional ones)
and keeps its own due date and completion, recorded once (``ProgrammeEnrollment.completed_at``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.models import Course
from elearn.accounts.models import User
from elearn.db import Base, utcnow
from elearn.units.models import OrgUnit


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    optional_needed: Mapped[int] = mapped_column(default=0)  # optional courses a cadre must complete
    validity_months: Mapped[int | None]  # a completion counts this long; None: for ever
    # The edition this one renews: cadres whose completion of that one is about to end are put on this one.
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="SET NULL"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()
    courses: Mapped[list[ProgrammeCourse]] = relationship(
        back_populates="programme", order_by="ProgrammeCourse.position", cascade="all, delete-orphan")


class ProgrammeCourse(Base):
    """A course in a programme, at a position, required or optional."""

    __tablename__ = "programme_course"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=True)

    programme: Mapped[Programme] = relationship(back_populates="courses")
    course: Mapped[Course] = relationship()


class ProgrammeAssignment(Base):
    """A programme assigned to a unit subtree: every cadre there now and later is on it."""

    __tablename__ = "programme_assignment"
    __table_args__ = (UniqueConstraint("programme_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    due_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    unit: Mapped[OrgUnit] = relationship()


class ProgrammeEnrollment(Base):
    """A cadre on a programme. ``completed_at`` is set once, by ``completion.record_completions``;
    a cadre moved to another unit keeps the row (and the completion)."""

    __tablename__ = "programme_enrollment"
    __table_args__ = (UniqueConstraint("user_id", "programme_id"),
                      Index("ix_programme_enrollment_programme_completed", "programme_id", "completed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_assignment.id", ondelete="SET NULL"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    programme: Mapped[Programme] = relationship()
