"""The compact signed payload in a certificate's QR code: a JWS (RFC 7515, Ed25519, RFC 9864).

The QR holds ``https://…/verify/CODE#<JWS>``: a phone without network reads the fragment and
checks the signature with a public key from ``/.well-known/jwks.json``; online, the page at the
address answers for revocation. The claims are short so that the QR prints at 3 cm:

    {"c": code, "n": full name, "k": course title, "i": issue date, "e": last valid day}

(dates ISO, Thái Bình time; no "e" when the certificate never expires). The name and course
are cut to ``MAX_TEXT`` characters; the full ones are on the PDF and the verification page.
"""
from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from datetime import date

from joserfc import jws
from joserfc.errors import JoseError

from courses.certificates import codes
from courses.certificates.keys import Keyring

ALG = "Ed25519"
MAX_TEXT = 60
MAX_TOKEN = 1200  # a real one is some 300-400 characters
_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,200}\.[A-Za-z0-9_-]{10,900}\.[A-Za-z0-9_-]{86}")


class TokenStatus(str, enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"       # known only online: the platform's records
    FORGED = "forged"         # bad signature, unknown key, or not a payload at all


@dataclass(frozen=True)
class TokenCheck:
    status: TokenStatus
    claims: dict = field(default_factory=dict)
    kid: str | None = None

    @property
    def code(self) -> str | None:
        return self.claims.get("c")

    @property
    def issued_on(self) -> date | None:
        return _date(self.claims.get("i"))

    @property
    def expires_on(self) -> date | None:
        return _date(self.claims.get("e"))


def claims_for(code: str, full_name: str, course_title: str, issued_on: date, expires_on: date | None) -> dict:
    claims = {"c": code, "n": _cut(full_name), "k": _cut(course_title), "i": issued_on.isoformat()}
    if expires_on is not None:
        claims["e"] = expires_on.isoformat()
    return claims


def for_certificate(cert, keyring: Keyring) -> str:
    """The payload of a ``Certificate`` (completion date as issue date, as the PDF's date line)."""
    from elearn.i18n import to_local

    return sign(claims_for(cert.code, cert.full_name, cert.course_title, to_local(cert.completed_at).date(),
                           cert.expires_on), keyring)


def sign(claims: dict, keyring: Keyring) -> str:
    generation = keyring.active
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact({"alg": ALG, "kid": generation.kid}, payload, generation.token_jwk_private,
                                 algorithms=[ALG])


def find(text: str) -> str | None:
    """The token in what was pasted or scanned: the whole QR text (address#token) or the token alone."""
    found = _TOKEN.search((text or "")[:MAX_TOKEN + 200])
    return found.group(0) if found else None


def check(token: str, keyring: Keyring, today: date) -> TokenCheck:
    """The offline check: the signature by one of the published keys, then the dates. Revocation
    is for the caller (``services.check_token``) who has the records."""
    if not token or len(token) > MAX_TOKEN:
        return TokenCheck(TokenStatus.FORGED)
    try:
        header = jws.extract_compact(token.encode("ascii")).headers()
        generation = keyring.by_kid(str(header.get("kid", ""))) if header.get("alg") == ALG else None
        if generation is None:
            return TokenCheck(TokenStatus.FORGED)
        signed = jws.deserialize_compact(token, generation.token_jwk_public, algorithms=[ALG])
        claims = json.loads(signed.payload.decode("utf-8"))
    except (JoseError, ValueError, UnicodeError, TypeError, AttributeError):
        return TokenCheck(TokenStatus.FORGED)
    if not isinstance(claims, dict) or not codes.is_well_formed(str(claims.get("c", ""))) \
            or _date(claims.get("i")) is None:
        return TokenCheck(TokenStatus.FORGED)
    expires = claims.get("e")
    if expires is not None and _date(expires) is None:
        return TokenCheck(TokenStatus.FORGED)
    result = TokenCheck(TokenStatus.VALID, claims, generation.kid)
    if result.expires_on is not None and today > result.expires_on:
        return TokenCheck(TokenStatus.EXPIRED, claims, generation.kid)
    return result


def _cut(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1].rstrip() + "…"


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None
