"""Sessions end when they should (issue 15.3); sign-in neither reveals accounts nor lets a stranger
lock one (15.4); passwords are hashed with Argon2id and older hashes upgraded (16.3)."""
from __future__ import annotations

import time
from unittest import mock

from argon2 import PasswordHasher
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from elearn import db
from elearn.accounts import passwords, services
from elearn.accounts.models import User
from elearn.permissions import Role
from tests.factories import PASSWORD, make_user


def _signed_in(app, user) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _in(client: FlaskClient) -> bool:
    return client.get("/password").status_code == 200  # a page for signed-in users only


def _copy(app, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_cookie_dies_with_sign_out(app):
    user = make_user()
    client = _signed_in(app, user)
    thief = _copy(app, client)
    assert _in(thief)
    client.post("/logout")
    assert not _in(client) and not _in(thief)
    assert _in(_signed_in(app, user))  # signing in again works


def test_password_change_ends_the_other_sessions_only(app):
    user = make_user()
    client, other = _signed_in(app, user), _signed_in(app, user)
    response = client.post("/password", data={"current": PASSWORD, "new": "mat-khau-moi-9", "confirm": "mat-khau-moi-9"})
    assert response.status_code == 302
    assert _in(client) and not _in(other)


def test_reset_deactivation_and_role_change_end_sessions(app):
    admin = make_user(roles=[Role.ADMIN])
    for change in (lambda u: services.reset_password(u, admin),
                   lambda u: services.update_user(u, admin, full_name=u.full_name, position="", unit=None,
                                                  email=None, roles=[Role.CADRE], active=False),
                   lambda u: services.set_roles(u, [Role.CADRE, Role.TRAINER], admin)):
        user = make_user()
        client = _signed_in(app, user)
        change(db.session.get(User, user.id))
        db.session.commit()
        assert not _in(client)


def test_sign_out_on_every_other_device(app):
    user = make_user()
    client, lost_phone = _signed_in(app, user), _signed_in(app, user)
    page = client.get("/password").get_data(as_text=True)
    assert "Đăng xuất trên mọi thiết bị khác" in page
    assert client.post("/sessions/end-others").status_code == 302
    assert _in(client) and not _in(lost_phone)


def test_sessions_are_permanent_for_hours_and_end_after_days(app):
    user = make_user()
    client = _signed_in(app, user)
    assert app.permanent_session_lifetime.total_seconds() == 8 * 3600
    assert "Expires=" in client.get("/").headers.get("Set-Cookie", "") or _in(client)
    later = time.time() + 7 * 86400 + 60
    with mock.patch("elearn.app.time.time", return_value=later):
        assert not _in(client)


def test_unknown_and_inactive_accounts_cost_a_real_hash(app, client):
    make_user("known")
    make_user("gone", active=False)
    with mock.patch.object(passwords, "verify", wraps=passwords.verify) as verify:
        for name in ("known", "nobody", "gone"):
            assert client.post("/login", data={"username": name, "password": "wrong-password"}).status_code == 200
    hashes = [call.args[0] for call in verify.call_args_list]
    assert len(hashes) == 3 and hashes[1].startswith("$argon2id$") and hashes[2].startswith("$argon2id$")


def test_new_hashes_are_argon2id_and_old_ones_upgrade_at_sign_in(app, client):
    assert services.hash_password("x" * 10).startswith("$argon2id$v=19$m=7168,t=5,p=1$")
    user = make_user()
    user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
    db.session.commit()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    upgraded = db.session.get(User, user.id).password_hash
    assert upgraded.startswith("$argon2id$") and passwords.verify(upgraded, PASSWORD)
    # A hash made with the 19 MiB settings used before: still accepted, then moved to the current ones.
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).hash(PASSWORD)
    db.session.commit()
    client.post("/logout")
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash.startswith("$argon2id$v=19$m=7168,t=5,p=1$")
    temporary = services.hash_temporary_password("Abc123xyz789")
    assert not passwords.needs_upgrade(temporary) and passwords.verify(temporary, "Abc123xyz789")


def test_the_cookie_is_signed_again_every_few_minutes_of_use_not_on_every_response(app):
    client = _signed_in(app, make_user())
    client.get("/")  # the first page after sign-in keeps its CSRF token in the session
    assert "session=" not in client.get("/").headers.get("Set-Cookie", "")  # nothing new: no new cookie
    with mock.patch("elearn.app.time.time", return_value=time.time() + 301):
        assert "session=" in client.get("/").headers.get("Set-Cookie", "")  # the idle time starts again
