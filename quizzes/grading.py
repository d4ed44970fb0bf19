"""Scoring an attempt, the quiz grade by the grading method, progress, and regrading.

Each question is scored by its kind (``quizzes.bank.types``) against the version the
cadre saw; points = fraction x the points the question had when it was drawn.

Regrade, decided: a trainer fixes a question's key in the bank (which makes a new
version), then regrades the quiz's finished attempts of that question against a chosen
version (by default the current one). The stored responses are re-scored against that
version's key; the attempt still shows the text the cadre saw (``version``) and remembers
which key graded it (``graded_version``). Points per question stay as drawn. Every
changed score is written to the audit log with its before and after; a regrade may
complete a course item, but never takes a completion back.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, or_, select

from courses.models import Enrollment, Item
from courses.progress import record_score
from elearn import audit, db
from elearn.accounts.models import User
from elearn.lti.grades import launched
from quizzes import lti
from quizzes.bank.models import Question, QuestionVersion
from quizzes.bank.types import InvalidResponse, get_type
from quizzes.models import AttemptQuestion, AttemptState, GradingMethod, Quiz, QuizAttempt
from quizzes.services import QuizError

_EPS = 1e-9


def _fraction(kind, data, response) -> float:
    return 0.0 if response is None else get_type(kind).grade(data, response)


def score_question(row: AttemptQuestion) -> None:
    version = row.key_version
    row.fraction = _fraction(version.kind, version.data, row.response)
    row.score = round(row.fraction * row.points, 7)


def total_values(marks: list[tuple[float, float]], pass_percent: float) -> dict:
    """The attempt's score, max_score, percent and passed from (score, points) of every question."""
    score = round(sum(s for s, _points in marks), 7)
    max_score = round(sum(points for _score, points in marks), 7)
    percent = round(100.0 * score / max_score, 2) if max_score else 0.0
    return {"score": score, "max_score": max_score, "percent": percent, "passed": percent + _EPS >= pass_percent}


def _set_totals(attempt: QuizAttempt, marks: list[tuple[float, float]]) -> None:
    """marks: (score, points) of every question."""
    for name, value in total_values(marks, attempt.quiz.pass_percent).items():
        setattr(attempt, name, value)


def _totals(attempt: QuizAttempt) -> None:
    _set_totals(attempt, [(q.score or 0.0, q.points) for q in attempt.questions])


# Grading runs on every submission: plain rows and statements built once, not ORM objects
# (for 30 questions those cost more than the grading itself).
_KEY = func.coalesce(AttemptQuestion.graded_version_id, AttemptQuestion.version_id)
_GRADING_ROWS = (select(AttemptQuestion.id, AttemptQuestion.response, AttemptQuestion.points,
                        QuestionVersion.kind, QuestionVersion.data)
                 .join(QuestionVersion, QuestionVersion.id == _KEY)
                 .where(AttemptQuestion.attempt_id == bindparam("attempt_id")))
_SAVED_RESPONSES = select(AttemptQuestion.id, AttemptQuestion.response).where(
    AttemptQuestion.attempt_id == bindparam("attempt_id"))
_table = AttemptQuestion.__table__
# One statement run for every row (psycopg 3 pipelines an executemany: one round trip).
_STORE_SCORES = _table.update().where(_table.c.id == bindparam("row_id")).values(
    fraction=bindparam("row_fraction"), score=bindparam("row_score"))


@dataclass
class Scores:
    """Every question of an attempt scored from the responses saved when it was read."""
    rows: list[dict]  # id, response, points, kind, data, fraction, score

    def totals(self, pass_percent: float) -> dict:
        return total_values([(r["score"], r["points"]) for r in self.rows], pass_percent)


def _scored(row: dict, response) -> dict:
    fraction = _fraction(row["kind"], row["data"], response)
    return {**row, "response": response, "fraction": fraction, "score": round(fraction * row["points"], 7)}


def score_attempt(attempt: QuizAttempt) -> Scores:
    """Score every saved answer of ``attempt`` against its key; reads only (a submission does this
    before it takes the write lock, then ``recheck`` looks at the responses again)."""
    rows = db.session.execute(_GRADING_ROWS, {"attempt_id": attempt.id}).mappings().all()
    return Scores([_scored(dict(row), row["response"]) for row in rows])


def recheck(attempt: QuizAttempt, scores: Scores) -> Scores:
    """``scores`` as they are with the responses saved now: an answer saved since they were
    computed is scored again. The same object when nothing changed."""
    saved = dict(db.session.execute(_SAVED_RESPONSES, {"attempt_id": attempt.id}).all())
    if all(saved.get(row["id"]) == row["response"] for row in scores.rows):
        return scores
    return Scores([row if saved.get(row["id"]) == row["response"] else _scored(row, saved.get(row["id"]))
                   for row in scores.rows])


