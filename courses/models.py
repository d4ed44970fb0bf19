"""Course structure, enrolment and progress.

An ``Item`` is a slot in a module with a ``kind``; the kind's content lives in its own
table keyed by the item id (``Lesson`` here, ``quizzes.models.Quiz`` there), so
progress and completion treat every kind alike.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import User
from elearn.db import Base, str_enum, utcnow
from elearn.units.models import OrgUnit


class CourseStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class ItemKind(str, enum.Enum):
    LESSON = "lesson"
    QUIZ = "quiz"
    PACKAGE = "package"  # SCORM or cmi5: courses.packages


class EnrollmentSource(str, enum.Enum):
    SELF = "self"
    ASSIGNMENT = "assignment"


class Course(Base):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    search_text: Mapped[str] = mapped_column(Text, default="")  # accent-folded title/theme/summary
    theme: Mapped[str] = mapped_column(String(500), default="")
    year: Mapped[int | None] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    cover_path: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[CourseStatus] = mapped_column(str_enum(CourseStatus), default=CourseStatus.DRAFT, index=True)
    self_enroll: Mapped[bool] = mapped_column(default=True)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()
    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan")


class CourseEditor(Base):
    """A trainer granted editing rights on someone else's course."""

    __tablename__ = "course_editor"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)


class Module(Base):
    __tablename__ = "course_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship(back_populates="modules")
    items: Mapped[list[Item]] = relationship(
        back_populates="module", order_by="Item.position", cascade="all, delete-orphan")


class Item(Base):
    __tablename__ = "course_item"
    __table_args__ = (Index("ix_course_item_course_position", "course_id", "module_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_module.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind))
    title: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    module: Mapped[Module] = relationship(back_populates="items")
    lesson: Mapped[Lesson | None] = relationship(back_populates="item", uselist=False, cascade="all, delete-orphan")
    # Read-only: the item keeps its course once loaded (the session's identity map holds objects
    # weakly, so a course looked up by id again and again was selected again and again).
    course: Mapped[Course] = relationship(viewonly=True)


class Lesson(Base):
    __tablename__ = "lesson"

    item_id: Mapped[int] = mapped_column(ForeignKey("course_item.id", ondelete="CASCADE"), primary_key=True)
    body_html: Mapped[str] = mapped_column(Text, default="")  # sanitized on save, never raw
    video_url: Mapped[str | None] = mapped_column(String(500))
    attachment_name: Mapped[str | None] = mapped_column(String(255))    # as the author uploaded it
    attachment_path: Mapped[str | None] = mapped_column(String(255))    # generated, under UPLOAD_DIR
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment_size: Mapped[int | None]
    minutes: Mapped[int] = mapped_column(default=5)
    complete_on_open: Mapped[bool] = mapped_column(default=False)

    item: Mapped[Item] = relationship(back_populates="lesson")


class Assignment(Base):
    """A course assigned to a unit subtree: enrols every cadre in it, now and later."""

    __tablename__ = "course_assignment"
    __table_args__ = (UniqueConstraint("course_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    due_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    unit: Mapped[OrgUnit] = relationship()


class Enrollment(Base):
    """A cadre on a course. ``completed_at`` is set once, by the completion service only."""

    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),
                      Index("ix_enrollment_course_completed", "course_id", "completed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    source: Mapped[EnrollmentSource] = mapped_column(str_enum(EnrollmentSource), default=EnrollmentSource.SELF)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("course_assignment.id", ondelete="SET NULL"))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]  # the last completion; a renewal round keeps it until it completes anew
    unenrolled_at: Mapped[datetime | None]  # history kept; null means active
    # Renewal by re-completion (courses.certificates.renewal): a new round of the course, started
    # at ``round_started_at``; the progress and quiz attempts of earlier rounds are history.
    round: Mapped[int] = mapped_column(default=1, server_default="1")
    round_started_at: Mapped[datetime | None]
    renewing: Mapped[bool] = mapped_column(default=False, server_default=false())  # a round not completed yet

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()


class EnrollmentRound(Base):
    """A finished round of a course, kept when the cadre starts the next one: completion is
    recorded once per round."""

    __tablename__ = "enrollment_round"
    __table_args__ = (UniqueConstraint("enrollment_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"))
    round: Mapped[int]
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class Progress(Base):
    """One row per (cadre, item)."""

    __tablename__ = "progress"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),
                      Index("ix_progress_user_course", "user_id", "course_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    first_opened_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    time_spent_seconds: Mapped[int] = mapped_column(default=0)
    best_score: Mapped[float | None]  # percent 0..100, for quiz items


class ProgressHistory(Base):
    """A progress row of an earlier round (moved here when a renewal round starts): history that
    no longer counts towards completion or the statistics."""

    __tablename__ = "progress_history"
    __table_args__ = (Index("ix_progress_history_user_course", "user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("course_item.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    round: Mapped[int]
    first_opened_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    time_spent_seconds: Mapped[int] = mapped_column(default=0)
    best_score: Mapped[float | None]
