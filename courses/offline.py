"""Studying with no connection (issue 21): what a course's download holds, and recording the
lessons a cadre opened or finished on the phone once the line returns.

Both records are idempotent (``record_open`` keeps the first opening, ``complete_item`` the first
completion), so the phone may send the same event twice. The phone's clock says when it happened;
the server believes it only within ``OFFLINE_WINDOW`` before now and never before the enrolment or
in the future (a cadre cannot backdate a completion past a due date by weeks).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _

from courses import queries
from courses.learning import can_study
from courses.models import Course, Enrollment, Item, ItemKind
from courses.progress import complete_item, record_open
from courses.services import CourseError
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow

OFFLINE_WINDOW = timedelta(days=7)
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024  # attachments of one course kept on a phone


@dataclass(frozen=True)
class Download:
    lesson_ids: list[int]
    attachment_ids: list[int]  # lessons whose attachment is part of the download
    attachment_bytes: int
    skipped: int  # attachments left out: the course's would pass MAX_DOWNLOAD_BYTES


def download_of(course: Course, enrollment: Enrollment | None) -> Download:
    """The lessons (and their attachments, up to ``MAX_DOWNLOAD_BYTES``) an enrolled cadre may keep."""
    if enrollment is None:
        raise CourseError(_("Enrol in the course to download it."))
    lesson_ids, attachment_ids, size, skipped = [], [], 0, 0
    for _module, items in queries.structure(course.id):
        for row in items:
            if row.kind != ItemKind.LESSON:
                continue
            lesson_ids.append(row.id)
            content = queries.lesson_content(row)
            if content is not None and content.attachment_path:
                if size + (content.attachment_size or 0) > MAX_DOWNLOAD_BYTES:
                    skipped += 1
                    continue
                size += content.attachment_size or 0
                attachment_ids.append(row.id)
    return Download(lesson_ids, attachment_ids, size, skipped)


def _believed(epoch: float | None, enrollment: Enrollment, now: datetime) -> datetime:
    """The phone's time of an event, kept within the window before now and after the enrolment."""
    if epoch is None:
        return now
    try:
        at = datetime.fromtimestamp(float(epoch), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return now
    earliest = max(now - OFFLINE_WINDOW, enrollment.enrolled_at)
    return min(max(at, earliest), now)


def record_offline(user: User, item: Item, course: Course, enrollment: Enrollment, *, opened_at: float | None,
                   done: bool, done_at: float | None = None, now: datetime | None = None) -> Enrollment | None:
    """A lesson opened (and perhaps finished) on the phone with no connection. Returns the enrolment
    if this completed the course just now."""
    now = now or utcnow()
    if item.kind != ItemKind.LESSON:
        raise CourseError(_("A quiz is completed by passing it."))
    if not can_study(course):
        raise CourseError(_("This course is archived: you can read it, but no new progress is recorded."))
    content = queries.lesson_content(item)
    done = done or (content is not None and content.complete_on_open)
    opened = _believed(opened_at, enrollment, now)
    record_open(user, item, opened)
    db.session.flush()
    if not done:
        return None
    return complete_item(user, item, at=max(_believed(done_at, enrollment, now), opened))
