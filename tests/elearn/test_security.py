import pytest

from tests.conftest import make_test_app
from tests.factories import PASSWORD, make_user


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True,
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute", "LOGIN_LIMIT_PER_ADDRESS": "5 per minute"}


def test_missing_or_wrong_csrf_token_is_refused_and_changes_nothing(app, client):
    user = make_user("hang", must_change_password=True)
    assert client.post("/login", data={"username": "hang", "password": PASSWORD}).status_code == 400
    assert client.post("/login", data={"username": "hang", "password": PASSWORD,
                                       "csrf_token": "forged"}).status_code == 400
    assert client.get("/").status_code == 302  # still signed out
    assert user.last_login_at is None


def test_security_headers(app, client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ELEARN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "prod-secret")
    monkeypatch.setenv("ELEARN_BASE_URL", "https://hoctap.thaibinh.example")
    app = make_test_app(database_url, tmp_path, ELEARN_ENV="production")
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    app.extensions["elearn.engine"].dispose()


def test_production_requires_its_public_address(monkeypatch, tmp_path):
    from elearn.config import ConfigError, load_config

    monkeypatch.setenv("ELEARN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "prod-secret")
    monkeypatch.delenv("ELEARN_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="ELEARN_BASE_URL"):
        load_config(tmp_path)


def test_without_a_configured_address_links_use_the_one_the_request_came_in_on(app):
    """Issue 17.2: the certificate QR pointed at 127.0.0.1:5000 whatever the server's address."""
    from elearn import site

    app.config["BASE_URL"] = ""
    with app.test_request_context("/", base_url="http://hoctap.vuthu.example:8080"):
        assert site.base_url() == "http://hoctap.vuthu.example:8080"
    app.config["BASE_URL"] = "https://hoctap.thaibinh.example"
    with app.test_request_context("/", base_url="http://10.0.0.5:8000"):
        assert site.base_url() == "https://hoctap.thaibinh.example"


def test_production_requires_a_secret_key(monkeypatch, tmp_path):
    from elearn.config import ConfigError, load_config

    monkeypatch.setenv("ELEARN_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        load_config(tmp_path)


def _login_with_token(client, username, password):
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_sign_in_is_rate_limited_per_account(app, client):
    make_user("hang")
    for _ in range(3):
        assert _login_with_token(client, "hang", "wrong").status_code == 200
    response = _login_with_token(client, "hang", PASSWORD)  # even the right password now waits
    assert response.status_code == 429
    assert "Quá nhiều lần thử" in response.get_data(as_text=True)
    assert _login_with_token(client, "other", "wrong").status_code == 200  # another account is not blocked


def test_sign_in_is_rate_limited_per_address(app, client):
    for i in range(5):
        assert _login_with_token(client, f"someone{i}", "wrong").status_code == 200
    assert _login_with_token(client, "someone-else", "wrong").status_code == 429
