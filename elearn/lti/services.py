"""The rules of LTI: platforms (registered by an administrator, each with the tool's own key pair),
the account a launch signs in to, and what a resource link opens.

What a launch opens lives in the domains above the core: ``courses`` and ``quizzes`` register a
target kind with ``@launch_target`` (as job kinds register), and the launch view asks it. Services
flush, never commit, and raise ``LtiError``.
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from flask_babel import gettext as _
from jwcrypto.jwk import JWK
from sqlalchemy import select, update

from elearn import audit, db
from elearn.accounts import services as accounts
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.errors import DomainError
from elearn.lti.models import LtiIdentity, LtiLink, LtiNonce, LtiPlatform
from elearn.permissions import Role
from elearn.text import normalize_spaces
from elearn.units.models import OrgUnit

AGS_SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$")  # a plain host (its origin goes into a CSP header)
NONCE_LIFETIME_SECONDS = 600  # an OIDC login is followed by its launch within seconds

# kind -> fn(user, value) -> (target id, address of the page to land on); registered by the domains.
TARGETS: dict[str, Callable[[User, str], tuple[int, str]]] = {}


class LtiError(DomainError):
    pass


def launch_target(kind: str):
    """Register what a resource link with the custom parameter ``kind=value`` opens."""
    def register(fn):
        TARGETS[kind] = fn
        return fn
    return register


# --- platforms ------------------------------------------------------------------------------

def _checked_url(value: str, label: str) -> str:
    value = (value or "").strip()
    parts = urlsplit(value)
    schemes = ("https",) if current_app.config.get("ELEARN_ENV") == "production" else ("https", "http")
    if parts.scheme not in schemes or not _HOST.match(parts.netloc) or any(c.isspace() for c in value) \
            or len(value) > 500:
        raise LtiError(_("%(field)s must be a full address beginning with https://.", field=label))
    return value


def _clean(fields: dict) -> dict:
    name = normalize_spaces(fields.get("name") or "")
    issuer = (fields.get("issuer") or "").strip()
    client_id = (fields.get("client_id") or "").strip()
    if not name or len(name) > 100:
        raise LtiError(_("Give the platform a name of at most 100 characters."))
    _checked_url(issuer, _("The issuer"))
    if not client_id or len(client_id) > 255 or any(c.isspace() for c in client_id):
        raise LtiError(_("The client ID is required, without spaces."))
    deployments = [d.strip() for d in (fields.get("deployment_ids") or "").splitlines() if d.strip()]
    if not deployments or any(len(d) > 255 or " " in d for d in deployments):
        raise LtiError(_("Give at least one deployment ID, one per line."))
    unit = fields.get("unit")
    if not isinstance(unit, OrgUnit) or not unit.active:
        raise LtiError(_("Choose an active unit for the accounts the platform creates."))
    return {"name": name, "issuer": issuer, "client_id": client_id, "deployment_ids": "\n".join(deployments),
            "auth_login_url": _checked_url(fields.get("auth_login_url"), _("The authentication (login) URL")),
            "auth_token_url": _checked_url(fields.get("auth_token_url"), _("The access token URL")),
            "key_set_url": _checked_url(fields.get("key_set_url"), _("The platform's key set (JWKS) URL")),
            "unit": unit}


def _unique(issuer: str, client_id: str, platform: LtiPlatform | None) -> None:
    other = db.session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == issuer,
                                                        LtiPlatform.client_id == client_id))
    if other is not None and other is not platform:
        raise LtiError(_("A platform with this issuer and client ID is already registered."))


def new_key() -> tuple[str, str]:
    """A fresh RSA key for the tool: (private PEM, kid). The kid is the key's JWK thumbprint, as
    pylti1p3 names it when it signs the AGS token request."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return pem, JWK.from_pem(pem.encode()).thumbprint()


def public_pem(platform: LtiPlatform) -> str:
    key = serialization.load_pem_private_key(platform.private_key.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_jwk(platform: LtiPlatform) -> dict:
    jwk = json.loads(JWK.from_pem(public_pem(platform).encode()).export_public())
    return {**jwk, "kid": platform.kid, "alg": "RS256", "use": "sig"}


def create_platform(actor: User, key: tuple[str, str] | None = None, **fields) -> LtiPlatform:
    """``key``: made before the write (generating one takes ~100 ms of CPU, not to be held under a lock)."""
    clean = _clean(fields)
    _unique(clean["issuer"], clean["client_id"], None)
    pem, kid = key or new_key()
    platform = LtiPlatform(**clean, private_key=pem, kid=kid)
    db.session.add(platform)
    db.session.flush()
    audit.record("lti.platform.create", target=str(platform.id), actor=actor, issuer=platform.issuer,
                 client_id=platform.client_id)
    return platform


def update_platform(platform: LtiPlatform, actor: User, *, active: bool = True, **fields) -> None:
    clean = _clean(fields)
    _unique(clean["issuer"], clean["client_id"], platform)
    for name, value in clean.items():
        setattr(platform, name, value)
    platform.active = bool(active)
    db.session.flush()
    audit.record("lti.platform.update", target=str(platform.id), actor=actor, issuer=platform.issuer,
                 client_id=platform.client_id, active=platform.active)


def platforms() -> list[LtiPlatform]:
    return list(db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.name, LtiPlatform.id)))


