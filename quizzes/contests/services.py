"""Contest rules: setting up contests and rounds (entries: ``entries``; results: ``results``).

Services flush, never commit. Every change of rules or results is written to the audit log.
Time is the server's: ``started_at``, ``deadline`` and ``submitted_at`` never come from the client.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from elearn import audit, db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.errors import DomainError
from elearn.html import sanitize_html
from elearn.notifications import channels
from elearn.permissions import Permission
from elearn.units.models import OrgUnit
from quizzes.contests.models import (
    RANKING_ORDERS,
    Contest,
    ContestEntry,
    ContestRound,
    ContestStatus,
    ContestUnitSize,
    CountedEntry,
    PredictionKind,
)
from quizzes.contests.paper import question_pool

MIN_QUESTIONS, MAX_QUESTIONS = 10, 35
MAX_PREDICTION = 10_000_000
GRACE = timedelta(seconds=20)  # network delay allowed after the deadline, never more


class ContestError(DomainError):
    """A contest rule was broken; the message is shown to the user."""


def _rng() -> random.Random:
    return random.SystemRandom()


# --- contests and rounds ---------------------------------------------------------------------

CONTEST_FIELDS = ("title", "rules_html", "organiser_name", "starts_at", "ends_at", "status", "allow_public",
                  "min_age", "entries_per_round", "counted_entry", "prediction_kind", "ranking_order",
                  "prizes_first", "prizes_second", "prizes_third", "prizes_consolation", "unit_depth",
                  "require_phone")
ROUND_FIELDS = ("title", "opens_at", "closes_at", "question_count", "time_limit_minutes", "category_ids")
DRAW_FIELDS = ("question_count", "time_limit_minutes", "category_ids")


def _apply(obj, values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, list]:
    changes = {}
    for name in allowed:
        if name in values and getattr(obj, name) != values[name]:
            before = getattr(obj, name)
            setattr(obj, name, values[name])
            changes[name] = [_plain(before), _plain(values[name])]
    return changes


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)


def _check_contest(c: Contest) -> None:
    if not (c.title or "").strip():
        raise ContestError(_("The title is required."))
    if c.ends_at <= c.starts_at:
        raise ContestError(_("The contest must end after it starts."))
    if c.ranking_order not in RANKING_ORDERS:
        raise ContestError(_("Unknown ranking order."))
    counts = (c.entries_per_round, c.prizes_first, c.prizes_second, c.prizes_third, c.prizes_consolation)
    if any(n is None or n < 0 or n > 10_000 for n in counts) or not 0 <= c.min_age <= 100:
        raise ContestError(_("Counts and ages must be between 0 and 10,000."))
    if not 0 <= c.unit_depth <= 3:
        raise ContestError(_("The unit level is not valid."))


CONTEST_DEFAULTS = {"organiser_name": "", "status": ContestStatus.DRAFT, "allow_public": True, "min_age": 16,
                    "entries_per_round": 1, "counted_entry": CountedEntry.BEST,
                    "prediction_kind": PredictionKind.ALL_CORRECT, "ranking_order": RANKING_ORDERS[0],
                    "prizes_first": 1, "prizes_second": 2, "prizes_third": 3, "prizes_consolation": 10,
                    "unit_depth": 1, "require_phone": False}


def _check_phone_channel(contest: Contest, changes: dict[str, list]) -> None:
    """Phone verification needs a text-message channel: without one it cannot be turned on."""
    if "require_phone" in changes and contest.require_phone and channels.configured(current_app.config) is None:
        raise ContestError(_("No text-message channel is configured: phone verification cannot be required."))


def create_contest(actor: User, values: dict[str, Any]) -> Contest:
    values = {**CONTEST_DEFAULTS, **values, "rules_html": sanitize_html(values.get("rules_html"))}
    contest = Contest(organiser_id=actor.id, title="", starts_at=values["starts_at"], ends_at=values["ends_at"])
    changes = _apply(contest, values, CONTEST_FIELDS)
    contest.title = contest.title.strip()
    _check_contest(contest)
    _check_phone_channel(contest, changes)
    db.session.add(contest)
    db.session.flush()
    audit.record("contest.create", target=f"contest:{contest.id}", actor=actor, title=contest.title)
    return contest


def update_contest(contest: Contest, actor: User, values: dict[str, Any]) -> None:
    if "rules_html" in values:
        values = dict(values, rules_html=sanitize_html(values["rules_html"]))
    if _has_results(contest) and any(
            k in values and getattr(contest, k) != values[k]
            for k in ("counted_entry", "prediction_kind", "ranking_order")):
        raise ContestError(_("Results have been published: the ranking rules can no longer change."))
    changes = _apply(contest, values, CONTEST_FIELDS)
    _check_contest(contest)
    _check_phone_channel(contest, changes)
    if changes:
        audit.record("contest.update", target=f"contest:{contest.id}", actor=actor, changes=changes)
    db.session.flush()


def _has_results(contest: Contest) -> bool:
    return any(r.published_at is not None for r in contest.rounds)


def set_unit_sizes(contest: Contest, actor: User, sizes: dict[OrgUnit, int]) -> None:
    """Replace the configured member counts (units not listed count their active accounts)."""
    if any(n <= 0 or n > 10_000_000 for n in sizes.values()):
        raise ContestError(_("A member count must be a positive number."))
    before = {s.unit.code: s.members for s in db.session.scalars(
        select(ContestUnitSize).where(ContestUnitSize.contest_id == contest.id))}
    after = {u.code: n for u, n in sizes.items()}
    if before == after:
        return
    db.session.execute(delete(ContestUnitSize).where(ContestUnitSize.contest_id == contest.id))
    db.session.add_all(ContestUnitSize(contest_id=contest.id, unit_id=u.id, members=n) for u, n in sizes.items())
    audit.record("contest.unit_sizes", target=f"contest:{contest.id}", actor=actor, before=before, after=after)
    db.session.flush()


def unit_sizes(contest: Contest) -> list[ContestUnitSize]:
    return list(db.session.scalars(select(ContestUnitSize).where(ContestUnitSize.contest_id == contest.id)))


def _check_round(r: ContestRound, contest: Contest) -> None:
    if r.closes_at <= r.opens_at:
        raise ContestError(_("A round must close after it opens."))
    if r.opens_at < contest.starts_at or r.closes_at > contest.ends_at:
        raise ContestError(_("A round must lie within the contest's period."))
    if not MIN_QUESTIONS <= r.question_count <= MAX_QUESTIONS:
        raise ContestError(_("A round draws between %(a)d and %(b)d questions.", a=MIN_QUESTIONS, b=MAX_QUESTIONS))
    if not 1 <= r.time_limit_minutes <= 180:
        raise ContestError(_("The time limit must be between 1 and 180 minutes."))
    available = len(question_pool(r.category_ids))
    if available < r.question_count:
        raise ContestError(_("The chosen categories hold %(n)d single or multiple choice questions; "
                             "the round needs %(k)d.", n=available, k=r.question_count))
    for other in contest.rounds:
        if other is not r and other.opens_at < r.closes_at and r.opens_at < other.closes_at:
            raise ContestError(_("Rounds of a contest must not overlap."))


def add_round(contest: Contest, actor: User, values: dict[str, Any]) -> ContestRound:
    values = {"title": "", "question_count": 20, "time_limit_minutes": 10, **values}
    number = max((r.number for r in contest.rounds), default=0) + 1
    with db.session.no_autoflush:  # nothing is written before the checks passed
        r = ContestRound(number=number, opens_at=values["opens_at"], closes_at=values["closes_at"])
        contest.rounds.append(r)
        _apply(r, values, ROUND_FIELDS)
    _check_round(r, contest)
    db.session.flush()
    audit.record("contest.round.create", target=f"round:{r.id}", actor=actor, contest=contest.id, number=number)
    return r


def update_round(r: ContestRound, actor: User, values: dict[str, Any]) -> None:
    if r.published_at is not None:
        raise ContestError(_("Results of this round have been published: it can no longer change."))
    started = db.session.scalar(select(ContestEntry.id).where(ContestEntry.round_id == r.id).limit(1))
    if started is not None and any(k in values and getattr(r, k) != values[k] for k in DRAW_FIELDS):
        raise ContestError(_("Entries have started: the questions and the time limit can no longer change."))
    changes = _apply(r, values, ROUND_FIELDS)
    _check_round(r, r.contest)
    if changes:
        audit.record("contest.round.update", target=f"round:{r.id}", actor=actor, changes=changes)
    db.session.flush()


def round_state(r: ContestRound, now: datetime | None = None) -> str:
    now = now or utcnow()
    if now < r.opens_at:
        return "upcoming"
    return "open" if now < r.closes_at else "closed"


def public_contests() -> list[Contest]:
    return list(db.session.scalars(select(Contest).where(Contest.status == ContestStatus.PUBLISHED)
                                   .order_by(Contest.starts_at.desc())))


def managed_contests(user: User) -> list[Contest]:
    stmt = select(Contest).order_by(Contest.starts_at.desc())
    if not user.can(Permission.MANAGE_ANY_CONTEST):
        stmt = stmt.where(Contest.organiser_id == user.id)
    return list(db.session.scalars(stmt))


def can_manage(contest: Contest, user: User) -> bool:
    return contest.organiser_id == user.id or user.can(Permission.MANAGE_ANY_CONTEST)
