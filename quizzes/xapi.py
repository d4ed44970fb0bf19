"""The quizzes' xAPI statement: each finished attempt, passed or failed, with its score and time."""
from __future__ import annotations

from datetime import datetime

from courses import xapi as course_xapi
from elearn.xapi import services as xapi
from quizzes.models import QuizAttempt


def attempt_finished(attempt: QuizAttempt, at: datetime) -> None:
    if not xapi.enabled():
        return
    quiz, item = attempt.quiz, attempt.quiz.item
    passed = attempt.percent is not None and attempt.percent + 1e-9 >= quiz.pass_percent
    result = xapi.score(attempt.percent, passed=passed)
    seconds = max(0, int((at - attempt.started_at).total_seconds())) if attempt.started_at else 0
    result["duration"] = f"PT{seconds}S"
    statement = xapi.statement(attempt.user, "passed" if passed else "failed", course_xapi.item_activity(item),
                               at=at, result=result, parent=course_xapi.course_activity(item.course_id))
    statement["context"]["extensions"] = {"https://w3id.org/xapi/cmi5/context/extensions/sessionid":
                                          f"attempt-{attempt.id}"}
    xapi.add(statement)
