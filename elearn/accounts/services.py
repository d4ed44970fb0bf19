"""Account rules: authentication, passwords, creating and updating users.

Services flush, never commit: the caller (a view or a CLI command) owns the transaction.
"""
from __future__ import annotations

import re
import secrets

from blinker import Namespace
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from elearn import audit, db
from elearn.accounts import passwords
from elearn.accounts.models import User, UserRole
from elearn.db import utcnow
from elearn.errors import DomainError
from elearn.permissions import Permission, Role, loses
from elearn.text import fold, normalize_spaces
from elearn.units.models import OrgUnit, subtree_of

MIN_PASSWORD_LENGTH = 8
TEMP_HASH_METHOD = passwords.TEMP_HASH_METHOD
# Lower-case Latin letters, digits, dot, dash, underscore: typeable on any phone keyboard.
USERNAME_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?")
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AccountError(DomainError):
    """A rule was broken; the message is shown to the user."""


# Sent inside the transaction. Domains that act on where cadres are (courses: assignments;
# reports: figures per unit) connect to them; the core does not know them.
_signals = Namespace()
#: Accounts were created, moved, re-activated or made cadres (``user_ids``; None: many): courses
#: assigned to their units enrol them.
accounts_placed = _signals.signal("accounts-placed")
#: Accounts changed unit (``user_ids``; None: many): figures counted per unit change.
accounts_moved = _signals.signal("accounts-moved")


def hash_password(password: str) -> str:
    return passwords.hash_password(password)


def temporary_password() -> str:
    return "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(12))


def hash_temporary_password(password: str) -> str:
    return passwords.hash_temporary(password)


def normalize_username(username: str) -> str:
    return username.strip().lower()


def username_problem(username: str) -> str | None:
    """Why ``username`` (already normalized) cannot be used, or None."""
    if not username:
        return _("The username is required.")
    if not USERNAME_RE.fullmatch(username):
        return _("A username may only contain letters a-z without accents, digits, '.', '-' and '_' "
                 "(at most 64 characters).")
    return None


def clean_email(email: str | None) -> str | None:
    """The normalized address, None when empty; AccountError when malformed."""
    email = (email or "").strip()
    if not email:
        return None
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        raise AccountError(_("This is not a valid email address.")) from None


# Built once: each sign-in runs it. Without the roles' second query and the unit's join, which a
# sign-in does not read (loaded on first use if anything does).
_BY_USERNAME = select(User).options(lazyload(User.role_rows), lazyload(User.unit)).where(
    User.username == bindparam("username"))


def find_user(username: str) -> User | None:
    return db.session.scalar(_BY_USERNAME, {"username": normalize_username(username)})


def check_credentials(username: str, password: str) -> User | None:
    """The user if the credentials are right and the account active. Reads only: the slow part
    of signing in (the hash) runs before any write, outside SQLite's write lock. An unknown or
    inactive account takes as long as a wrong password."""
    user = find_user(username)
    if user is None or not user.active:
        return passwords.verify_nobody(password) or None
    return user if passwords.verify(user.password_hash, password) else None


_users = User.__table__
_SIGNED_IN = _users.update().where(_users.c.id == bindparam("user_id")).values(last_login_at=bindparam("at"))


def record_sign_in(username: str, user: User | None) -> None:
    """The writes of a sign-in: the audit entry and, on success, the time."""
    if user is None:
        audit.record("login.failure", target=normalize_username(username)[:64])
        return
    # One UPDATE, not the ORM's flush of a changed object (~0.4 ms of a sign-in's CPU, journey_profile.py).
    at = utcnow()
    db.session.execute(_SIGNED_IN, {"user_id": user.id, "at": at})
    set_committed_value(user, "last_login_at", at)
    audit.record("login.success", target=user.username, actor=user)


def upgraded_hash(user: User, password: str) -> str | None:
    """A new hash for a password just verified whose stored hash has older settings, else None."""
    return passwords.hash_password(password) if passwords.needs_upgrade(user.password_hash) else None


def authenticate(username: str, password: str) -> User | None:
    """Check and record a sign-in in one go (the CLI and tests; the sign-in page splits the two)."""
    user = check_credentials(username, password)
    new_hash = upgraded_hash(user, password) if user is not None else None
    record_sign_in(username, user)
    if new_hash:
        user.password_hash = new_hash
    return user


_NEXT_VERSION = _users.update().where(_users.c.id == bindparam("user_id")).values(
    session_version=_users.c.session_version + 1).returning(_users.c.session_version)


def unproxied(user: User) -> User:
    """The user object itself, not the ``current_user`` proxy: what Flask-Login and the ORM's
    attribute functions need (``set_committed_value``)."""
    return getattr(user, "_get_current_object", lambda: user)()


def end_sessions(user: User) -> None:
    """Every session of ``user`` ends at its next request (the session cookie carries the version).
    One UPDATE that counts up in the database: each sign-out runs it (journey_profile.py)."""
    user = unproxied(user)
    db.session.flush()  # a change to the user made before goes first, as the ORM would order it
    set_committed_value(user, "session_version",
                        db.session.execute(_NEXT_VERSION, {"user_id": user.id}).scalar_one())


def change_password(user: User, current: str, new: str) -> None:
    """Also ends the user's other sessions: the caller signs the current one in again."""
    if not passwords.verify(user.password_hash, current):
        raise AccountError(_("The current password is not correct."))
    validate_new_password(new, user)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(user)
    audit.record("password.change", target=user.username, actor=user)
    db.session.flush()


