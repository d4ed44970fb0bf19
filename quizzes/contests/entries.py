"""Contest entries: drawing a paper, starting once, submitting once, grading without partial credit.

A room of its own beside ``services`` (contests and rounds): the rules of the round's peak hour, where
every statement counts (``bench/load/contest_profile.py``, ``tests/quizzes/contests/test_entry_hot_path.py``).
Time is the server's: ``started_at``, ``deadline`` and ``submitted_at`` never come from the client; a
replayed submit changes no row (one conditional UPDATE), and ``(round, entrant, seq)`` is unique.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from elearn import db
from elearn.db import utcnow
from quizzes import tokens
from quizzes.bank.models import QuestionKind
from quizzes.bank.types import InvalidResponse, get_type
from quizzes.contests.models import (
    Contest,
    ContestEntrant,
    ContestEntry,
    ContestRound,
)
from quizzes.contests.paper import VERSIONS_MAX, Version, drawn_versions, round_pool
from quizzes.contests.services import GRACE, MAX_PREDICTION, ContestError, _rng, round_state


def _draw(r: ContestRound) -> list[dict[str, Any]]:
    rng = _rng()
    pool = round_pool(r)
    if len(pool) < r.question_count:
        raise ContestError(_("This round has too few questions; please tell the organiser."))
    version_ids = [v for _q, v in rng.sample(pool, r.question_count)]
    versions = drawn_versions(version_ids, also=[v for _q, v in pool[:VERSIONS_MAX // 10]])
    return [{"v": vid, "o": get_type(versions[vid].kind).new_order(versions[vid].data, rng)} for vid in version_ids]


def open_entry(r: ContestRound, entrant: ContestEntrant, now: datetime | None = None) -> ContestEntry | None:
    """The entrant's entry still running in this round, if any."""
    now = now or utcnow()
    entries = db.session.scalars(select(ContestEntry).where(
        ContestEntry.round_id == r.id, ContestEntry.entrant_id == entrant.id, ContestEntry.submitted_at.is_(None)))
    return next((e for e in entries if now <= e.deadline + GRACE), None)


def entrant_rounds(contest: Contest, entrant: ContestEntrant, now: datetime | None = None
                   ) -> tuple[dict[int, int], dict[int, ContestEntry | None]]:
    """For the contest page, in one statement: per round, the entries the entrant has used and
    the one still running (``entries_used`` and ``open_entry`` for every round)."""
    now = now or utcnow()
    used: dict[int, int] = {r.id: 0 for r in contest.rounds}
    running: dict[int, ContestEntry | None] = {r.id: None for r in contest.rounds}
    for e in db.session.scalars(select(ContestEntry).where(ContestEntry.entrant_id == entrant.id)
                                .order_by(ContestEntry.id)):
        if e.round_id in used:
            used[e.round_id] += 1
            if e.submitted_at is None and now <= e.deadline + GRACE and running[e.round_id] is None:
                running[e.round_id] = e
    return used, running


def entries_used(r: ContestRound, entrant: ContestEntrant) -> int:
    return db.session.scalar(select(func.count(ContestEntry.id)).where(
        ContestEntry.round_id == r.id, ContestEntry.entrant_id == entrant.id)) or 0


def start_entry(r: ContestRound, entrant: ContestEntrant, now: datetime | None = None,
                client_addr: str | None = None) -> ContestEntry:
    """Start an entry (or return the one still running). The limit holds under concurrency:
    ``seq`` is unique per entrant and round, so two simultaneous starts cannot share a slot."""
    now = now or utcnow()
    if entrant.contest_id != r.contest_id:
        raise ContestError(_("You are not registered in this contest."))
    if round_state(r, now) != "open":
        raise ContestError(_("This round is not open for entries."))
    if r.contest.require_phone and entrant.phone_verified_at is None:
        raise ContestError(_("Verify your phone number before entering."))
    limit = r.contest.entries_per_round
    questions = _draw(r)
    deadline = min(now + timedelta(minutes=r.time_limit_minutes), r.closes_at)
    for _attempt in range(5):
        # The entrant's entries in the round, in one statement: the one still running, or the next seq.
        mine = list(db.session.scalars(select(ContestEntry).where(
            ContestEntry.round_id == r.id, ContestEntry.entrant_id == entrant.id)
            .order_by(ContestEntry.seq).execution_options(populate_existing=True)))
        running = next((e for e in mine if e.submitted_at is None and now <= e.deadline + GRACE), None)
        if running is not None:
            return running
        seq = max((e.seq for e in mine), default=0) + 1
        if limit and seq > limit:
            raise ContestError(_("You have used all %(n)d entries allowed in this round.", n=limit))
        entry = ContestEntry(round_id=r.id, entrant_id=entrant.id, seq=seq, started_at=now, deadline=deadline,
                             questions=questions, answers={}, client_addr=(client_addr or None) and client_addr[:45])
        try:
            with db.session.begin_nested():
                db.session.add(entry)
        except IntegrityError:
            continue  # another request took this seq first: look again
        return entry
    raise ContestError(_("Too many entries were started at once; please try again."))


