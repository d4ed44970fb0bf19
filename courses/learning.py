"""The cadre's side: what they may open, and what opening or finishing an item records.

Access is decided here, in the query: a course that is not published (or archived, for
those already on it), or an item of a course the cadre is not enrolled in, is "not found".
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from elearn import db
from elearn.db import utcnow
from elearn.models import User
from courses import services
from courses.models import Course, CourseStatus, Enrollment, Item, ItemKind
from courses.progress import complete_item, get_progress, record_open
from courses.queries import VISIBLE

MAX_VISIT_SECONDS = 30 * 60  # a page left open overnight is not thirty hours of study


def get_course_for_study(slug: str, user: User) -> tuple[Course, Enrollment | None]:
    """The course and the user's active enrolment (None: they may only see it to enrol)."""
    course = services.get_course(slug)
    if course is None or course.status not in VISIBLE:
        raise services.CourseNotFound()
    enrollment = services.get_enrollment(user, course)
    if enrollment is None and not (course.self_enrol and services.is_open(course)):
        raise services.CourseNotFound()
    return course, enrollment


def get_item_for_study(item_id: int, user: User) -> tuple[Item, Course, Enrollment]:
    row = db.session.execute(
        select(Item, Course, Enrollment).join(Course, Course.id == Item.course_id)
        .join(Enrollment, (Enrollment.course_id == Course.id) & (Enrollment.user_id == user.id))
        .where(Item.id == item_id, Course.status.in_(VISIBLE), Enrollment.unenrolled_at.is_(None))).first()
    if row is None:
        raise services.CourseNotFound()
    return row[0], row[1], row[2]


def can_study(course: Course) -> bool:
    """New work is recorded only while the course is published (archived ones can be reread)."""
    return course.status == CourseStatus.PUBLISHED


def open_item(user: User, item: Item, course: Course, at: datetime | None = None) -> Enrollment | None:
    """Record the first opening; a lesson the trainer marked 'complete on open' is done now."""
    if not can_study(course):
        return None
    record_open(user, item, at)
    if item.kind == ItemKind.LESSON and item.lesson is not None and item.lesson.complete_on_open:
        return complete_item(user, item, at=at)
    return None


def mark_done(user: User, item: Item, course: Course) -> Enrollment | None:
    """'Đánh dấu hoàn thành' on a lesson (quizzes complete themselves when passed)."""
    if item.kind != ItemKind.LESSON:
        raise services.CourseError(_("A quiz is completed by passing it."))
    if not can_study(course):
        raise services.CourseError(
            _("This course is archived: you can read it, but no new progress is recorded."))
    return complete_item(user, item)


def credit_time(user: User, item_id: int, started_epoch: float, now: datetime | None = None) -> int:
    """Add the time since ``started_epoch`` (capped) to the user's progress on ``item_id``."""
    now = now or utcnow()
    seconds = int(min(max(now.timestamp() - started_epoch, 0), MAX_VISIT_SECONDS))
    item = db.session.get(Item, item_id)
    if not seconds or item is None or services.get_enrollment(user, item.course_id) is None:
        return 0
    row = get_progress(user, item)
    row.time_spent_seconds = (row.time_spent_seconds or 0) + seconds
    db.session.flush()
    return seconds

