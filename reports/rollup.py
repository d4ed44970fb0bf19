"""Figures kept ready per (unit, course), so that no manager waits for millions of rows.

- Any change under a course (an enrolment, progress, a certificate, which items count; the
  signals of ``courses.signals``) or a cadre moving unit (``accounts_moved``) marks the course's
  figures as changed: one UPDATE that touches nothing when they are already marked.
- A dashboard or summary asks ``ensure_fresh``. Figures never computed are read live for now
  (``ensure_fresh`` answers None); figures changed more than ``STATS_REFRESH_SECONDS`` ago, or
  older than ``STATS_MAX_AGE_SECONDS`` (overdue counts move with the clock), are read as they
  are. Either way the recomputation goes to the job worker (``elearn.jobs.services.run_later``),
  never into the request. One process recomputes a course at a time (a claim on its
  ``StatsState`` row); ``elearn stats warm`` does it from cron. ``STATS_REFRESH_WAIT`` (tests)
  recomputes before reading instead.
- A period filter is a cohort question the rollup cannot answer: those are computed live.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context
from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from courses.signals import certificates_changed, enrolments_changed, items_changed, progress_changed
from elearn import db
from elearn.accounts.services import accounts_moved
from elearn.db import utcnow
from elearn.units.models import OrgUnit
from elearn.units.services import units_moved
from reports.models import StatsDaily, StatsRollup, StatsState

log = logging.getLogger(__name__)
S, R, D = StatsState, StatsRollup, StatsDaily
CLAIM_TIMEOUT = timedelta(minutes=15)  # a refresh claimed longer ago than this died with its process
TOP_DEPTH = 1                           # the province and its districts get a ready-made line chart
ALL = None


def _seconds(name: str, default: int) -> timedelta:
    return timedelta(seconds=current_app.config.get(name, default))


def _stale_condition(now: datetime, settle: timedelta):
    """SQL: the course's figures need computing (changed more than ``settle`` ago, never
    computed, or too old), and nobody is computing them."""
    return (or_(S.refreshing_since.is_(None), S.refreshing_since < now - CLAIM_TIMEOUT)
            & or_(S.computed_at.is_(None), S.changed_at < now - settle,
                  S.computed_at < now - _seconds("STATS_MAX_AGE_SECONDS", 900)))


def ensure_fresh(course_ids: list[int]) -> datetime | None:
    """When the oldest part of the rollup of ``course_ids`` was computed; None when a part never
    was (read live). Asks for what is due to be recomputed. Once per request and set of courses
    (a dashboard reads counts and the line chart)."""
    if not course_ids:
        return None
    key = tuple(sorted(course_ids))
    seen = g.setdefault("elearn_stats_fresh", {}) if has_request_context() else {}
    if key not in seen:
        seen[key] = _ensure_fresh(course_ids)
    return seen[key]


def _ensure_fresh(course_ids: list[int]) -> datetime | None:
    now = utcnow()
    rows = db.session.execute(select(S.course_id, S.computed_at).where(S.course_id.in_(course_ids))).all()
    computed = {cid: at for cid, at in rows}
    missing = [cid for cid in course_ids if computed.get(cid) is None]
    settle = _seconds("STATS_REFRESH_SECONDS", 30)
    stale = list(db.session.scalars(select(S.course_id).where(S.course_id.in_(course_ids),
                                                               _stale_condition(now, settle))))
    due = sorted(set(missing) | set(stale))
    if due and current_app.config.get("STATS_REFRESH_WAIT", False):
        db.session.rollback()  # end our snapshot: it may hold SQLite's write lock, and it is old
        refresh(due, settle=settle)
        computed = dict(db.session.execute(select(S.course_id, S.computed_at).where(S.course_id.in_(course_ids))).all())
    elif due:
        _ask(due, settle)
    times = [computed.get(cid) for cid in course_ids]
    return None if not times or None in times else min(times)


_asked: dict[int, float] = {}  # course id -> when this process last asked the worker to recompute it
_asked_lock = threading.Lock()


def _ask(course_ids: list[int], settle: timedelta) -> None:
    """Ask the job worker to recompute, once per course and settle period in this process (until
    a worker claims a course, every dashboard would ask again)."""
    now = time.monotonic()
    with _asked_lock:
        todo = [cid for cid in course_ids if now - _asked.get(cid, -1e9) > max(settle.total_seconds(), 5)]
        _asked.update((cid, now) for cid in todo)
    if todo:
        from elearn.jobs.services import run_later

        run_later("reports.rollup:refresh_due", todo, settle.total_seconds())


def refresh_due(course_ids: list[int], settle_seconds: float = 0) -> list[int]:
    """The job worker's task: recompute those of ``course_ids`` that are still due."""
    return refresh(course_ids, settle=timedelta(seconds=settle_seconds))