def store_scores(attempt: QuizAttempt, scores: Scores) -> None:
    """Write the score of every answer of ``attempt`` (its totals are written by the caller)."""
    if scores.rows:
        db.session.connection().execute(_STORE_SCORES, [
            {"row_id": r["id"], "row_fraction": r["fraction"], "row_score": r["score"]} for r in scores.rows])
    for obj in list(db.session.identity_map.values()):  # loaded copies are stale now
        if isinstance(obj, AttemptQuestion) and obj.attempt_id == attempt.id:
            db.session.expire(obj)


def final_grade(quiz: Quiz, attempts: list[QuizAttempt]) -> float | None:
    """The quiz grade (percent) of one cadre by the quiz's grading method, over finished attempts."""
    done = sorted((a for a in attempts if a.state == AttemptState.FINISHED and a.percent is not None),
                  key=lambda a: a.number)
    if not done:
        return None
    method = quiz.grading_method
    if method == GradingMethod.FIRST:
        return done[0].percent
    if method == GradingMethod.LAST:
        return done[-1].percent
    if method == GradingMethod.AVERAGE:
        return round(sum(a.percent for a in done) / len(done), 2)
    return max(a.percent for a in done)


def quiz_passed(quiz: Quiz, attempts: list[QuizAttempt]) -> bool:
    grade = final_grade(quiz, attempts)
    return grade is not None and grade + _EPS >= quiz.pass_percent


def in_current_round():
    """The attempts of the cadre's current round of the course: a renewal round
    (``courses.certificates.renewal``) starts afresh, so an attempt finished before it began is
    history: it neither counts against the attempt limit nor grades the quiz."""
    started = (select(Enrollment.round_started_at).join(Item, Item.course_id == Enrollment.course_id)
               .where(Item.id == QuizAttempt.quiz_id, Enrollment.user_id == QuizAttempt.user_id)
               .correlate(QuizAttempt).scalar_subquery())
    return or_(QuizAttempt.finished_at.is_(None), started.is_(None), QuizAttempt.finished_at >= started)


# What the grade needs of each attempt (rows, not objects: each would join its quiz and item).
# The last column: whether a platform awaits the grade (LTI), asked in the same statement.
_RESULTS = select(QuizAttempt.number, QuizAttempt.state, QuizAttempt.percent,
                  launched("quiz", bindparam("user_id"), bindparam("quiz_id")).label("lti")).where(
    QuizAttempt.quiz_id == bindparam("quiz_id"), QuizAttempt.user_id == bindparam("user_id"), in_current_round())


def record_result(attempt: QuizAttempt) -> None:
    """Progress after grading: the best percent always; the item completes (perhaps the course)
    once the quiz grade by its grading method reaches the pass mark. Runs on every submission,
    under the write lock: two statements (three when the score changes), no ORM flush."""
    quiz = attempt.quiz
    attempts = db.session.execute(_RESULTS, {"quiz_id": quiz.item_id, "user_id": attempt.user_id}).all()
    if not any(a.number == attempt.number for a in attempts):
        return  # an attempt of an earlier round (regraded since): that round's progress is history
    best = max((a.percent for a in attempts if a.percent is not None), default=None)
    record_score(attempt.user_id, quiz.item, best, attempt.finished_at if quiz_passed(quiz, attempts) else None)
    if attempts and attempts[0].lti:
        lti.quiz_graded(attempt.user_id, quiz.item_id, final_grade(quiz, attempts), attempt.finished_at)


def regrade_question(quiz: Quiz, question: Question, version: QuestionVersion, actor: User) -> list[dict]:
    """Re-score every finished attempt of this quiz that asked ``question``; returns the changes."""
    if version.question_id != question.id:
        raise QuizError(_("That version belongs to another question."))
    rows = db.session.scalars(
        select(AttemptQuestion)
        .join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.version_id)
        .where(QuizAttempt.quiz_id == quiz.item_id, QuizAttempt.state == AttemptState.FINISHED,
               QuestionVersion.question_id == question.id)).all()
    kind = get_type(version.kind)
    for row in rows:  # all or nothing: every stored response must fit the new key
        if row.version.kind != version.kind:
            raise QuizError(_("Version %(n)d is of another type than the version the cadres answered.",
                                 n=version.number))
        if row.response is not None:
            try:
                kind.clean_response(version.data, row.response)
            except InvalidResponse:
                raise QuizError(_("Version %(n)d no longer has the choices the cadres answered; "
                                     "regrade against a version that keeps them.", n=version.number)) from None
    changes = []
    for row in rows:
        before = row.score
        row.graded_version_id = None if version.id == row.version_id else version.id
        row.graded_version = None if version.id == row.version_id else version
        score_question(row)
        attempt = row.attempt
        percent_before = attempt.percent
        _totals(attempt)
        if before != row.score or percent_before != attempt.percent:
            changes.append({"attempt": attempt.id, "user": attempt.user_id, "question_before": before,
                            "question_after": row.score, "percent_before": percent_before,
                            "percent_after": attempt.percent})
        db.session.flush()
        record_result(attempt)
    audit.record("quiz.regrade", target=f"quiz:{quiz.item_id}", actor=actor, question=question.id,
                 version=version.number, attempts=len(rows), changes=changes)
    return changes
