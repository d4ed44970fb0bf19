"""Quizzes as LTI launch targets (custom parameter ``quiz=<the quiz's number in its address>``), and
each graded attempt's quiz grade sent back to the platform that launched it (elearn.lti.grades)."""
from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _

from courses.lti import enrol_for_launch
from elearn import db
from elearn.accounts.models import User
from elearn.lti import grades
from elearn.lti.services import LtiError, launch_target
from quizzes.models import Quiz


@launch_target("quiz")
def open_quiz(user: User, value: str) -> tuple[int, str]:
    quiz = db.session.get(Quiz, int(value)) if value.isdigit() and len(value) < 12 else None
    if quiz is None:
        raise LtiError(_("The quiz this link opens does not exist."))
    enrol_for_launch(user, quiz.item.course)
    return quiz.item_id, url_for("quizzes.item", item_id=quiz.item_id)


def quiz_graded(user_id: int, quiz_id: int, grade: float | None, at: datetime | None) -> None:
    """The quiz grade (by its grading method, in percent) after an attempt is graded or regraded."""
    if grade is not None:
        grades.owe(user_id, "quiz", quiz_id, grade, 100.0, at)
