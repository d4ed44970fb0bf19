"""Answering an attempt: each answer checked against its question before SQLite's write lock, then
stored only while the attempt is open; a page's answers resent from the cadre's phone are written once.

A room of its own beside ``quizzes.attempts`` (start, submit, time out): the answer's rules (tokens
in, responses checked by their kind, the attempt row locked so no save slips in after a submission,
the ever-growing ``answer_seq`` of answers kept offline) read in one sitting here.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm.attributes import set_committed_value

from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from quizzes import tokens
from quizzes.answers import FormAnswer
from quizzes.attempts import is_overdue
from quizzes.bank.types import InvalidResponse, get_type
from quizzes.models import AttemptQuestion, AttemptState, QuizAttempt
from quizzes.services import QuizError, QuizNotFound


class TimeUp(QuizError):
    """The deadline has passed: the answer was not saved."""


class AttemptClosed(QuizError):
    """The attempt was already submitted."""



# Built once, as the course lookups (courses.services): each save and summary runs them.
_ANSWERED = select(AttemptQuestion.position, AttemptQuestion.response).where(
    AttemptQuestion.attempt_id == bindparam("attempt_id")).order_by(AttemptQuestion.position)
_QUESTIONS_AT = select(AttemptQuestion).where(AttemptQuestion.attempt_id == bindparam("attempt_id"),
                                              AttemptQuestion.position.in_(bindparam("positions", expanding=True)))
_STATE_FOR_UPDATE = select(QuizAttempt.state).where(QuizAttempt.id == bindparam("attempt_id")).with_for_update()


class Answered(NamedTuple):
    position: int
    answered: bool


def answered(attempt: QuizAttempt) -> list[Answered]:
    """Each question's number and whether an answer is saved: the summary's table. Two columns,
    not the 20 questions with their versions' text and data (``attempt.questions``), which the
    summary page loaded only to test each answer (bench/load/journey.py, the summary step)."""
    if "questions" in attempt.__dict__:  # loaded already: nothing to read
        return [Answered(row.position, bool(row.response)) for row in attempt.questions]
    rows = db.session.execute(_ANSWERED, {"attempt_id": attempt.id})
    return [Answered(position, bool(response)) for position, response in rows]


def save_answers(attempt: QuizAttempt, user: User, answers: dict[int, Any], now: datetime | None = None) -> int:
    """Store responses by question number (a response in its kind's shape, a posted ``FormAnswer``,
    or None to clear); all or nothing. Returns how many."""
    return store_answers(attempt, read_answers(attempt, user, answers, now), now)


def read_answers(attempt: QuizAttempt, user: User, answers: dict[int, Any],
                 now: datetime | None = None) -> dict[AttemptQuestion, dict | None]:
    """Reads only: the attempt's questions with their cleaned responses, checked before the write
    lock is taken (``store_answers`` checks the attempt again under it)."""
    now = now or utcnow()
    if attempt.user_id != user.id:
        raise QuizNotFound()
    _check_open(attempt.state, attempt, now)
    if not answers:
        return {}
    rows = {aq.position: aq for aq in db.session.scalars(_QUESTIONS_AT, {"attempt_id": attempt.id,
                                                                         "positions": list(answers)})}
    cleaned: dict[AttemptQuestion, dict | None] = {}
    for position, raw in answers.items():
        row = rows.get(position)
        if row is None:
            raise QuizError(_("Question %(n)s is not part of this attempt.", n=position))
        if isinstance(raw, FormAnswer):
            raw = raw.to_response(row.version.kind, row_tokens(row))
        if raw is None:
            cleaned[row] = None
            continue
        try:
            cleaned[row] = get_type(row.version.kind).clean_response(row.version.data, raw)
        except InvalidResponse as error:
            raise QuizError(_("Question %(n)d: %(error)s", n=position, error=str(error))) from None
    return cleaned


def store_answers(attempt: QuizAttempt, cleaned: dict[AttemptQuestion, dict | None],
                  now: datetime | None = None) -> int:
    """Write what ``read_answers`` checked, if the attempt is still open: a submission or the
    deadline may have come in between."""
    now = now or utcnow()
    # Lock the attempt row (PostgreSQL; SQLite holds the write lock already): no save after a submission.
    state = db.session.scalar(_STATE_FOR_UPDATE, {"attempt_id": attempt.id})
    _check_open(state, attempt, now)
    if cleaned:
        # One executemany, not the ORM's flush: a page of 20 answers is written under the write
        # lock, where bench/load/journey.py measured the flush's bookkeeping (quizzes.save_page).
        db.session.execute(_SAVE, [{"row_id": row.id, "answer": response, "at": now}
                                   for row, response in cleaned.items()])
        for row, response in cleaned.items():
            set_committed_value(row, "response", response)
            set_committed_value(row, "answered_at", now)
    return len(cleaned)


_rows = AttemptQuestion.__table__
_SAVE = _rows.update().where(_rows.c.id == bindparam("row_id")).values(
    response=bindparam("answer", type_=_rows.c.response.type), answered_at=bindparam("at", type_=_rows.c.answered_at.type))
# The same, only if the answer is newer than the one stored: a resend (same number) or an older
# answer arriving late (smaller number) changes no row.
_SAVE_NEWER = _rows.update().where(
    _rows.c.id == bindparam("row_id"),
    or_(_rows.c.answer_seq.is_(None), _rows.c.answer_seq < bindparam("seq"))).values(
    response=bindparam("answer", type_=_rows.c.response.type), answered_at=bindparam("at", type_=_rows.c.answered_at.type),
    answer_seq=bindparam("seq"))
MAX_SEQ = 2**53  # what a browser's numbers hold exactly


class Saved(NamedTuple):
    written: list[int]         # the questions this save wrote
    overtaken: dict[int, int]  # question -> the number stored, for those holding another answer under a higher number


def store_answers_once(attempt: QuizAttempt, cleaned: dict[AttemptQuestion, dict | None], seq: int,
                       now: datetime | None = None) -> Saved:
    """Write what ``read_answers`` checked, as ``store_answers`` does, but each answer only if
    ``seq`` (the page's number for it) is above the one stored with the question: the idempotent
    save of answers kept on the cadre's device and sent again when the line returns.

    Not written: a resend (the same answer is stored: nothing to say), or an answer overtaken by a
    different one stored under a higher number (``overtaken``: another device, or a phone whose
    clock went back; the page decides whether its answer is still the cadre's latest)."""
    if not (isinstance(seq, int) and 0 < seq < MAX_SEQ):
        raise QuizError(_("The answer could not be read. Reload the page."))
    now = now or utcnow()
    state = db.session.scalar(_STATE_FOR_UPDATE, {"attempt_id": attempt.id})
    _check_open(state, attempt, now)
    conn = db.session.connection()
    written, kept = [], {}
    for row, response in sorted(cleaned.items(), key=lambda item: item[0].position):
        if conn.execute(_SAVE_NEWER, {"row_id": row.id, "answer": response, "at": now, "seq": seq}).rowcount:
            written.append(row.position)
            set_committed_value(row, "response", response)
            set_committed_value(row, "answered_at", now)
            set_committed_value(row, "answer_seq", seq)
        else:
            kept[row.id] = (row.position, response)
    overtaken = {}
    if kept:
        for row_id, stored, stored_seq in conn.execute(
                select(_rows.c.id, _rows.c.response, _rows.c.answer_seq).where(_rows.c.id.in_(list(kept)))):
            position, response = kept[row_id]
            if stored != response:
                overtaken[position] = stored_seq
    return Saved(written, overtaken)


def _check_open(state: AttemptState, attempt: QuizAttempt, now: datetime) -> None:
    if state != AttemptState.IN_PROGRESS:
        raise AttemptClosed(_("This attempt has already been submitted; the answer was not saved."))
    if is_overdue(attempt, now):
        raise TimeUp(_("Time is up: the answer was not saved."))


def row_tokens(row: AttemptQuestion) -> tokens.Tokens:
    """The tokens the attempt page shows for this question (``quizzes.tokens``)."""
    return tokens.for_question(tokens.attempt_scope(row.attempt_id, row.position), row.version, row.order)[0]


def shown(row: AttemptQuestion) -> dict:
    """What the attempt page shows of a question: its public view and saved answer, in tokens."""
    scope = tokens.attempt_scope(row.attempt_id, row.position)
    return tokens.for_question(scope, row.version, row.order, row.response)[1]
