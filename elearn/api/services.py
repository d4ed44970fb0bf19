"""Tokens: make (the secret shown once), revoke, and recognise one on a request.

A token acts as its user, narrowed twice: to its scopes (which parts of the API), and for a service
token to one unit's subtree. Every check the pages make is made again with the user's rights as
they are now (a user who lost a role loses it for their tokens too).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from elearn import audit, db
from elearn.accounts.models import User
from elearn.api.models import ApiToken, TokenKind
from elearn.db import utcnow
from elearn.errors import DomainError
from elearn.permissions import Permission, scope_of
from elearn.units.models import OrgUnit

TOKEN_PREFIX = "elt_"
LIFETIMES = (7, 30, 90, 365)  # days a token may live
USE_RECORDED_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often
MAX_LIVE_TOKENS = 50  # per user (an administrator's service tokens included)


@dataclass(frozen=True)
class Scope:
    name: str
    label: object
    needs: tuple[Permission, ...] = ()  # any one of them; none: every user


SCOPES = {s.name: s for s in (
    Scope("units:read", _l("Read the units")),
    Scope("accounts:read", _l("Read the accounts"), (Permission.MANAGE_USERS,)),
    Scope("accounts:write", _l("Create and update accounts"), (Permission.MANAGE_USERS,)),
    Scope("courses:read", _l("Read the published courses")),
    Scope("enrolments:read", _l("Read enrolments and progress")),
    Scope("assignments:write", _l("Assign courses and programmes to units, and withdraw them"),
          (Permission.ASSIGN_COURSES,)),
    Scope("certificates:read", _l("Verify and list certificates")),
    Scope("stats:read", _l("Read the statistics"), (Permission.VIEW_STATS,)),
    Scope("contests:read", _l("Read the published contest results")),
)}


class TokenError(DomainError):
    """A token cannot be made or changed as asked."""


def may_use_scope(user: User, name: str) -> bool:
    scope = SCOPES.get(name)
    return scope is not None and (not scope.needs or any(user.can(p) for p in scope.needs))


def scopes_for(user: User) -> list[Scope]:
    return [s for s in SCOPES.values() if may_use_scope(user, s.name)]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(actor: User, name: str, scopes: list[str], days: int, *, service: bool = False,
                 unit: OrgUnit | None = None) -> tuple[ApiToken, str]:
    """A new token and its secret (returned once, never stored). A service token is made by an
    administrator (``MANAGE_USERS``) and may be narrowed to ``unit``'s subtree."""
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise TokenError(_("Give the token a name of at most %(n)d characters.", n=100))
    if not scopes:
        raise TokenError(_("Choose at least one scope."))
    refused = [s for s in scopes if not may_use_scope(actor, s)]
    if refused:
        raise TokenError(_("You may not give a token the scope %(scope)s.", scope=refused[0]))
    if days not in LIFETIMES:
        raise TokenError(_("Choose how long the token lives."))
    if service and not actor.can(Permission.MANAGE_USERS):
        raise TokenError(_("Only an administrator may make service tokens."))
    if unit is not None and not service:
        raise TokenError(_("Only a service token is narrowed to a unit."))
    live = db.session.scalar(select(func.count(ApiToken.id)).where(
        ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow()))
    if live >= MAX_LIVE_TOKENS:
        raise TokenError(_("You already have %(n)d live tokens: revoke one you no longer use first.",
                           n=MAX_LIVE_TOKENS))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(kind=TokenKind.SERVICE if service else TokenKind.PERSONAL, name=name, user_id=actor.id,
                     unit_id=unit.id if unit is not None else None, scopes=" ".join(sorted(set(scopes))),
                     prefix=secret[:12], secret_hash=hash_secret(secret), expires_at=utcnow() + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.create", target=f"{token.kind.value}:{token.id}", actor=actor, name=name,
                 scopes=token.scopes.split(), days=days, unit=unit.code if unit is not None else None)
    return token, secret


def revoke_token(token: ApiToken, actor: User) -> None:
    """Revoke once (a second revoke changes nothing and is not recorded again)."""
    done = db.session.execute(update(ApiToken).where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
                              .values(revoked_at=utcnow(), revoked_by_id=actor.id)).rowcount
    if done:
        db.session.refresh(token)
        audit.record("api_token.revoke", target=f"{token.kind.value}:{token.id}", actor=actor, name=token.name)


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.kind == TokenKind.PERSONAL)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def every_token() -> list[ApiToken]:
    """For the administrators' page: service tokens first, then everyone's personal ones."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.kind.desc(), ApiToken.created_at.desc(),
                                                             ApiToken.id.desc()).limit(500)))


def token_for(user: User, token_id: int, *, any_user: bool = False) -> ApiToken | None:
    """The user's own token (an administrator's page: any token), else None."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and not (any_user and user.can(Permission.MANAGE_USERS))):
        return None
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The live token with this secret whose user is still active, else None. Its use is noted
    (``last_used_at``) at most every few minutes, by a conditional UPDATE."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == hash_secret(secret)))
    now = utcnow()
    if token is None or not token.is_live(now) or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > USE_RECORDED_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return token


def narrow(path: str | None, token: ApiToken) -> str | None:
    """The part of the subtree ``path`` that ``token`` may reach (its unit's subtree for a narrowed
    service token), or None where they do not meet."""
    if path is None or token.unit is None:
        return path
    inner = token.unit.path
    if inner.startswith(path):
        return inner
    return path if path.startswith(inner) else None


def token_scope(token: ApiToken, permission: Permission) -> str | None:
    """``permissions.scope_of`` for the token's user, narrowed to the token's unit."""
    return narrow(scope_of(token.user, permission), token)
