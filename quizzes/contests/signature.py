"""The ranking file's signature: a detached JWS (RFC 7515, appendix F) by the platform's Ed25519
token key (``courses.certificates.keys``, published at ``/.well-known/jwks.json``) over a small JSON
statement of the file: contest, round, counted entries, SHA-256 of its bytes and Merkle root.

The statement is not sent: anyone rebuilds it from the file (its first line names contest and
round; hashing gives the rest), so the signature proves the platform published exactly these bytes.

    statement = {"contest": 3, "entries": 448902, "merkle_root": "…", "round": 7, "sha256": "…"}
    payload   = JSON with sorted keys, no spaces, UTF-8
    JWS       = BASE64URL(header) + ".." + BASE64URL(Ed25519 signature of header "." BASE64URL(payload))
    header    = {"alg": "EdDSA", "kid": "<key id in the JWKS>", "typ": "elearn-ranking+jws"}
"""
from __future__ import annotations

import base64
import json
import warnings

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from quizzes.contests import proof

ALG = "EdDSA"  # the name PyJWT and most JOSE libraries know for Ed25519
TYP = "elearn-ranking+jws"


def statement(contest_id: int, round_id: int, entries: int, sha256: str, root: str) -> bytes:
    return json.dumps({"contest": contest_id, "entries": entries, "merkle_root": root, "round": round_id,
                       "sha256": sha256}, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _statement_of(checked: proof.Verified) -> bytes:
    return statement(checked.meta.contest_id, checked.meta.round_id, checked.entries, checked.sha256, checked.root)


def sign(payload: bytes, keyring) -> str:
    """The detached JWS of a ranking file's ``statement``, by the keyring's active generation (the
    publication has the figures at hand: the 450,000-line file is not read again)."""
    generation = keyring.active
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # joserfc prefers "Ed25519" (RFC 9864); see ALG
        token = jws.serialize_compact({"alg": ALG, "kid": generation.kid, "typ": TYP},
                                      payload, generation.token_jwk_private,
                                      algorithms=[ALG])
    header, _payload, signature = token.split(".")
    return f"{header}..{signature}"


def sign_file(content: bytes, keyring) -> tuple[proof.Verified, str]:
    """The detached JWS of a ranking file published before files were signed (migration 0024): the
    file is checked (``proof.verify_file``) and its statement rebuilt from its bytes, as ``verify``
    rebuilds it; the check comes back too, for the caller to compare with what was published."""
    checked = proof.verify_file(content)
    return checked, sign(_statement_of(checked), keyring)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def verify(content: bytes, token: str, jwks: dict) -> tuple[proof.Verified, str]:
    """Check the file (``proof.verify_file``) and its detached JWS against a JWKS; the check and the
    signing key's id, or ``proof.VerifyError`` saying what is wrong."""
    checked = proof.verify_file(content)
    parts = (token or "").strip().split(".")
    if len(parts) != 3 or parts[1]:
        raise proof.VerifyError("the signature is not a detached JWS (header..signature)")
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, UnicodeError):
        raise proof.VerifyError("the signature's header is not readable") from None
    if not isinstance(header, dict) or header.get("alg") != ALG:
        raise proof.VerifyError("the signature is not EdDSA")
    keys = [k for k in (jwks or {}).get("keys", []) if isinstance(k, dict) and k.get("kid") == header.get("kid")]
    if not keys:
        raise proof.VerifyError(f"no key {header.get('kid')!r} in the published keys")
    try:
        key = OKPKey.import_key({k: v for k, v in keys[0].items() if k in ("kty", "crv", "x")})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            jws.deserialize_compact(f"{parts[0]}.{_b64(_statement_of(checked))}.{parts[2]}", key, algorithms=[ALG])
    except (JoseError, ValueError, TypeError):
        raise proof.VerifyError("the signature does not match this file and key") from None
    return checked, str(header["kid"])
