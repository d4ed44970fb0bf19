"""Someone guessing an account's password is stopped; the owner, on a browser that has signed in
to the account before, is not locked out by it (issue 15.4)."""
import pytest

from tests.factories import PASSWORD, make_user


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
            "LOGIN_LIMIT_PER_ADDRESS": "100 per minute"}


def _sign_in(client, username, password):
    return client.post("/login", data={"username": username, "password": password}).status_code


def test_a_stranger_cannot_lock_the_owner_out(app):
    owner = make_user("chu.tai.khoan")
    home = app.test_client()
    assert _sign_in(home, owner.username, PASSWORD) == 302  # the owner's browser, known from now on
    home.post("/logout")
    stranger = app.test_client()
    for _ in range(3):
        assert _sign_in(stranger, owner.username, "doan-mo") == 200
    assert _sign_in(stranger, owner.username, PASSWORD) == 429  # the guesser is stopped
    assert _sign_in(home, owner.username, "go-nham") == 200  # the owner may mistype …
    assert _sign_in(home, owner.username, PASSWORD) == 302  # … and still gets in


def test_the_device_cookie_cannot_be_forged_or_carried_to_another_account(app):
    owner, other = make_user("chu"), make_user("nguoi.khac")
    home = app.test_client()
    assert _sign_in(home, owner.username, PASSWORD) == 302
    home.post("/logout")
    for _ in range(3):
        _sign_in(home, other.username, "doan-mo")
    assert _sign_in(home, other.username, PASSWORD) == 429  # known for "chu" only
    forged = app.test_client()
    forged.set_cookie("elearn_device", "WyJuZ3VvaS5raGFjIl0.forged")
    assert _sign_in(forged, other.username, PASSWORD) == 429
