"""A server killed mid-attempt (SIGKILL: no cleanup, like a crash) loses no acknowledged answer."""
import requests
from sqlalchemy import select

from elearn import db
from quizzes.models import AttemptQuestion, AttemptState, QuizAttempt
from tests.factories import PASSWORD
from tests.quizzes.factories import enrolled_cadre, make_quiz, right_answers
from tests.quizzes.pages import value_of
from tests.servers import Server, csrf_token, sign_in


def _start(s: requests.Session, base: str, item_id: int) -> tuple[int, str]:
    token = csrf_token(s, f"{base}/quizzes/item/{item_id}")
    r = s.post(f"{base}/quizzes/item/{item_id}/start", data={"csrf_token": token}, allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.status_code
    return int(r.headers["Location"].rstrip("/").split("/")[-1]), token


def _save(s, base, attempt_id, token, position, choice):
    """Save bank choice ``choice`` as the page would: by the token of the option bearing its label."""
    pages = (s.get(f"{base}/quizzes/attempt/{attempt_id}?page={n}", timeout=30).text for n in range(1, position + 1))
    page = next(html for html in pages if f'name="q{position}"' in html)
    value = value_of(page, f"q{position}", f"Phương án {ord(choice) - ord('a') + 1}")
    r = s.post(f"{base}/quizzes/attempt/{attempt_id}/save", data={"shown": position, f"q{position}": value},
               headers={"X-CSRFToken": token, "Accept": "application/json"}, timeout=30)
    assert r.status_code == 200 and r.json()["ok"], r.text
    return r


def _stored(attempt_id):
    db.session.rollback()
    return {row.position: row.response for row in db.session.scalars(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id))}


def test_sigkill_mid_attempt_then_restart(app, database_url, tmp_path):
    quiz = make_quiz(3, time_limit_minutes=30)
    enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    first = Server(database_url, tmp_path / "first", SQLITE_SYNCHRONOUS="FULL").start()
    s = requests.Session()
    try:
        assert sign_in(s, first.url, "hang", PASSWORD).status_code == 302
        attempt_id, token = _start(s, first.url, quiz.item_id)
        key = right_answers(db.session.get(QuizAttempt, attempt_id))
        _save(s, first.url, attempt_id, token, 1, key[1]["choice"])
        _save(s, first.url, attempt_id, token, 2, key[2]["choice"])
    finally:
        first.kill()

    stored = _stored(attempt_id)
    assert stored[1] == key[1] and stored[2] == key[2] and stored[3] is None

    second = Server(database_url, tmp_path / "second").start()
    try:
        page = s.get(f"{second.url}/quizzes/attempt/{attempt_id}", timeout=30)
        assert page.status_code == 200  # the same session, the same attempt, after the crash
        _save(s, second.url, attempt_id, token, 3, key[3]["choice"])
        r = s.post(f"{second.url}/quizzes/attempt/{attempt_id}/submit",
                   data={"csrf_token": token, "submit_key": "k1"}, allow_redirects=False, timeout=30)
        assert r.status_code == 302
    finally:
        second.stop()
    db.session.rollback()
    attempt = db.session.get(QuizAttempt, attempt_id)
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.percent == 100
