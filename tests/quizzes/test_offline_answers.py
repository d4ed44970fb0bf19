"""Answers kept on the phone and sent again when the line returns (issue 21): each is written once,
never over a newer one, and refused after the deadline like any other."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn import db
from elearn.db import utcnow
from quizzes import answering, attempts
from quizzes.models import AttemptState, QuizAttempt
from quizzes.services import QuizError
from tests.quizzes.factories import enrolled_cadre, make_quiz, option


def _attempt_of(cadre) -> QuizAttempt:
    db.session.expire_all()
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id))


def _save(attempt, cadre, answers, seq, now=None):
    cleaned = answering.read_answers(attempt, cadre, answers, now)
    return answering.store_answers_once(attempt, cleaned, seq, now).written


def test_a_resend_writes_nothing_and_an_older_answer_never_overwrites_a_newer_one(app):
    quiz = make_quiz(3)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    assert _save(attempt, cadre, {1: {"choice": "a"}}, seq=10) == [1]
    assert _save(attempt, cadre, {1: {"choice": "a"}}, seq=10) == []  # the same send again
    assert _save(attempt, cadre, {1: {"choice": "b"}}, seq=12) == [1]  # a newer answer
    assert _save(attempt, cadre, {1: {"choice": "c"}}, seq=11) == []  # an older one, arriving late
    db.session.commit()
    row = _attempt_of(cadre).questions[0]
    assert row.response == {"choice": "b"} and row.answer_seq == 12
    # Each question has its own numbers; a batch writes only those that are new.
    assert _save(attempt, cadre, {1: {"choice": "b"}, 2: {"choice": "a"}}, seq=12) == [2]


def test_an_answer_overtaken_by_a_different_one_is_named_with_the_number_stored(app):
    """Another device, or a phone whose clock went back: the page learns the number to pass."""
    quiz = make_quiz(2)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    store = lambda answers, seq: answering.store_answers_once(  # noqa: E731
        attempt, answering.read_answers(attempt, cadre, answers), seq)
    assert store({1: {"choice": "a"}, 2: {"choice": "a"}}, 500) == ([1, 2], {})
    assert store({1: {"choice": "a"}, 2: {"choice": "c"}}, 400) == ([], {2: 500})  # 1: a resend; 2: overtaken
    assert store({2: {"choice": "c"}}, 501) == ([2], {})


@pytest.mark.parametrize("seq", [0, -1, 2**53, "7"])
def test_a_number_out_of_range_is_refused(app, seq):
    quiz = make_quiz(1)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    with pytest.raises(QuizError):
        _save(attempt, cadre, {1: {"choice": "a"}}, seq=seq)


def test_answers_sent_after_the_deadline_and_grace_are_refused(app):
    quiz = make_quiz(2, time_limit_minutes=5)
    cadre = enrolled_cadre(quiz)
    start = utcnow() - timedelta(minutes=4)
    attempt = attempts.start_attempt(quiz, cadre, now=start)
    assert _save(attempt, cadre, {1: {"choice": "a"}}, seq=1, now=start + timedelta(minutes=5, seconds=1)) == [1]
    with pytest.raises(answering.TimeUp):
        _save(attempt, cadre, {2: {"choice": "a"}}, seq=2, now=start + timedelta(minutes=5, seconds=3))


def test_the_save_request_reports_what_it_wrote(app, client, login):
    quiz = make_quiz(2, time_limit_minutes=30)
    cadre = enrolled_cadre(quiz)
    login(cadre)
    client.post(f"/quizzes/item/{quiz.item_id}/start")
    attempt = _attempt_of(cadre)
    url = f"/quizzes/attempt/{attempt.id}/save"
    data = {"shown": "1", "q1": option(attempt, 1, "b"), "seq": "1733300000000"}
    first = client.post(url, data=data)
    assert first.status_code == 200 and first.json["written"] == [1] and first.json["seq"] == 1733300000000
    again = client.post(url, data=data)  # the response was lost on the way: the page sends it again
    assert again.status_code == 200 and again.json["ok"] and again.json["written"] == []
    assert _attempt_of(cadre).questions[0].response == {"choice": "b"}
    for bad in ("abc", "-5", "1" * 17, ""):
        refused = client.post(url, data={**data, "seq": bad})
        assert refused.status_code == 400 and "Tải lại trang" in refused.json["error"]
    # Without a number (an older page): saved as before, written every time.
    plain = client.post(url, data={"shown": "2", "q2": option(attempt, 2, "a")})
    assert plain.json["written"] == [2]


def test_a_resend_after_the_attempt_is_submitted_is_refused_and_says_so(app, client, login):
    quiz = make_quiz(2)
    cadre = enrolled_cadre(quiz)
    login(cadre)
    client.post(f"/quizzes/item/{quiz.item_id}/start")
    attempt = _attempt_of(cadre)
    client.post(f"/quizzes/attempt/{attempt.id}/submit", data={"submit_key": "k" * 32})
    response = client.post(f"/quizzes/attempt/{attempt.id}/save",
                           data={"shown": "1", "q1": option(attempt, 1, "a"), "seq": "5"})
    assert response.status_code == 409 and response.json["finished"]
    assert response.json["review"].endswith(f"/quizzes/attempt/{attempt.id}/review")
    done = _attempt_of(cadre)
    assert done.state == AttemptState.FINISHED and done.questions[0].response is None
