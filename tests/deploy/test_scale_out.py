"""Two app server processes on one database and one Redis behave as one site."""
import uuid

import redis
import requests

from tests.factories import PASSWORD, make_user
from tests.servers import running, sign_in

REDIS_URL = "redis://127.0.0.1:6379/0"


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
        page = s.get(b.url + "/", timeout=10)
        assert page.status_code == 200 and "Nguyễn Thị Thu Hằng" in page.text

        # Failed sign-ins count across both servers (Redis storage), per account.
        t = requests.Session()
        assert sign_in(t, a.url, "luong", "wrong").status_code == 200
        assert sign_in(t, b.url, "luong", "wrong").status_code == 200
        assert sign_in(t, a.url, "luong", "wrong").status_code == 200
        assert sign_in(t, b.url, "luong", PASSWORD).status_code == 429
