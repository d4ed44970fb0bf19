"""The installation as a ``did:web`` DID: its DID document publishes the token keys of every
generation of the keyring, so that a wallet or another system resolves the issuer of an Open Badges
credential to the keys that signed it (W3C did:web method: ``did:web:host`` is resolved at
``https://host/.well-known/did.json``; a port is written ``host%3A8443``).

Each generation appears twice, as the same key: a ``JsonWebKey2020`` method (``#<kid>``, what VC-JWT
verifiers read through the JWT's ``kid``) and a ``Multikey`` (``#<kid>-multikey``, Ed25519 as
``publicKeyMultibase``, the Data Integrity form). Retired keys stay: what they signed still checks.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization

from courses.certificates.keys import Keyring

CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1",
            "https://w3id.org/security/multikey/v1"]
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_PUB = b"\xed\x01"  # the multicodec prefix of an Ed25519 public key


def did_for(base_url: str | None) -> str | None:
    """``did:web`` of a public address served at its root (None for an address with a path: its
    DID document would not be at ``/.well-known``, and the credential keeps the address as issuer)."""
    if not base_url:
        return None
    parts = urlsplit(base_url)
    if parts.scheme != "https" and parts.hostname != "localhost":
        return None  # did:web resolves over HTTPS only, by name (localhost: development)
    if not parts.hostname or parts.path.strip("/") or parts.query:
        return None
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return "did:web:" + quote(host, safe="")


def method_id(did: str, kid: str) -> str:
    return f"{did}#{kid}"


def base58btc(data: bytes) -> str:
    number, out = int.from_bytes(data, "big"), ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def document(did: str, keyring: Keyring) -> dict:
    """The DID document: every generation's token key, the signing one first."""
    methods, ids = [], []
    for generation in reversed(keyring.generations):
        jwk = {k: v for k, v in generation.jwk().items() if k in ("kty", "crv", "x")}
        raw = generation.token_public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        ids.append(method_id(did, generation.kid))
        methods.append({"id": ids[-1], "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk})
        methods.append({"id": method_id(did, generation.kid + "-multikey"), "type": "Multikey", "controller": did,
                        "publicKeyMultibase": "z" + base58btc(_ED25519_PUB + raw)})
    every = [m["id"] for m in methods]
    return {"@context": CONTEXTS, "id": did, "verificationMethod": methods,
            "assertionMethod": every, "authentication": ids}
