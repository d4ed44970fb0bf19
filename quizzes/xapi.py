"""The quizzes' xAPI statements: an attempt started; when it ends, each question answered (right or
not, its score) and the attempt passed or failed, with its score and time."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from courses import xapi as course_xapi
from elearn import db
from elearn.xapi import services as xapi
from quizzes.bank.models import QuestionVersion
from quizzes.models import AttemptQuestion, QuizAttempt

INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"


def _session(statement: dict, attempt: QuizAttempt) -> dict:
    statement["context"]["extensions"] = {"https://w3id.org/xapi/cmi5/context/extensions/sessionid":
                                          f"attempt-{attempt.id}"}
    return statement


def attempt_started(attempt: QuizAttempt, at: datetime) -> None:
    if xapi.enabled():
        item = attempt.quiz.item
        xapi.add(_session(xapi.statement(attempt.user, "attempted", course_xapi.item_activity(item), at=at,
                                         parent=course_xapi.course_activity(item.course_id)), attempt))


def _answers(attempt: QuizAttempt, at: datetime) -> None:
    """One 'answered' per question: which question (by id, not its text), its share of the points."""
    item = attempt.quiz.item
    quiz = course_xapi.item_activity(item)
    rows = db.session.execute(select(AttemptQuestion.position, QuestionVersion.question_id, AttemptQuestion.fraction,
                                     AttemptQuestion.answered_at)
                              .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.version_id)
                              .where(AttemptQuestion.attempt_id == attempt.id).order_by(AttemptQuestion.position))
    for position, question_id, fraction, answered_at in rows:
        obj = xapi.activity(f"/questions/{question_id}", f"{item.title} — câu {position}", "assessment")
        obj["definition"]["type"] = INTERACTION
        result = xapi.score(None if fraction is None else 100 * fraction, passed=bool(fraction and fraction >= 1))
        result["completion"] = answered_at is not None
        xapi.add(_session(xapi.statement(attempt.user, "answered", obj, at=answered_at or at, result=result,
                                         parent=quiz), attempt))


def attempt_finished(attempt: QuizAttempt, at: datetime) -> None:
    if not xapi.enabled():
        return
    _answers(attempt, at)
    quiz, item = attempt.quiz, attempt.quiz.item
    passed = attempt.percent is not None and attempt.percent + 1e-9 >= quiz.pass_percent
    result = xapi.score(attempt.percent, passed=passed)
    seconds = max(0, int((at - attempt.started_at).total_seconds())) if attempt.started_at else 0
    result["duration"] = f"PT{seconds}S"
    statement = xapi.statement(attempt.user, "passed" if passed else "failed", course_xapi.item_activity(item),
                               at=at, result=result, parent=course_xapi.course_activity(item.course_id))
    xapi.add(_session(statement, attempt))
