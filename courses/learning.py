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
from courses.models import Course, CourseStatus, Enrollment, Item, ItemKind, Progress
from courses.progress import complete_item, get_progress
from courses.queries import VISIBLE, LessonRow

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


def open_lesson(user: User, item: Item, course: Course, lesson: LessonRow, visit=None,
                now: datetime | None = None) -> tuple[Progress | None, Enrollment | None]:
    """The lesson page was opened: credit the previous visit (``visit``: [item id, epoch] kept in the
    session) to its lesson, record this opening, and complete a 'complete on open' lesson.

    One SELECT for both progress rows, then the writes. Returns this item's progress (None if
    nothing is recorded: an archived course never opened) and the enrollment if the course was
    completed just now."""
    now = now or utcnow()
    previous = _visit(visit)
    ids = [item.id] + ([previous[0]] if previous else [])
    rows = {p.item_id: p for p in db.session.scalars(
        select(Progress).where(Progress.user_id == user.id, Progress.item_id.in_(ids)))}
    if previous is not None:
        row = rows.get(previous[0])
        if row is not None and row.course_id == course.id:  # enrolled: get_item_for_study checked it
            _add_time(row, previous[1], now)
        else:
            credit_time(user, previous[0], previous[1], now)
    row = rows.get(item.id)
    if not can_study(course):
        return row, None
    row = row or get_progress(user, item)
    if row.first_opened_at is None:
        row.first_opened_at = now
    finished = None
    if lesson.complete_on_open and row.completed_at is None:
        finished = complete_item(user, item, at=now)
    db.session.flush()
    return row, finished


def _visit(visit) -> tuple[int, float] | None:
    if isinstance(visit, list) and len(visit) == 2:
        try:
            return int(visit[0]), float(visit[1])
        except (TypeError, ValueError):
            return None
    return None


def _add_time(row: Progress, started_epoch: float, now: datetime) -> int:
    seconds = int(min(max(now.timestamp() - started_epoch, 0), MAX_VISIT_SECONDS))
    if seconds:
        row.time_spent_seconds = (row.time_spent_seconds or 0) + seconds
    return seconds


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
    if not int(min(max(now.timestamp() - started_epoch, 0), MAX_VISIT_SECONDS)):
        return 0
    item = db.session.get(Item, item_id)
    if item is None or services.get_enrollment(user, item.course_id) is None:
        return 0
    seconds = _add_time(get_progress(user, item), started_epoch, now)
    db.session.flush()
    return seconds

