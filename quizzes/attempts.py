"""The attempt lifecycle: start, submit exactly once, time out (saving answers: ``quizzes.answering``).

Exactly-once rests on the database, not on the browser:

- a unique index allows one attempt in progress per cadre and quiz, and the attempt
  number is unique per cadre and quiz, so two concurrent starts cannot both insert;
- submitting is a conditional ``UPDATE ... WHERE state = 'in_progress'``: of two
  concurrent submissions (a double click, two tabs, a replay) exactly one changes a row
  and grades; the other writes nothing and shows the result already there;
- saving an answer locks the attempt row first, so it cannot slip in after a submission
  (``quizzes.answering``).

The server owns the clock: an answer that arrives after the deadline (plus ``GRACE`` for
the trip over a slow line) is refused, and an attempt past its deadline is graded with
what was saved by the next request that touches it, by the quiz page, or by
``elearn quizzes sweep``.
"""
from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from courses import services as courses
from courses.models import Item
from courses.progress import record_open
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from quizzes import grading, xapi
from quizzes.bank.models import Question, QuestionKind, QuestionVersion
from quizzes.bank.types import get_type
from quizzes.grading import in_current_round
from quizzes.models import AttemptQuestion, AttemptState, Quiz, QuizAttempt, ReviewShows, ReviewWhen
from quizzes.services import QuizError, QuizNotFound, can_edit, candidates_query, course_of, is_open

GRACE = timedelta(seconds=2)
SWEEP_BATCH = 500


# --- reading --------------------------------------------------------------------------------

# Built once, as the course lookups (courses.services): the attempt pages and posts run these each time.
_ATTEMPT = select(QuizAttempt).where(QuizAttempt.id == bindparam("attempt_id"))
# With its course in the same statement: the review asks whether the course is still open.
_ATTEMPT_FOR_REVIEW = _ATTEMPT.options(joinedload(QuizAttempt.quiz).joinedload(Quiz.item).joinedload(Item.course))
_ATTEMPTS_OF = select(QuizAttempt).where(
    QuizAttempt.quiz_id == bindparam("quiz_id"), QuizAttempt.user_id == bindparam("user_id"),
    in_current_round()).order_by(QuizAttempt.number)


def get_attempt(attempt_id: int, user: User) -> QuizAttempt:
    """The user's own attempt; anyone else's is a 404, as if it did not exist."""
    attempt = db.session.scalar(_ATTEMPT, {"attempt_id": attempt_id})
    if attempt is None or attempt.user_id != user.id:
        raise QuizNotFound()
    return attempt


def get_attempt_for_review(attempt_id: int, user: User) -> QuizAttempt:
    """The user's own attempt, or any attempt of a quiz whose course the user may edit."""
    attempt = db.session.scalar(_ATTEMPT_FOR_REVIEW, {"attempt_id": attempt_id})
    if attempt is None or (attempt.user_id != user.id and not can_edit(user, attempt.quiz)):
        raise QuizNotFound()
    return attempt


def attempts_of(quiz: Quiz, user: User) -> list[QuizAttempt]:
    """The user's attempts at ``quiz`` in their current round of the course."""
    return list(db.session.scalars(_ATTEMPTS_OF, {"quiz_id": quiz.item_id, "user_id": user.id}))


def open_attempt(quiz: Quiz, user: User) -> QuizAttempt | None:
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.quiz_id == quiz.item_id, QuizAttempt.user_id == user.id,
        QuizAttempt.state == AttemptState.IN_PROGRESS))


def may_take(quiz: Quiz, user: User) -> bool:
    """Enrolled on an open course, or an editor trying the quiz out."""
    course = course_of(quiz)
    if courses.can_edit(user, course):
        return True
    return courses.is_open(course) and courses.get_enrollment(user, course) is not None


def attempts_left(quiz: Quiz, attempts: list[QuizAttempt]) -> int | None:
    """None: unlimited."""
    if not quiz.attempts_allowed:
        return None
    return max(0, quiz.attempts_allowed - len(attempts))


