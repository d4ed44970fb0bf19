"""Account rules: authentication, passwords, creating and updating users.

Services flush, never commit: the caller (a view or a CLI command) owns the transaction.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from elearn import audit, db
from elearn.db import utcnow
from elearn.models import OrgUnit, User
from elearn.permissions import Role

MIN_PASSWORD_LENGTH = 8
# Temporary passwords are random (~70 bits), so key stretching adds nothing there;
# a light hash keeps a 100,000-row import fast. Chosen passwords get scrypt.
TEMP_HASH_METHOD = "pbkdf2:sha256:1000"
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AccountError(ValueError):
    """A rule was broken; the message is shown to the user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def temporary_password() -> str:
    return "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(12))


def hash_temporary_password(password: str) -> str:
    return generate_password_hash(password, method=TEMP_HASH_METHOD)


def normalize_username(username: str) -> str:
    return username.strip().lower()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalize_username(username)))


def authenticate(username: str, password: str) -> User | None:
    """The user if the credentials are right and the account active; records the attempt."""
    user = find_user(username)
    ok = user is not None and user.active and check_password_hash(user.password_hash, password)
    if not ok:
        audit.record("login.failure", target=normalize_username(username)[:64])
        return None
    user.last_login_at = utcnow()
    audit.record("login.success", target=user.username, actor=user)
    return user


def change_password(user: User, current: str, new: str) -> None:
    from flask_babel import gettext as _

    if not check_password_hash(user.password_hash, current):
        raise AccountError(_("The current password is not correct."))
    validate_new_password(new, user)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    audit.record("password.change", target=user.username, actor=user)
    db.session.flush()


def validate_new_password(password: str, user: User | None = None) -> None:
    from flask_babel import gettext as _

    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if user is not None and password.lower() == user.username.lower():
        raise AccountError(_("The password must not be the username."))


def create_user(username: str, full_name: str, *, unit: OrgUnit | None, roles=(Role.CADRE,),
                position: str = "", email: str | None = None, password: str | None = None,
                must_change_password: bool = True) -> tuple[User, str]:
    """Create an account; returns it and its (temporary) password."""
    from flask_babel import gettext as _

    username = normalize_username(username)
    if not username:
        raise AccountError(_("The username is required."))
    if find_user(username) is not None:
        raise AccountError(_("The username %(u)s is already taken.", u=username))
    password = password or temporary_password()
    user = User(username=username, position=position, unit=unit, email=email or None,
                password_hash=hash_password(password), must_change_password=must_change_password)
    user.set_full_name(full_name.strip())
    user.set_roles(roles or (Role.CADRE,))
    db.session.add(user)
    db.session.flush()
    return user, password


def set_roles(user: User, roles, actor: User | None = None) -> None:
    before = sorted(r.value for r in user.roles)
    user.set_roles(roles)
    after = sorted(r.value for r in user.roles)
    if before != after:
        audit.record("user.roles", target=user.username, actor=actor, before=before, after=after)
    db.session.flush()