def validate_new_password(password: str, user: User | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    if user is not None and password.lower() == user.username.lower():
        raise AccountError(_("The password must not be the username."))


def clean_phone(phone: str | None) -> str | None:
    """A Vietnamese mobile number as stored (84xxxxxxxxx), None for none; AccountError otherwise."""
    from elearn.notifications.channels import normalize_phone

    phone = (phone or "").strip()
    if not phone:
        return None
    number = normalize_phone(phone)
    if number is None:
        raise AccountError(_("Not a Vietnamese mobile number (for example 0912 345 678)."))
    return number


def set_own_phone(user: User, phone: str | None) -> bool:
    """The user sets or clears their own mobile number (text reminders go to it). Returns whether it changed."""
    number = clean_phone(phone)
    if number == user.phone:
        return False
    user.phone = number
    db.session.flush()
    audit.record("user.phone", target=user.username, actor=user, phone="set" if number else "cleared")
    return True


def create_user(username: str, full_name: str, *, unit: OrgUnit | None, roles=(Role.CADRE,),
                position: str = "", email: str | None = None, phone: str | None = None, password: str | None = None,
                must_change_password: bool = True, actor: User | None = None) -> tuple[User, str]:
    """Create an account; returns it and its (temporary) password."""
    username = normalize_username(username)
    problem = username_problem(username)
    if problem:
        raise AccountError(problem)
    if find_user(username) is not None:
        raise AccountError(_("The username %(u)s is already taken.", u=username))
    full_name = normalize_spaces(full_name)
    if not full_name:
        raise AccountError(_("The full name is required."))
    password = password or temporary_password()
    user = User(username=username, position=normalize_spaces(position), unit=unit, email=clean_email(email),
                phone=clean_phone(phone), password_hash=hash_password(password), must_change_password=must_change_password)
    user.set_full_name(full_name)
    user.set_roles(roles or (Role.CADRE,))
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", target=username, actor=actor, roles=sorted(r.value for r in user.roles),
                 unit=unit.code if unit else None)
    accounts_placed.send(None, user_ids=[user.id])
    return user, password


def set_roles(user: User, roles, actor: User | None = None) -> None:
    before = sorted(r.value for r in user.roles)
    user.set_roles(roles)
    after = sorted(r.value for r in user.roles)
    if before != after:
        end_sessions(user)  # signed in again, the user gets menus and rights of the new roles only
        audit.record("user.roles", target=user.username, actor=actor, before=before, after=after)
    db.session.flush()


def update_user(user: User, actor: User | None, *, full_name: str, position: str, unit: OrgUnit | None,
                email: str | None, roles, active: bool, phone: str | None | object = ...) -> None:
    """Edit an account. An admin cannot lock themselves out (deactivate or drop their own admin role)."""
    full_name = normalize_spaces(full_name)
    if not full_name:
        raise AccountError(_("The full name is required."))
    roles = {Role(r) for r in roles} or {Role.CADRE}
    if actor is not None and actor.id == user.id:
        if not active:
            raise AccountError(_("You cannot deactivate your own account."))
        if loses(Permission.MANAGE_USERS, user.roles, roles):
            raise AccountError(_("You cannot remove the administrator role from yourself."))
    changed = {}
    for field, value in (("full_name", full_name), ("position", normalize_spaces(position or "")),
                         ("email", clean_email(email)), ("active", active)):
        if getattr(user, field) != value:
            changed[field] = value
    if phone is not ... and clean_phone(phone) != user.phone:  # ``...``: the caller does not edit it
        changed["phone"] = clean_phone(phone)
    if (user.unit_id or None) != (unit.id if unit else None):
        changed["unit"] = unit.code if unit else None
        user.unit = unit
    if "full_name" in changed:
        user.set_full_name(full_name)
    for field in ("position", "email", "active", "phone"):
        if field in changed:
            setattr(user, field, changed[field])
    if changed.get("active") is False:
        end_sessions(user)
    if changed:
        audit.record("user.update", target=user.username, actor=actor, **{k: str(v) for k, v in changed.items()})
    set_roles(user, roles, actor=actor)
    if "unit" in changed:
        accounts_moved.send(None, user_ids=[user.id])
    if "unit" in changed or changed.get("active") or Role.CADRE in roles:
        accounts_placed.send(None, user_ids=[user.id])


def reset_password(user: User, actor: User | None) -> str:
    """A new temporary password, shown once to the admin; the user must change it at sign-in."""
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_sessions(user)
    audit.record("password.reset", target=user.username, actor=actor)
    db.session.flush()
    return password


def search_users(query: str = "", unit: OrgUnit | None = None, role: Role | None = None):
    """SELECT of accounts matching a search, in Vietnamese name order.

    The search ignores accents and case, on the full name and the username."""
    stmt = select(User).outerjoin(OrgUnit, User.unit_id == OrgUnit.id)
    words = fold(query).split()
    for word in words:
        stmt = stmt.where(or_(User.search_name.contains(word, autoescape=True),
                              User.username.contains(word, autoescape=True)))
    if unit is not None:
        stmt = stmt.where(subtree_of(unit.path))
    if role is not None:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role.value)))
    return stmt.order_by(User.sort_name, User.id)
