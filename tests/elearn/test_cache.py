import pytest

from elearn import db
from elearn.cache import bump, cached, invalidate
from tests.servers import redis_url


@pytest.fixture
def app_config():
    return {"CACHE_IN_TESTS": True}


def test_cached_until_namespace_is_bumped(app):
    calls = []

    def compute():
        calls.append(1)
        return {"titles": ["Học tập và làm theo"]}

    assert cached("catalog", "all", compute) == {"titles": ["Học tập và làm theo"]}
    assert cached("catalog", "all", compute) == {"titles": ["Học tập và làm theo"]}
    assert len(calls) == 1
    bump("catalog")
    cached("catalog", "all", compute)
    assert len(calls) == 2


def test_invalidate_bumps_again_when_the_transaction_commits(app):
    assert cached("course:7", "outline", lambda: "v1") == "v1"
    invalidate("course:7")  # a service changed the course, not committed yet
    assert cached("course:7", "outline", lambda: "old rows") == "old rows"  # another reader, before the commit
    db.session.commit()
    assert cached("course:7", "outline", lambda: "v2") == "v2"  # the stale copy was discarded
    assert cached("course:7", "outline", lambda: "v3") == "v2"
    db.session.commit()  # nothing pending: the cache stays
    assert cached("course:7", "outline", lambda: "v4") == "v2"


def test_none_is_cached_too(app):
    calls = []
    assert cached("x", "k", lambda: calls.append(1)) is None
    assert cached("x", "k", lambda: calls.append(1)) is None
    assert len(calls) == 1


def test_redis_cache_is_shared_between_apps(database_url, tmp_path):
    import uuid

    from tests.conftest import make_test_app

    prefix = f"test-{uuid.uuid4().hex}"
    config = {"REDIS_URL": redis_url(), "CACHE_IN_TESTS": True, "RATELIMIT_KEY_PREFIX": prefix}
    a = make_test_app(database_url, tmp_path / "a", **config)
    b = make_test_app(database_url, tmp_path / "b", **config)
    with a.app_context():
        assert cached("course:1", "outline", lambda: [1, 2]) == [1, 2]
    with b.app_context():
        assert cached("course:1", "outline", lambda: [9]) == [1, 2]  # the other server's value
        bump("course:1")
    with a.app_context():
        assert cached("course:1", "outline", lambda: [3]) == [3]      # invalidated everywhere
    for app in (a, b):
        app.extensions["elearn.engine"].dispose()
