"""Progress and completion: the one place that decides a course is complete.

Quizzes call ``complete_item`` when a quiz is passed; lessons call it when read or
marked done. Completion is stored once (``Enrollment.completed_at``) and never
goes back, even when a trainer later adds an item.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from elearn import db
from elearn.db import utcnow
from elearn.models import User
from elearn.reports import rollup
from courses.models import Enrollment, Item, Progress


def get_progress(user: User, item: Item, create: bool = True) -> Progress | None:
    mine = select(Progress).where(Progress.user_id == user.id, Progress.item_id == item.id)
    row = db.session.scalar(mine)
    if row is None and create:
        db.session.flush()
        db.session.execute(db.insert_or_ignore(Progress).values(
            user_id=user.id, item_id=item.id, course_id=item.course_id, time_spent_seconds=0))
        rollup.mark_changed([item.course_id])  # a statement: the statistics' flush hook does not see it
        row = db.session.scalar(mine)
    return row


def record_open(user: User, item: Item, at: datetime | None = None) -> Progress:
    row = get_progress(user, item)
    if row.first_opened_at is None:
        row.first_opened_at = at or utcnow()
    return row


def complete_item(user: User, item: Item, score: float | None = None,
                  at: datetime | None = None) -> Enrollment | None:
    """Mark ``item`` done for ``user`` (keeping the best score); returns the enrollment
    if this completed the course just now, else None."""
    at = at or utcnow()
    row = get_progress(user, item)
    if row.first_opened_at is None:
        row.first_opened_at = at
    if score is not None and (row.best_score is None or score > row.best_score):
        row.best_score = score
    if row.completed_at is None:
        row.completed_at = at
    db.session.flush()
    return evaluate_completion(user, item.course_id, at)


def evaluate_completion(user: User, course_id: int, at: datetime | None = None) -> Enrollment | None:
    """Record completion if every required item is done. Idempotent."""
    enrollment = db.session.scalar(select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course_id, Enrollment.unenrolled_at.is_(None)))
    if enrollment is None or enrollment.completed_at is not None:
        return None
    missing = db.session.scalar(
        select(func.count(Item.id))
        .outerjoin(Progress, (Progress.item_id == Item.id) & (Progress.user_id == user.id))
        .where(Item.course_id == course_id, Item.required.is_(True), Progress.completed_at.is_(None)))
    if missing:
        return None
    enrollment.completed_at = at or utcnow()
    db.session.flush()
    from courses.certificates.services import issue_certificate  # same transaction as the completion
    issue_certificate(enrollment)
    return enrollment
