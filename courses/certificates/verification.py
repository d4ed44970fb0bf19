"""Verification: what a verifier is given (the QR payload, the Open Badges credential, the revocation
list) and the verdict on what they bring back (a code, a pasted payload, a PDF, a credential file).

A room of its own because every verdict follows one order, kept in ``_on_record``: a forged or
tampered document first, then what the records say (revoked beats replaced, which beats expired). The
keys are the platform's keyring (``services.keyring``); the certificate is looked up by code
(``queries.verify``).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from courses.certificates import badges, did, signing, tokens
from courses.certificates.models import Certificate
from courses.certificates.queries import verify
from courses.certificates.services import keyring, today
from elearn import db
from elearn.db import utcnow


def token_for(cert: Certificate) -> str:
    return tokens.for_certificate(cert, keyring())


class Verdict(str, enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REPLACED = "replaced"      # renewed: a newer certificate of the same course replaced it
    FORGED = "forged"          # a payload or credential whose signature is not the platform's
    TAMPERED = "tampered"      # a PDF changed after signing
    FOREIGN = "foreign"        # a PDF signed, but by another key
    UNSIGNED = "unsigned"
    UNREADABLE = "unreadable"
    NOT_FOUND = "not_found"    # a well-signed document whose certificate is not on record


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    cert: Certificate | None = None
    claims: dict | None = None   # what the payload itself says (offline part)
    signer: str | None = None


def _on_record(code: str | None, signed: Verdict, claims: dict | None = None, signer: str | None = None) -> Check:
    """A correctly signed document's certificate as the records have it: revoked beats expired."""
    cert = verify(code) if code else None
    if cert is None:
        return Check(Verdict.NOT_FOUND if signed is Verdict.VALID else signed, None, claims, signer)
    if cert.revoked:
        return Check(Verdict.REVOKED, cert, claims, signer)
    if cert.replaced_at is not None:
        return Check(Verdict.REPLACED, cert, claims, signer)
    if signed is Verdict.EXPIRED or cert.expired_on(today()):
        return Check(Verdict.EXPIRED, cert, claims, signer)
    return Check(Verdict.VALID, cert, claims, signer)


def check_payload(text: str) -> Check:
    """A pasted or scanned QR payload: forged unless signed by a key of the keyring."""
    token = tokens.find(text)
    if token is None:
        return Check(Verdict.UNREADABLE)
    result = tokens.check(token, keyring(), today())
    if result.status is tokens.TokenStatus.FORGED:
        return Check(Verdict.FORGED)
    signed = Verdict.EXPIRED if result.status is tokens.TokenStatus.EXPIRED else Verdict.VALID
    return _on_record(result.code, signed, result.claims)


def check_pdf(data: bytes) -> Check:
    """An uploaded certificate PDF: valid only when the platform signed exactly these bytes."""
    result = signing.check(data, keyring())
    if result.status is not signing.PdfStatus.VALID:
        return Check(Verdict(result.status.value), signer=result.signer)
    return _on_record(result.code, Verdict.VALID, signer=result.signer)


def credential_jwt(cert: Certificate, base_url: str) -> str:
    """The certificate as a signed Open Badges 3.0 credential (VC-JWT)."""
    return badges.sign(badges.credential_for(cert, base_url, issuer_did()), keyring())


def issuer_did() -> str | None:
    """The installation's ``did:web``, when it has a configured public address (``ELEARN_BASE_URL``):
    an address taken from a request could be anyone's Host header."""
    return did.did_for(current_app.config.get("BASE_URL"))


def check_credential(data: bytes) -> Check:
    """An uploaded credential file: forged unless a platform key signed exactly this credential."""
    result = badges.check(data, keyring(), utcnow())
    if result.status is badges.BadgeStatus.FORGED:
        return Check(Verdict.FORGED)
    signed = Verdict.EXPIRED if result.status is badges.BadgeStatus.EXPIRED else Verdict.VALID
    return _on_record(result.code, signed, result.credential)


def status_list_jwt(number: int, base_url: str) -> str | None:
    """The signed revocation list ``number`` (Bitstring Status List); None past the last one."""
    size = badges.STATUS_LIST_SIZE
    last = db.session.scalar(select(func.max(Certificate.id))) or 0
    if number < 0 or number > last // size:
        return None
    revoked = db.session.scalars(select(Certificate.id).where(
        Certificate.revoked_at.is_not(None), Certificate.id >= number * size, Certificate.id < (number + 1) * size))
    credential = badges.status_list_credential(base_url, number, (i - number * size for i in revoked), utcnow(),
                                               issuer_did())
    return badges.sign(credential, keyring())
