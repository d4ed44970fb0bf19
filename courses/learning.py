"""The cadre's side: what they may open, and what opening or finishing an item records.

Access is decided here, in the query: a course that is not published (or archived, for
those already on it), or an item of a course the cadre is not enrolled in, is "not found".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update

from courses import services
from courses.models import Course, CourseStatus, Enrollment, Item, ItemKind, Progress
from courses.progress import complete_item, get_progress
from courses.queries import VISIBLE, LessonRow
from courses.signals import announce, progress_changed
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow

MAX_VISIT_SECONDS = 30 * 60  # a page left open overnight is not thirty hours of study


def get_course_for_study(slug: str, user: User) -> tuple[Course, Enrollment | None]:
    """The course and the user's active enrolment (None: they may only see it to enrol)."""
    course = services.get_course(slug)
    if course is None or course.status not in VISIBLE:
        raise services.CourseNotFound()
    enrollment = services.get_enrollment(user, course)
    if enrollment is None and not (course.self_enroll and services.is_open(course)):
        raise services.CourseNotFound()
    return course, enrollment


# The lesson page's statements are built once: each build takes 60-100 µs (bench/bench_prebuilt.py,
# host 61 ms), as much as running it on SQLite.
_ITEM_FOR_STUDY = (
    select(Item, Course, Enrollment).join(Course, Course.id == Item.course_id)
    .join(Enrollment, (Enrollment.course_id == Course.id) & (Enrollment.user_id == bindparam("user_id")))
    .where(Item.id == bindparam("item_id"), Course.status.in_(VISIBLE), Enrollment.unenrolled_at.is_(None)))
_PROGRESS_ROWS = select(Progress).where(Progress.user_id == bindparam("user_id"),
                                        Progress.item_id.in_(bindparam("item_ids", expanding=True)))
_ADD_TIME = (update(Progress).where(Progress.id == bindparam("row_id"))
             .values(time_spent_seconds=func.coalesce(Progress.time_spent_seconds, 0) + bindparam("seconds"))
             .execution_options(synchronize_session=False))
_FIRST_OPENED = (update(Progress).where(Progress.id == bindparam("row_id"), Progress.first_opened_at.is_(None))
                 .values(first_opened_at=bindparam("at")).execution_options(synchronize_session=False))


def get_item_for_study(item_id: int, user: User) -> tuple[Item, Course, Enrollment]:
    row = db.session.execute(_ITEM_FOR_STUDY, {"user_id": user.id, "item_id": item_id}).first()
    if row is None:
        raise services.CourseNotFound()
    return row[0], row[1], row[2]


def can_study(course: Course) -> bool:
    """New work is recorded only while the course is published (archived ones can be reread)."""
    return course.status == CourseStatus.PUBLISHED


@dataclass
class Visit:
    """What opening a lesson page will record, decided from reads alone (``read_visit``)."""
    progress: Progress | None          # this item's progress as read, for the page
    credit: tuple[int, int] | None     # (previous item id, seconds) for the time spent on it
    credit_row: int | None             # its progress row, when known to be on this course
    open: bool                         # this is the first opening
    complete: bool                     # a 'complete on open' lesson not done yet

    @property
    def writes(self) -> bool:
        return bool(self.credit or self.open or self.complete)


def read_visit(user: User, item: Item, course: Course, lesson: LessonRow, visit=None,
               now: datetime | None = None) -> Visit:
    """The lesson page was opened: what to record (``record_visit``). Reads only, one SELECT for the
    progress rows of this lesson and of the previous one (``visit``: [item id, epoch] kept in the
    session), so that a page with nothing to record takes no write lock."""
    now = now or utcnow()
    previous = _visit(visit)
    ids = [item.id] + ([previous[0]] if previous else [])
    rows = {p.item_id: p for p in db.session.scalars(_PROGRESS_ROWS, {"user_id": user.id, "item_ids": ids})}
    credit, credit_row = None, None
    if previous is not None:
        seconds = int(min(max(now.timestamp() - previous[1], 0), MAX_VISIT_SECONDS))
        if seconds:
            credit = (previous[0], seconds)
            row = rows.get(previous[0])
            if row is not None and row.course_id == course.id:  # enrolled: get_item_for_study checked it
                credit_row = row.id
    row = rows.get(item.id)
    studying = can_study(course)
    return Visit(progress=row, credit=credit, credit_row=credit_row,
                 open=studying and (row is None or row.first_opened_at is None),
                 complete=studying and lesson.complete_on_open and (row is None or row.completed_at is None))


def record_visit(user: User, item: Item, visit: Visit, now: datetime | None = None) -> Enrollment | None:
    """Write what ``read_visit`` decided, as statements that stay right whatever was committed since
    the read (an increment, a conditional UPDATE). Returns the enrollment if the course was completed
    just now; ``visit.progress`` is this item's row afterwards."""
    now = now or utcnow()
    if visit.credit_row is not None:
        db.session.execute(_ADD_TIME, {"row_id": visit.credit_row, "seconds": visit.credit[1]})
    elif visit.credit is not None:
        credit_time(user, visit.credit[0], now.timestamp() - visit.credit[1], now)
    if visit.open and visit.progress is not None:
        db.session.execute(_FIRST_OPENED, {"row_id": visit.progress.id, "at": now})
        announce(progress_changed, [item.course_id])
    elif visit.open:
        visit.progress = get_progress(user, item)
        if visit.progress.first_opened_at is None:
            visit.progress.first_opened_at = now
            announce(progress_changed, [item.course_id])
    finished = None
    if visit.complete:  # rare (once per cadre and lesson): the ORM path, from rows read under the lock
        db.session.expire_all()
        finished = complete_item(user, item, at=now)
    if visit.progress is not None and (visit.open or visit.complete):
        db.session.flush()
        db.session.refresh(visit.progress)
    return finished


def _visit(visit) -> tuple[int, float] | None:
    if isinstance(visit, list) and len(visit) == 2:
        try:
            return int(visit[0]), float(visit[1])
        except (TypeError, ValueError):
            return None
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