def platform_for(issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The active platform of ``issuer`` with ``client_id`` (an OIDC login may leave the client id
    out: then the issuer's one platform, if it has only one)."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer, LtiPlatform.active.is_(True))
    if client_id:
        return db.session.scalar(query.where(LtiPlatform.client_id == client_id))
    found = db.session.scalars(query.limit(2)).all()
    return found[0] if len(found) == 1 else None


# --- nonces ---------------------------------------------------------------------------------

def save_nonce(nonce: str) -> None:
    db.session.add(LtiNonce(nonce=nonce[:128]))
    db.session.flush()


def nonce_fresh(nonce: str) -> bool:
    """Read only: the launch is checked before anything is written."""
    row = db.session.get(LtiNonce, nonce[:128]) if nonce else None
    return row is not None and row.used_at is None and \
        (utcnow() - row.created_at).total_seconds() < NONCE_LIFETIME_SECONDS


def use_nonce(nonce: str) -> None:
    """Spend the nonce, once: of two launches with the same id_token only one gets here."""
    spent = db.session.execute(update(LtiNonce).where(LtiNonce.nonce == nonce[:128], LtiNonce.used_at.is_(None))
                               .values(used_at=utcnow())).rowcount
    if spent != 1:
        raise LtiError(_("This launch was already used. Open the activity again from your platform."))


# --- the launching user ---------------------------------------------------------------------

def identity_of(issuer: str, sub: str) -> LtiIdentity | None:
    return db.session.scalar(select(LtiIdentity).where(LtiIdentity.issuer == issuer, LtiIdentity.sub == sub))


def _full_name(claims: dict, platform: LtiPlatform) -> str:
    name = normalize_spaces(str(claims.get("name") or "")) or normalize_spaces(
        f"{claims.get('family_name') or ''} {claims.get('given_name') or ''}")
    return name[:255] or _("Learner from %(platform)s", platform=platform.name)


def user_for_launch(platform: LtiPlatform, claims: dict, password: str | None = None) -> User:
    """The account of the platform's user ``sub``: the one linked on an earlier launch, else a new
    cadre in the platform's unit. Never matched by e-mail (a platform says what it likes there).
    ``password``: a random one hashed before the write (nobody signs in with it)."""
    sub = str(claims.get("sub") or "")
    if not sub or len(sub) > 255:
        raise LtiError(_("The platform did not say who is launching."))
    identity = identity_of(platform.issuer, sub)
    if identity is not None:
        if not identity.user.active:
            raise LtiError(_("Your account is deactivated. Ask the administrator."))
        return identity.user
    digest = hashlib.sha256(f"{platform.issuer}\n{sub}".encode()).hexdigest()
    user, _password = accounts.create_user(
        f"lti{platform.id}-{digest[:12]}", _full_name(claims, platform), unit=platform.unit, roles=(Role.CADRE,),
        password=password or secrets.token_urlsafe(24), must_change_password=False)
    db.session.add(LtiIdentity(issuer=platform.issuer, sub=sub, platform_id=platform.id, user_id=user.id))
    db.session.flush()
    audit.record("lti.account.create", target=user.username, platform=platform.id)
    return user


def open_target(user: User, custom: dict) -> tuple[str, int, str]:
    """What the resource link opens (its custom parameter ``course=`` or ``quiz=``): the user is
    enrolled by the domain that owns it. Returns (kind, id, address)."""
    for kind, fn in TARGETS.items():
        value = custom.get(kind) if isinstance(custom, dict) else None
        if value:
            target_id, url = fn(user, str(value).strip())
            return kind, target_id, url
    raise LtiError(_("This link of the platform does not say which course or quiz to open "
                     "(custom parameter course= or quiz=)."))


def record_link(platform: LtiPlatform, user: User, claims: dict, kind: str, target_id: int) -> LtiLink:
    """Remember where this user's grade for the target goes (the launch's AGS line item)."""
    resource = claims.get("https://purl.imsglobal.org/spec/lti/claim/resource_link") or {}
    resource_id = str(resource.get("id") or "")[:255]
    ags = claims.get("https://purl.imsglobal.org/spec/lti-ags/claim/endpoint")
    if not (isinstance(ags, dict) and isinstance(ags.get("lineitem"), str) and isinstance(ags.get("scope"), list)
            and AGS_SCORE_SCOPE in ags["scope"]):
        ags = None
    link = db.session.scalar(select(LtiLink).where(LtiLink.platform_id == platform.id, LtiLink.user_id == user.id,
                                                   LtiLink.resource_link_id == resource_id))
    if link is None:
        link = LtiLink(platform_id=platform.id, user_id=user.id, resource_link_id=resource_id)
        db.session.add(link)
    link.sub, link.target_kind, link.target_id = str(claims["sub"]), kind, target_id
    link.ags = {"lineitem": ags["lineitem"], "scope": [s for s in ags["scope"] if isinstance(s, str)]} if ags else None
    link.launched_at = utcnow()
    db.session.flush()
    return link


def frame_origin(platform: LtiPlatform) -> str:
    """The platform's pages that may show elearn in a frame (the origin of its login address)."""
    parts = urlsplit(platform.auth_login_url)
    return f"{parts.scheme}://{parts.netloc}"
