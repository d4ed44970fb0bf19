"""Two app server processes on one database and one Redis behave as one site."""
import uuid

import redis
import requests

from tests.factories import PASSWORD, make_user
from tests.servers import redis_url, running, sign_in

REDIS_URL = redis_url()


def test_two_servers_share_sessions_and_rate_limits(app, database_url, tmp_path):
    make_user("hang", full_name="Nguyễn Thị Thu Hằng")
    make_user("luong")
    redis.Redis.from_url(REDIS_URL).ping()  # CI starts Redis; fail loudly if it is missing
    env = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
           "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute"}
    with running(database_url, tmp_path / "a", **env) as a, running(database_url, tmp_path / "b", **env) as b:
        # A session made on A works on B (the session lives in the signed cookie, the user in the database).
        s = requests.Session()
        assert sign_in(s, a.url, "hang", PASSWORD).status_code == 302
        page = s.get(b.url + "/", timeout=30)
        assert page.status_code == 200 and "Nguyễn Thị Thu Hằng" in page.text

        # Failed sign-ins count across both servers (Redis storage), per account.
        t = requests.Session()
        assert sign_in(t, a.url, "luong", "wrong").status_code == 200
        assert sign_in(t, b.url, "luong", "wrong").status_code == 200
        assert sign_in(t, a.url, "luong", "wrong").status_code == 200
        assert sign_in(t, b.url, "luong", PASSWORD).status_code == 429


def test_quiz_started_on_one_server_is_finished_on_the_other(app, database_url, tmp_path):
    from elearn import db
    from quizzes.models import AttemptState, QuizAttempt
    from tests.deploy.test_no_data_lost import _save, _start
    from tests.quizzes.factories import enrolled_cadre, make_quiz, right_answers

    quiz = make_quiz(2)
    enrolled_cadre(quiz, username="tuan")
    env = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    with running(database_url, tmp_path / "a", **env) as a, running(database_url, tmp_path / "b", **env) as b:
        s = requests.Session()
        assert sign_in(s, a.url, "tuan", PASSWORD).status_code == 302
        attempt_id, token = _start(s, a.url, quiz.item_id)
        key = right_answers(db.session.get(QuizAttempt, attempt_id))
        _save(s, a.url, attempt_id, token, 1, key[1]["choice"])
        _save(s, b.url, attempt_id, token, 2, key[2]["choice"])
        r = s.post(f"{b.url}/quizzes/attempt/{attempt_id}/submit", data={"csrf_token": token, "submit_key": "x"},
                   allow_redirects=False, timeout=30)
        assert r.status_code == 302
        assert s.get(a.url + r.headers["Location"], timeout=30).status_code == 200  # the review, back on A
    db.session.rollback()
    attempt = db.session.get(QuizAttempt, attempt_id)
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.percent == 100