def is_overdue(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + GRACE


def answers_visible(attempt: QuizAttempt, viewer: User, now: datetime | None = None) -> bool:
    """May ``viewer`` see the right answers, weights and feedback of this finished attempt?"""
    if attempt.state != AttemptState.FINISHED:
        return False
    quiz = attempt.quiz
    if viewer.id != attempt.user_id:
        return can_edit(viewer, quiz)
    if quiz.review_shows != ReviewShows.FULL:
        return False
    if quiz.review_when == ReviewWhen.IMMEDIATELY:
        return True
    return quiz.closes_at is not None and (now or utcnow()) >= quiz.closes_at


# --- start ----------------------------------------------------------------------------------

_CURRENT_VERSIONS = select(Question.id, Question.current_version_id).where(
    Question.id.in_(bindparam("ids", expanding=True)))
_VERSIONS = select(QuestionVersion).where(QuestionVersion.id.in_(bindparam("ids", expanding=True)))
_INSERT_QUESTIONS = insert(AttemptQuestion)
# What a new attempt's row holds besides what plan_attempt sets: every column is given, so the stored
# object has nothing left to read back.
_NEW_ATTEMPT = {"state": AttemptState.IN_PROGRESS, "finished_at": None, "auto_submitted": False, "submit_key": None,
                "score": None, "percent": None, "passed": None}
_ATTEMPT_COLUMNS = ("quiz_id", "user_id", "number", "started_at", "deadline", "max_score", *_NEW_ATTEMPT)
_INSERTS: dict[str, object] = {}


def _draw(quiz: Quiz, rng) -> list[tuple[QuestionVersion, list[str] | None]]:
    fixed = [s.question_id for s in quiz.slots if s.question_id]
    current = dict(db.session.execute(_CURRENT_VERSIONS, {"ids": fixed}).all()) if fixed else {}  # not one per slot
    taken = set(fixed)
    version_ids: list[int] = []
    for slot in quiz.slots:
        if slot.question_id:
            if current.get(slot.question_id) is not None:
                version_ids.append(current[slot.question_id])
            continue
        rows = [r for r in db.session.execute(candidates_query(slot.category, slot.include_subcategories))
                if r.id not in taken]
        if len(rows) < slot.count:
            raise QuizError(_("The quiz cannot be started: category %(name)s has too few questions. "
                              "Tell the trainer.", name=slot.category.name))
        for row in rng.sample(rows, slot.count):
            taken.add(row.id)
            version_ids.append(row.current_version_id)
    versions = {v.id: v for v in db.session.scalars(_VERSIONS, {"ids": version_ids})}
    picked = [versions[i] for i in version_ids]
    if quiz.shuffle_questions:
        rng.shuffle(picked)
    result = []
    for version in picked:
        kind = get_type(version.kind)
        shuffle = quiz.shuffle_choices or version.kind == QuestionKind.MATCHING  # a matching key is its order
        result.append((version, kind.new_order(version.data, rng) if shuffle else None))
    return result


def start_attempt(quiz: Quiz, user: User, now: datetime | None = None, rng=None) -> QuizAttempt:
    """Continue the attempt in progress, or start a new one (drawing its questions)."""
    now = now or utcnow()
    finish_overdue(quiz, user, now)
    return store_attempt(plan_attempt(quiz, user, now, rng), user, now)


def plan_attempt(quiz: Quiz, user: User, now: datetime | None = None, rng=None,
                 done: list[QuizAttempt] | None = None) -> QuizAttempt:
    """Reads only: the attempt in progress, or a new one drawn but not stored yet (``store_attempt``
    stores it, under the write lock). Attempts whose time ran out must be closed first. ``done``:
    the user's attempts at this quiz, when the caller has just read them (``attempts_of``)."""
    now = now or utcnow()
    course = course_of(quiz)
    enrollment = courses.get_enrollment(user, course)  # may_take's test, its enrolment kept for the round
    if not (courses.can_edit(user, course) or (courses.is_open(course) and enrollment is not None)):
        raise QuizError(_("Enrol on the course to take this quiz."))
    done = attempts_of(quiz, user) if done is None else done
    current = next((a for a in done if a.state == AttemptState.IN_PROGRESS), None)
    if current is not None:
        return current
    if not is_open(quiz, now):
        raise QuizError(_("This quiz is not open now."))
    if attempts_left(quiz, done) == 0:
        raise QuizError(_("You have used all %(n)d attempts allowed.", n=quiz.attempts_allowed))
    # One generator an attempt, seeded from the OS: SystemRandom asked the kernel for a byte at
    # every draw and shuffle (~120 system calls an attempt); an order is not a secret, the seed is.
    drawn = _draw(quiz, rng or random.Random(secrets.randbits(128)))
    if not drawn:
        raise QuizError(_("This quiz has no questions yet."))
    deadline = None
    if quiz.time_limit_minutes:
        deadline = now + timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at is not None:
        deadline = quiz.closes_at if deadline is None else min(deadline, quiz.closes_at)
    # Numbers go on over every round: the first attempt of a renewal round follows the earlier rounds'.
    number = max((a.number for a in done), default=0) + 1
    if not done and enrollment is not None and enrollment.round_started_at is not None:
        number = (db.session.scalar(select(func.max(QuizAttempt.number)).where(
            QuizAttempt.quiz_id == quiz.item_id, QuizAttempt.user_id == user.id)) or 0) + 1
    attempt = QuizAttempt(quiz_id=quiz.item_id, user_id=user.id, number=number, started_at=now,
                          deadline=deadline, max_score=sum(v.points for v, _ in drawn), **_NEW_ATTEMPT)
    # Rows for store_attempt's one INSERT, not 20 ORM objects in a collection: building and then
    # emptying that collection with its events was a tenth of the start's CPU (journey_profile.py).
    attempt.drawn = [{"position": i, "version_id": v.id, "order": order, "points": v.points}
                     for i, (v, order) in enumerate(drawn, start=1)]
    return attempt


def _insert_attempt():
    """The INSERT of a new attempt in this database's dialect (built once per dialect)."""
    name = db.engine().dialect.name
    if name not in _INSERTS:
        _INSERTS[name] = db.insert_or_ignore(QuizAttempt.__table__).values(
            {c: bindparam(c) for c in _ATTEMPT_COLUMNS}).returning(QuizAttempt.__table__.c.id)
    return _INSERTS[name]


def store_attempt(attempt: QuizAttempt, user: User, now: datetime | None = None) -> QuizAttempt:
    """Store an attempt ``plan_attempt`` drew (one already stored is returned as it is)."""
    if attempt.id is not None:
        return attempt
    drawn, attempt.drawn = attempt.drawn, None
    # A concurrent start hits a unique index (one attempt in progress, numbers unique): nothing is
    # inserted, and the transaction goes on. One INSERT ... ON CONFLICT DO NOTHING, not a savepoint
    # around the ORM's flush: it runs under the write lock (bench/load/journey.py, quizzes.start).
    row = {c: getattr(attempt, c) for c in _ATTEMPT_COLUMNS}
    attempt_id = db.session.connection().execute(_insert_attempt(), row).scalar()
    if attempt_id is None:
        raise QuizError(_("Another attempt was started at the same moment. Reload the page."))
    attempt.id = attempt_id
    make_transient_to_detached(attempt)  # the row is written: the object is its persistent copy
    db.session.add(attempt)
    # One executemany for the drawn questions, not the ORM's flush of 20 objects: it runs under the
    # write lock, where bench/load/journey.py measured it (quizzes.start).
    db.session.execute(_INSERT_QUESTIONS, [{"attempt_id": attempt.id, **row} for row in drawn])
    db.session.expire(attempt, ["questions"])  # loaded from the rows when next read
    record_open(user, attempt.quiz.item, now or utcnow())
    xapi.attempt_started(attempt, now or utcnow())
    return attempt


def has_overdue(attempts: list[QuizAttempt], now: datetime) -> bool:
    return any(a.state == AttemptState.IN_PROGRESS and is_overdue(a, now) for a in attempts)


# --- answering ------------------------------------------------------------------------------

# --- finishing ------------------------------------------------------------------------------

# The UPDATE that ends an attempt with its totals, built once: it runs under the write lock, and a
# build takes ~60 µs (bench/bench_prebuilt.py, host 61 ms).
_attempts = QuizAttempt.__table__
_CLOSE = _attempts.update().where(
    _attempts.c.id == bindparam("attempt_id"), _attempts.c.state == AttemptState.IN_PROGRESS).values(
    state=AttemptState.FINISHED, finished_at=bindparam("at"), submit_key=bindparam("key"),
    auto_submitted=bindparam("auto"), score=bindparam("total_score"), max_score=bindparam("total_max"),
    percent=bindparam("total_percent"), passed=bindparam("total_passed"))
_TOTALS = _attempts.update().where(_attempts.c.id == bindparam("attempt_id")).values(
    score=bindparam("total_score"), max_score=bindparam("total_max"), percent=bindparam("total_percent"),
    passed=bindparam("total_passed"))


def _bound(attempt: QuizAttempt, totals: dict) -> dict:
    return {"attempt_id": attempt.id, "total_score": totals["score"], "total_max": totals["max_score"],
            "total_percent": totals["percent"], "total_passed": totals["passed"]}


def _close(attempt: QuizAttempt, now: datetime, key: str | None, auto: bool,
           scores: grading.Scores | None = None) -> bool:
    """The one conditional UPDATE that ends an attempt and stores its totals; True for the single
    caller that won. ``scores``: graded before the write lock (else here). They are checked
    against the responses saved by now only after the UPDATE, which on PostgreSQL locks the row:
    a save waiting for it then finds the attempt finished, so no saved answer goes ungraded."""
    if scores is None:
        scores = grading.score_attempt(attempt)
    pass_percent = attempt.quiz.pass_percent
    totals = scores.totals(pass_percent)
    conn = db.session.connection()
    if conn.execute(_CLOSE, {**_bound(attempt, totals), "at": now, "key": key, "auto": auto}).rowcount != 1:
        db.session.refresh(attempt)
        return False
    checked = grading.recheck(attempt, scores)
    if checked is not scores:  # an answer was saved after grading: store what it earns
        scores, totals = checked, checked.totals(pass_percent)
        conn.execute(_TOTALS, _bound(attempt, totals))
    values = {"state": AttemptState.FINISHED, "finished_at": now, "submit_key": key, "auto_submitted": auto,
              **totals}
    for name, value in values.items():  # what the row holds now, without reading it back
        set_committed_value(attempt, name, value)
    grading.store_scores(attempt, scores)
    xapi.attempt_finished(attempt, now)  # before the course completion record_result may bring
    grading.record_result(attempt)
    return True


def grade_before_submit(attempt: QuizAttempt, user: User) -> grading.Scores | None:
    """Reads only: the scores ``submit_attempt`` will store, computed before the write lock is
    taken (it checks them against the responses saved by then). None: already submitted."""
    if attempt.user_id != user.id:
        raise QuizNotFound()
    if attempt.state == AttemptState.FINISHED:
        return None
    return grading.score_attempt(attempt)


def submit_attempt(attempt: QuizAttempt, user: User, key: str | None = None,
                   now: datetime | None = None, scores: grading.Scores | None = None) -> tuple[QuizAttempt, bool]:
    """Submit and grade; returns (attempt, True) for the submission that counted, (attempt, False)
    when it had already been submitted (a retry with the same key, another tab, a timeout).
    ``scores``: from ``grade_before_submit``, so that grading is not done under the write lock."""
    now = now or utcnow()
    if attempt.user_id != user.id:
        raise QuizNotFound()
    key = (key or "")[:64] or None
    if attempt.state == AttemptState.FINISHED:
        return attempt, False
    late = is_overdue(attempt, now)
    won = _close(attempt, attempt.deadline if late else now, key, auto=late, scores=scores)
    return attempt, won


def submitted_with(attempt: QuizAttempt, key: str | None) -> bool:
    """Whether the attempt was submitted with ``key``: the same form sent again (a double tap, a
    retry after a lost response) rather than another tab or the clock."""
    key = (key or "")[:64] or None
    return key is not None and attempt.state == AttemptState.FINISHED and attempt.submit_key == key


def finish_if_overdue(attempt: QuizAttempt, now: datetime | None = None) -> bool:
    """Grade an attempt whose time ran out with what was saved. True if this call did it."""
    now = now or utcnow()
    if attempt.state != AttemptState.IN_PROGRESS or not is_overdue(attempt, now):
        return False
    return _close(attempt, attempt.deadline, None, auto=True)


def _overdue_query(now: datetime):
    return select(QuizAttempt).where(QuizAttempt.state == AttemptState.IN_PROGRESS,
                                     QuizAttempt.deadline < now - GRACE)


def finish_overdue(quiz: Quiz, user: User | None = None, now: datetime | None = None) -> int:
    """Lazily close the quiz's overdue attempts (one user's, or everyone's)."""
    now = now or utcnow()
    query = _overdue_query(now).where(QuizAttempt.quiz_id == quiz.item_id)
    if user is not None:
        query = query.where(QuizAttempt.user_id == user.id)
    return sum(finish_if_overdue(a, now) for a in db.session.scalars(query).all())


def sweep(now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Close every overdue attempt (``elearn quizzes sweep``, run from cron)."""
    now = now or utcnow()
    attempts = db.session.scalars(_overdue_query(now).order_by(QuizAttempt.deadline).limit(limit)).all()
    return sum(finish_if_overdue(a, now) for a in attempts)