_NUMBER = re.compile(r"\d{1,3}(?:([., ])\d{3})?(?:\1\d{3})*|\d+")


def parse_prediction(raw: Any) -> int:
    """A whole number, 0 to MAX_PREDICTION; '1.250' and '1 250' read as 1250 (Vietnamese grouping)."""
    value = str(raw if raw is not None else "").strip()
    if not value:
        raise ContestError(_("Answer the prediction question."))
    if len(value) > 20 or not value.isascii() or not _NUMBER.fullmatch(value):
        raise ContestError(_("The prediction must be a whole number, 0 or more."))
    number = int(re.sub(r"\D", "", value))
    if number > MAX_PREDICTION:
        limit = f"{MAX_PREDICTION:,}".replace(",", ".")
        raise ContestError(_("The prediction cannot exceed %(n)s.", n=limit))
    return number


def submit_entry(entry: ContestEntry, answers: dict[str, list[str]], prediction: Any,
                 now: datetime | None = None) -> ContestEntry:
    """Grade and close an entry, once. ``answers`` maps a drawn version id to the choice ids ticked."""
    now = now or utcnow()
    if entry.submitted_at is not None:
        raise ContestError(_("This entry has already been submitted."))
    if now > entry.deadline + GRACE:
        raise ContestError(_("The time for this entry ran out; it was not accepted."))
    guess = parse_prediction(prediction)
    drawn = {str(q["v"]) for q in entry.questions}
    if any(key not in drawn for key in answers):
        raise ContestError(_("The answers do not match the questions of this entry."))
    versions = {str(i): v for i, v in drawn_versions([q["v"] for q in entry.questions]).items()}
    cleaned, correct = {}, 0
    for key in drawn:
        chosen = answers.get(key)
        if not chosen:
            continue
        version = versions[key]
        qtype = get_type(version.kind)
        try:
            if not isinstance(chosen, list) or (version.kind == QuestionKind.SINGLE and len(chosen) != 1):
                raise InvalidResponse("shape")
            response = {"choice": chosen[0]} if version.kind == QuestionKind.SINGLE else {"choices": chosen}
            cleaned[key] = qtype.clean_response(version.data, response)
        except InvalidResponse:
            raise ContestError(_("The answers do not match the questions of this entry.")) from None
        if _fully_correct(version, qtype.grade(version.data, cleaned[key]), cleaned[key]):
            correct += 1
    duration = max(0, int((min(now, entry.deadline) - entry.started_at).total_seconds() * 1000))
    # Conditional UPDATE: a replayed or double-clicked submit finds submitted_at already set.
    done = db.session.execute(
        update(ContestEntry).where(ContestEntry.id == entry.id, ContestEntry.submitted_at.is_(None))
        .values(submitted_at=now, answers=cleaned, correct=correct, prediction=guess, duration_ms=duration)
        .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise ContestError(_("This entry has already been submitted."))
    # What the UPDATE wrote, set on the object without reading the row back.
    for name, value in (("submitted_at", now), ("answers", cleaned), ("correct", correct), ("prediction", guess),
                        ("duration_ms", duration)):
        set_committed_value(entry, name, value)
    return entry


def _fully_correct(version: Version, fraction: float, response: dict[str, Any]) -> bool:
    """A contest counts a question right only when answered exactly (no partial credit): full marks
    for one correct choice; for several, exactly the choices that earn points."""
    if version.kind == QuestionKind.MULTIPLE:
        right = {c["id"] for c in version.data["choices"] if c.get("fraction", 0) > 0}
        return set(response.get("choices") or []) == right
    return fraction >= 1.0 - 1e-6


def entry_questions(entry: ContestEntry) -> list[tuple[Version, dict[str, Any]]]:
    """The drawn versions with what the browser may see, in the order drawn: choices as the
    entry's own tokens (``quizzes.tokens``), never their bank ids."""
    return [(version, shown) for version, _tokens, shown in _drawn(entry)]


def _drawn(entry: ContestEntry) -> list[tuple[Version, tokens.Tokens, dict[str, Any]]]:
    versions = drawn_versions([q["v"] for q in entry.questions])
    return [(versions[q["v"]], *tokens.for_question(tokens.entry_scope(entry.id, number), versions[q["v"]], q.get("o")))
            for number, q in enumerate(entry.questions, 1)]


def answers_from_form(entry: ContestEntry, form: dict[str, list[str]]) -> dict[str, list[str]]:
    """The entry page's answers (question number: the ticked choices' tokens) as ``submit_entry``
    takes them (drawn version id: choice ids). A number or token the page did not show is refused."""
    drawn = _drawn(entry)
    answers = {}
    for number, values in form.items():
        if not number.isdecimal() or not 1 <= int(number) <= len(drawn):
            raise ContestError(_("The answers do not match the questions of this entry."))
        version, toks, _shown = drawn[int(number) - 1]
        answers[str(version.id)] = toks.choices_in(values)
    return answers