def refresh(course_ids: Iterable[int], force: bool = False, settle: timedelta = timedelta(0)) -> list[int]:
    """Recompute the figures of the courses that need it (``force``: all) and that this process
    can claim; return those it did."""
    now = utcnow()
    claimed = _claim(list(course_ids), now, force, settle)
    if not claimed:
        return []
    try:
        counts, days = _compute(claimed, now)
        db.session.rollback()  # end the long read; the write below takes the lock afresh
        db.set_write_intent(True)
        db.session.execute(delete(R).where(R.course_id.in_(claimed)))
        db.session.execute(delete(D).where(D.course_id.in_(claimed)))
        if counts:
            db.session.execute(insert(R), counts)
        if days:
            db.session.execute(insert(D), days)
        db.session.execute(update(S).where(S.course_id.in_(claimed)).values(computed_at=now, refreshing_since=None))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        db.set_write_intent(True)
        db.session.execute(update(S).where(S.course_id.in_(claimed)).values(
            refreshing_since=None, changed_at=now))
        db.session.commit()
        raise
    finally:
        db.set_write_intent(False)
    return claimed


def _claim(course_ids: list[int], now: datetime, force: bool, settle: timedelta = timedelta(0)) -> list[int]:
    db.session.rollback()
    db.set_write_intent(True)
    try:
        known = set(db.session.scalars(select(S.course_id).where(S.course_id.in_(course_ids))))
        for cid in set(course_ids) - known:
            try:
                with db.session.begin_nested():
                    db.session.add(S(course_id=cid))
            except IntegrityError:  # another process made it first
                pass
        free = or_(S.refreshing_since.is_(None), S.refreshing_since < now - CLAIM_TIMEOUT)
        claimed = [cid for cid in course_ids if db.session.execute(
            update(S).where(S.course_id == cid, free if force else _stale_condition(now, settle))
            # Cleared now: a change committed from here on marks the course again.
            .values(refreshing_since=now, changed_at=None)).rowcount]
        db.session.commit()
        return claimed
    finally:
        db.set_write_intent(False)


def _compute(course_ids: list[int], now: datetime) -> tuple[list[dict], list[dict]]:
    from reports import queries

    whole = queries.whole_tree(course_ids)
    counts = [{"course_id": cid, "unit_id": uid, "enrolled": c.enrolled, "started": c.started,
               "completed": c.completed, "overdue": c.overdue, "score_sum": c.score_sum, "score_n": c.score_n,
               "certificates": c.certificates}
              for (uid, cid), c in queries.aggregate(whole, now).items()]
    days = [{"course_id": c, "unit_id": u, "day": d, "completions": n}
            for (c, u, d), n in _top_unit_days(whole).items()]
    return counts, days


def _top_unit_days(whole) -> dict[tuple[int, int, str], int]:
    """{(course, unit, day): completions in the unit's subtree} for the units down to TOP_DEPTH.
    A district is counted from its subtree; the province adds up its districts and its own cadres."""
    from reports import queries

    units = db.session.execute(select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.path)).all()
    top = {uid: (parent, path) for uid, parent, path in units if path.count("/") - 2 <= TOP_DEPTH}
    totals: dict[tuple[int, int, str], int] = {}
    for uid, (parent, path) in sorted(top.items(), key=lambda item: -item[1][1].count("/")):  # deepest first
        has_top_children = any(p == uid for p, _ in top.values())
        for course_id, day, n in queries.completions_by_course_day(whole, path, direct_only=has_top_children):
            totals[(course_id, uid, day)] = totals.get((course_id, uid, day), 0) + n
        if parent in top:  # fold this unit's subtree into its parent's
            for (course_id, _unit, day), n in [(k, n) for k, n in totals.items() if k[1] == uid]:
                key = (course_id, parent, day)
                totals[key] = totals.get(key, 0) + n
    return totals


# Built once, as the course lookups (courses.services): a submission runs it under the write lock.
_MARK_ALL = update(S).where(S.changed_at.is_(None)).values(changed_at=bindparam("at"))
_MARK_SOME = _MARK_ALL.where(S.course_id.in_(bindparam("course_ids", expanding=True)))


def mark_changed(course_ids: Iterable[int] | None = ALL) -> None:
    """Mark the figures of these courses (``ALL``: every course) as out of date: one UPDATE that
    touches nothing when they already are."""
    # A transaction marks a course once: a quiz's submission announced it three times, three UPDATEs
    # under the write lock where the later two could touch nothing (bench/load/journey.py, quizzes.submit).
    session = db.session()
    connection = session.connection()
    # The innermost transaction: what a rolled-back savepoint marked is marked again after it.
    transaction = session.get_nested_transaction() or session.get_transaction()
    marked = session.info.get("stats_marked")
    if marked is None or marked[0] is not transaction:
        marked = session.info["stats_marked"] = (transaction, set())
    if ALL in marked[1]:
        return
    if course_ids is ALL:
        connection.execute(_MARK_ALL, {"at": utcnow()})
    else:
        course_ids = set(course_ids) - marked[1]
        if not course_ids:
            return
        connection.execute(_MARK_SOME, {"at": utcnow(), "course_ids": sorted(course_ids)})
    marked[1].update([ALL] if course_ids is ALL else course_ids)


def _courses_changed(_sender=None, course_ids: list[int] | None = None, **_extra) -> None:
    mark_changed(course_ids if course_ids is not None else ALL)


def _accounts_moved(_sender=None, **_extra) -> None:
    mark_changed(ALL)  # cadres (or whole units) counted elsewhere: every course's figures per unit change


for _signal in (enrolments_changed, progress_changed, certificates_changed, items_changed):
    _signal.connect(_courses_changed)
accounts_moved.connect(_accounts_moved)
units_moved.connect(_accounts_moved)
