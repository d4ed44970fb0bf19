"""``elearn quizzes sweep``, and the JavaScript save with CSRF on (the header the script sends)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn import db
from elearn.db import utcnow
from quizzes import attempts
from quizzes.models import AttemptState, QuizAttempt
from tests.quizzes.factories import enrolled_cadre, make_quiz, option


def test_sweep_command_grades_overdue_attempts(app, runner):
    quiz = make_quiz(1, time_limit_minutes=5)
    overdue = attempts.start_attempt(quiz, enrolled_cadre(quiz), now=utcnow() - timedelta(hours=1))
    running = attempts.start_attempt(quiz, enrolled_cadre(quiz))
    db.session.commit()
    result = runner.invoke(args=["quizzes", "sweep"])
    assert result.exit_code == 0 and "1 attempts graded" in result.output
    db.session.expire_all()
    assert db.session.get(QuizAttempt, overdue.id).state == AttemptState.FINISHED
    assert db.session.get(QuizAttempt, running.id).state == AttemptState.IN_PROGRESS


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_the_save_endpoint_needs_the_csrf_header(app, client):
    quiz = make_quiz(1)
    cadre = enrolled_cadre(quiz)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    from tests.factories import PASSWORD
    client.post("/login", data={"username": cadre.username, "password": PASSWORD, "csrf_token": token})
    attempt = attempts.start_attempt(quiz, cadre)
    db.session.commit()
    page = client.get(f"/quizzes/attempt/{attempt.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = f"/quizzes/attempt/{attempt.id}/save"
    data = {"shown": "1", "q1": option(attempt, 1, "a")}
    assert client.post(url, data=data).status_code == 400
    assert client.post(url, data=data, headers={"X-CSRFToken": token}).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(QuizAttempt)).questions[0].response == {"choice": "a"}
