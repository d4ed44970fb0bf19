"""Progress and completion: the one place that decides a course is complete.

Quizzes call ``complete_item`` when a quiz is passed; lessons call it when read or
marked done. Completion is stored once (``Enrollment.completed_at``) and never
goes back, even when a trainer later adds an item.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from courses import lti, xapi
from courses.models import Enrollment, Item, Progress
from courses.signals import announce, enrolments_changed, progress_changed
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.lti.grades import launched


def get_progress(user: User, item: Item, create: bool = True) -> Progress | None:
    row = _mine(user, item)
    if row is None and create:
        row = _insert_progress(user, item) or _mine(user, item)
    return row


_MINE = select(Progress).where(Progress.user_id == bindparam("user_id"), Progress.item_id == bindparam("item_id"))


def _mine(user: User, item: Item) -> Progress | None:
    return db.session.scalar(_MINE, {"user_id": user.id, "item_id": item.id})


def _insert_progress(user: User, item: Item, opened_at: datetime | None = None) -> Progress | None:
    """The cadre's row for ``item``, new; None when another request has just made it (unique key)."""
    db.session.flush()
    row = db.session.scalar(db.insert_or_ignore(Progress).values(
        user_id=user.id, item_id=item.id, course_id=item.course_id, time_spent_seconds=0,
        first_opened_at=opened_at).returning(Progress))
    if row is not None:
        announce(progress_changed, [item.course_id])
    return row


def record_open(user: User, item: Item, at: datetime | None = None) -> Progress:
    at = at or utcnow()
    row = _mine(user, item)
    # A first opening is one INSERT (the row born opened), not an INSERT, a read and an UPDATE: it
    # runs in the quiz's start, under the write lock (bench/load/journey.py, quizzes.start).
    opened = row is None and (row := _insert_progress(user, item, opened_at=at)) is not None
    if row is None:
        row = _mine(user, item)
    if row.first_opened_at is None:
        row.first_opened_at = at
        announce(progress_changed, [item.course_id])
        opened = True
    if opened:
        xapi.item_opened(user, item, at)
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
        xapi.item_completed(user, item, at, score)
    db.session.flush()
    announce(progress_changed, [item.course_id])
    return evaluate_completion(user, item.course_id, at)


# One upsert per dialect, built once: a quiz result is recorded on every submission, under the
# write lock, and building it takes ~260 µs (bench/bench_prebuilt.py, host 61 ms), more than running it.
_score_statements: dict[str, object] = {}


def _score_statement():
    name = db.engine().dialect.name
    if name not in _score_statements:
        insert = db.upsert_insert(Progress).values(
            user_id=bindparam("p_user"), item_id=bindparam("p_item"), course_id=bindparam("p_course"),
            time_spent_seconds=0, best_score=bindparam("p_best"), first_opened_at=bindparam("p_done"),
            completed_at=bindparam("p_done"))
        new, row = insert.excluded, Progress.__table__.c
        _score_statements[name] = insert.on_conflict_do_update(
            index_elements=[row.user_id, row.item_id],
            set_={"best_score": new.best_score,
                  "completed_at": func.coalesce(row.completed_at, new.completed_at),  # stored once, kept
                  "first_opened_at": func.coalesce(row.first_opened_at, new.first_opened_at)},
            # No change, no write (and the statistics stay marked current).
            where=row.best_score.is_distinct_from(new.best_score)
            | (row.completed_at.is_(None) & new.completed_at.is_not(None)),
        ).returning(row.id, row.completed_at)
    return _score_statements[name]


def record_score(user_id: int, item: Item, best: float | None,
                 completed_at: datetime | None = None) -> Enrollment | None:
    """A quiz item's result in one statement: its best score (set, not maxed: a regrade may lower
    it) and, with ``completed_at``, the item completed then unless it already was. Returns the
    enrollment if this completed the course just now, else None."""
    changed = db.session.connection().execute(_score_statement(), {
        "p_user": user_id, "p_item": item.id, "p_course": item.course_id, "p_best": best,
        "p_done": completed_at}).first()
    if changed is None:
        return None
    loaded = db.session.identity_map.get(identity_key(Progress, changed.id))
    if loaded is not None:  # a copy loaded earlier is stale now
        db.session.expire(loaded)
    announce(progress_changed, [item.course_id])
    if completed_at is None or changed.completed_at != completed_at:
        return None  # not completed, or completed before
    # No xAPI statement here: the quiz's own statement (each attempt, passed or failed) says it.
    return evaluate_completion(db.session.get(User, user_id), item.course_id, completed_at)


# Is the course complete for this user, and already recorded? One statement, built once: it runs
# every time a quiz is passed or a lesson finished.
_MISSING = (select(func.count(Item.id))
            .outerjoin(Progress, (Progress.item_id == Item.id) & (Progress.user_id == bindparam("user_id")))
            .where(Item.course_id == bindparam("course_id"), Item.required.is_(True), Progress.completed_at.is_(None))
            .scalar_subquery())
_COMPLETION = select(Enrollment.id, Enrollment.completed_at, Enrollment.renewing, _MISSING.label("missing"),
                     launched("course", bindparam("user_id"), bindparam("course_id")).label("lti")).where(
    Enrollment.user_id == bindparam("user_id"), Enrollment.course_id == bindparam("course_id"),
    Enrollment.unenrolled_at.is_(None))


_enrollments = Enrollment.__table__
_COMPLETE = _enrollments.update().where(_enrollments.c.id == bindparam("enrollment_id")).values(
    completed_at=bindparam("completed_at"), renewing=bindparam("renewing"))


def evaluate_completion(user: User, course_id: int, at: datetime | None = None) -> Enrollment | None:
    """Record completion if every required item is done. Idempotent: once per round (a renewal
    round, ``courses.certificates.renewal``, records its own completion and a new certificate)."""
    row = db.session.execute(_COMPLETION, {"user_id": user.id, "course_id": course_id}).first()
    if row is None or (row.completed_at is not None and not row.renewing) or row.missing:
        return None
    enrollment = db.session.get(Enrollment, row.id)
    db.session.flush()  # a change made to it before goes first, as the ORM would order it
    # One UPDATE, not the ORM's flush of the changed object: it runs in a quiz's submission, under
    # the write lock (bench/load/journey.py, quizzes.submit).
    done = {"completed_at": at or utcnow(), "renewing": False}
    db.session.execute(_COMPLETE, {"enrollment_id": row.id, **done})
    for name, value in done.items():
        set_committed_value(enrollment, name, value)
    announce(enrolments_changed, [course_id])
    xapi.course_completed(user, course_id, enrollment.completed_at)
    if row.lti:  # a platform that launched the course awaits its grade
        lti.course_completed(user.id, course_id, enrollment.completed_at)
    from courses.certificates.services import issue_certificate  # same transaction as the completion
    issue_certificate(enrollment)
    from courses.programmes.completion import course_completed  # the programmes this course finishes
    course_completed(user.id, course_id, enrollment.completed_at)
    return enrollment
