"""A certificate as an Open Badges 3.0 ``OpenBadgeCredential`` (a W3C Verifiable Credential 2.0),
secured as a VC-JWT: the JSON-LD credential is the JWT payload, beside the registered claims
(``iss``, ``jti``, ``sub``, ``nbf``, ``exp``), signed by the platform's Ed25519 key (``EdDSA``, as
OB 3.0 and VC-JWT verifiers read it); the key is published at ``/.well-known/jwks.json``.

Revocation is published as a W3C Bitstring Status List: the certificate's id is its index, in lists
of ``STATUS_LIST_SIZE`` entries (16 KB, the smallest the specification allows, for herd privacy),
each served signed at ``/credentials/status/<n>``; ``/verify`` also answers from the records.
"""
from __future__ import annotations

import base64
import enum
import gzip
import json
import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning

from courses.certificates import codes
from courses.certificates.keys import Keyring
from elearn.i18n import LOCAL_TZ

ALG = "EdDSA"  # RFC 9864 deprecates the name for new protocols; OB 3.0 / VC-JWT verifiers still expect it
MAX_BYTES = 64 * 1024
STATUS_LIST_SIZE = 131072
CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


class BadgeStatus(str, enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    FORGED = "forged"        # not signed by a platform key, changed after signing, or not a credential


@dataclass(frozen=True)
class BadgeCheck:
    status: BadgeStatus
    credential: dict = field(default_factory=dict)

    @property
    def code(self) -> str | None:
        found = str(self.credential.get("id", "")).rsplit("/verify/", 1)
        code = codes.normalize(found[1]) if len(found) == 2 else ""
        return code if codes.is_well_formed(code) else None


def _end_of_day(day: date) -> datetime:
    """The last valid day ends at midnight, Thái Bình time."""
    return datetime.combine(day + timedelta(days=1), time(), LOCAL_TZ).astimezone(UTC)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_for(cert, base_url: str, issuer: str | None = None) -> dict:
    """The OpenBadgeCredential of a ``Certificate`` (JSON-LD, unsigned). ``issuer``: the installation's
    ``did:web`` when it has a configured public address (``did.py``), else its address."""
    base = base_url.rstrip("/")
    t = cert.template or {}
    issuer_name = " – ".join(line.strip() for line in t.get("issuing_body", "").splitlines() if line.strip())
    programme = getattr(cert, "programme_id", None)
    achievement = {
        "id": (f"{base}/certificates/programme/{programme}/achievement" if programme
               else f"{base}/certificates/course/{cert.course_id or 0}/achievement"),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": cert.course_title,
        "description": " ".join(part for part in (t.get("wording", ""), cert.course_title) if part),
        "criteria": {"narrative": "Hoàn thành các khóa học bắt buộc và số khóa học tự chọn của chương trình." if programme
                     else "Hoàn thành toàn bộ bài học và bài kiểm tra cuối khóa của khóa học."},
    }
    if cert.theme:
        achievement["tag"] = [cert.theme]
    credential = {
        "@context": CONTEXTS,
        "id": f"{base}/verify/{codes.grouped(cert.code)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer or f"{base}/", "type": ["Profile"], "name": issuer_name or "elearn", "url": f"{base}/"},
        "name": f"{t.get('title') or 'GIẤY CHỨNG NHẬN'}: {cert.course_title}",
        "validFrom": _iso(cert.completed_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": cert.full_name}],
            "achievement": achievement,
        },
    }
    if cert.unit_name:
        credential["credentialSubject"]["source"] = {"type": ["Profile"], "name": cert.unit_name}
    if cert.expires_on is not None:
        credential["validUntil"] = _iso(_end_of_day(cert.expires_on))
    if cert.id is not None:
        number, index = divmod(cert.id, STATUS_LIST_SIZE)
        credential["credentialStatus"] = {
            "id": f"{status_list_url(base, number)}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(index),
            "statusListCredential": status_list_url(base, number)}
    return credential


def status_list_url(base_url: str, number: int) -> str:
    return f"{base_url.rstrip('/')}/credentials/status/{number}"


def encode_bits(indexes) -> str:
    """The list as the specification writes it: index 0 the first byte's high bit, GZIP, base64url
    without padding, multibase prefix 'u'."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode("ascii")


def decode_bits(encoded: str) -> bytes:
    data = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(base_url: str, number: int, revoked_indexes, now: datetime,
                           issuer: str | None = None) -> dict:
    url = status_list_url(base_url, number)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer or f"{base_url.rstrip('/')}/", "type": ["Profile"], "name": "elearn"},
        "validFrom": _iso(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encode_bits(revoked_indexes)},
    }


def sign(credential: dict, keyring: Keyring) -> str:
    generation = keyring.active
    claims = dict(credential)
    subject = credential["credentialSubject"]
    claims.update({"iss": credential["issuer"]["id"], "jti": credential["id"],
                   "sub": subject["identifier"][0]["identityHash"] if "identifier" in subject else subject["id"],
                   "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp())})
    if "validUntil" in credential:
        claims["exp"] = int(datetime.fromisoformat(credential["validUntil"]).timestamp())
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # Issued by a DID: the kid is the DID URL of the verification method, as resolvers look it up.
    kid = f"{claims['iss']}#{generation.kid}" if claims["iss"].startswith("did:") else generation.kid
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jws.serialize_compact({"alg": ALG, "typ": "JWT", "kid": kid}, payload,
                                     generation.token_jwk_private, algorithms=[ALG])


def check(data: bytes, keyring: Keyring, now: datetime) -> BadgeCheck:
    """An uploaded credential file (the VC-JWT as downloaded): forged unless a platform key signed it."""
    forged = BadgeCheck(BadgeStatus.FORGED)
    if not data or len(data) > MAX_BYTES:
        return forged
    try:
        token = data.decode("ascii").strip()
        header = jws.extract_compact(token.encode("ascii")).headers()
        kid = str(header.get("kid", "")).rsplit("#", 1)[-1]  # a bare kid, or a did:web method's DID URL
        generation = keyring.by_kid(kid) if header.get("alg") == ALG else None
        if generation is None:
            return forged
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            signed = jws.deserialize_compact(token, generation.token_jwk_public, algorithms=[ALG])
        credential = json.loads(signed.payload.decode("utf-8"))
    except (JoseError, ValueError, UnicodeError, TypeError, AttributeError):
        return forged
    if not isinstance(credential, dict) or "OpenBadgeCredential" not in (credential.get("type") or []):
        return forged
    result = BadgeCheck(BadgeStatus.VALID, credential)
    if result.code is None:
        return forged
    until = credential.get("validUntil")
    if until:
        try:
            expired = datetime.fromisoformat(str(until)) <= now
        except ValueError:
            return forged
        if expired:
            return BadgeCheck(BadgeStatus.EXPIRED, credential)
    return result
