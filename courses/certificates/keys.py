"""The platform's signing keys: one *generation* per key change, kept for good.

A generation holds two keys:

* the **PDF key** and its X.509 certificate chain, which sign the certificate PDFs (PAdES): a
  self-signed ECDSA P-256 certificate for the demo and development, or a PKCS#12 from the
  province's certificate authority in production (``elearn certificates keys import``);
* the **token key**, Ed25519, which signs the compact payload in the QR code and the
  Open-Badges-style credential; its public half is published as a JWKS.

The newest generation signs; every older one is *retired* but kept (its public key stays in the
JWKS, its certificate stays trusted), so a certificate issued before a rotation still verifies.
The folder lives under the instance folder (never committed); private keys are 0600.
A development or demo machine gets its first generation on first use.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

KEYRING = "keyring.json"
DEFAULT_NAME = "Ban Tuyên giáo Tỉnh ủy Thái Bình — elearn"
CERT_YEARS = 10


class KeyringError(Exception):
    """A key file is missing, unreadable or refused (shown by the CLI)."""


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a reloaded keyring makes new ones
class Generation:
    kid: str
    created: str
    retired: str | None
    source: str  # "self-signed" or "pkcs12"
    token_key: ed25519.Ed25519PrivateKey
    pdf_chain: tuple[x509.Certificate, ...]  # the signer first
    pdf_key_path: Path

    @property
    def token_public(self) -> ed25519.Ed25519PublicKey:
        return self.token_key.public_key()

    @property
    def pdf_cert(self) -> x509.Certificate:
        return self.pdf_chain[0]

    @functools.cached_property
    def token_jwk_private(self):
        from joserfc.jwk import OKPKey
        return OKPKey.import_key(self.token_key)

    @functools.cached_property
    def token_jwk_public(self):
        from joserfc.jwk import OKPKey
        return OKPKey.import_key(self.token_public)

    def pdf_private_key(self):
        return serialization.load_pem_private_key(self.pdf_key_path.read_bytes(), password=None)

    def jwk(self) -> dict:
        raw = self.token_public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        # No "alg": the key signs QR payloads as "Ed25519" (RFC 9864) and credentials as "EdDSA" (VC-JWT).
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": self.kid, "use": "sig"}
        if self.retired:
            jwk["retired"] = self.retired  # informative: the key verifies what it signed, signs nothing new
        return jwk


@dataclass(frozen=True)
class Keyring:
    folder: Path
    generations: tuple[Generation, ...]  # oldest first; the last one signs

    @property
    def active(self) -> Generation:
        return self.generations[-1]

    def by_kid(self, kid: str) -> Generation | None:
        return next((g for g in self.generations if g.kid == kid), None)

    def jwks(self) -> dict:
        return {"keys": [g.jwk() for g in reversed(self.generations)]}

    def trusted_pdf_certs(self) -> list[x509.Certificate]:
        return [cert for g in self.generations for cert in g.pdf_chain]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def kid_of(key: ed25519.Ed25519PublicKey) -> str:
    """Eight characters of the key's SHA-256: short enough for a QR header, unique enough for a few keys."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return b64url(hashlib.sha256(raw).digest()[:6])


# --- reading, cached per process until the keyring changes ------------------------------

_cache: dict[Path, tuple[int, Keyring]] = {}


def load(folder: Path | str, create: bool = True) -> Keyring:
    """The keyring in ``folder``; a first self-signed generation is made there when there is
    none and ``create`` (development, demo, tests). Re-read when the keyring file changes."""
    folder = Path(folder)
    index = folder / KEYRING
    try:
        stamp = index.stat().st_mtime_ns
    except FileNotFoundError:
        if not create:
            raise KeyringError(f"no signing keys in {folder}: run `elearn certificates keys generate`") from None
        with _locked(folder):
            if not index.exists():
                _add_generation(folder, *_self_signed(DEFAULT_NAME))
        stamp = index.stat().st_mtime_ns
    cached = _cache.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    keyring = _read(folder)
    _cache[folder] = (stamp, keyring)
    return keyring


def _read(folder: Path) -> Keyring:
    entries = json.loads((folder / KEYRING).read_text(encoding="utf-8"))["generations"]
    generations = []
    for e in entries:
        token_key = serialization.load_pem_private_key((folder / e["token_key"]).read_bytes(), password=None)
        chain = tuple(x509.load_pem_x509_certificates((folder / e["pdf_chain"]).read_bytes()))
        generations.append(Generation(kid=e["kid"], created=e["created"], retired=e.get("retired"),
                                      source=e["source"], token_key=token_key, pdf_chain=chain,
                                      pdf_key_path=folder / e["pdf_key"]))
    if not generations:
        raise KeyringError(f"the keyring in {folder} is empty")
    return Keyring(folder, tuple(generations))


def self_made_only(folder: Path | str) -> bool:
    """True when no key of the folder comes from a certificate authority: there is no keyring yet
    (the app makes a self-signed one on first use) or every generation is self-signed. Reads the
    index only, not the private keys."""
    try:
        entries = json.loads((Path(folder) / KEYRING).read_text(encoding="utf-8"))["generations"]
    except FileNotFoundError:
        return True
    return all(e.get("source") == "self-signed" for e in entries)


# --- changing the keyring (CLI) ----------------------------------------------------------

def generate(folder: Path | str, name: str = DEFAULT_NAME) -> Generation:
    """The first generation, self-signed. Refused when there is one: rotate instead."""
    folder = Path(folder)
    with _locked(folder):
        if (folder / KEYRING).exists():
            raise KeyringError(f"{folder} already holds signing keys: use `keys rotate` or `keys import`")
        kid = _add_generation(folder, *_self_signed(name))
    return load(folder, create=False).by_kid(kid)


def rotate(folder: Path | str, name: str = DEFAULT_NAME) -> Generation:
    """A new self-signed generation; the old ones are retired and kept."""
    folder = Path(folder)
    with _locked(folder):
        kid = _add_generation(folder, *_self_signed(name))
    return load(folder, create=False).by_kid(kid)


def import_pkcs12(folder: Path | str, data: bytes, password: bytes | None) -> Generation:
    """A new generation whose PDF key and chain come from a PKCS#12 file (the CA's); a new token key."""
    folder = Path(folder)
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    except ValueError as error:
        raise KeyringError(f"not a PKCS#12 file, or the wrong password: {error}") from None
    if key is None or cert is None:
        raise KeyringError("the PKCS#12 file must hold a private key and its certificate")
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise KeyringError("the key must be RSA or ECDSA (what PDF readers check)")
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < 2048:
        raise KeyringError("the key is too weak (RSA under 2048 bits)")
    now = dt.datetime.now(dt.UTC)
    if cert.not_valid_after_utc < now:
        raise KeyringError(f"the certificate expired on {cert.not_valid_after_utc:%Y-%m-%d}")
    with _locked(folder):
        kid = _add_generation(folder, key, [cert, *(extra or [])], "pkcs12")
    return load(folder, create=False).by_kid(kid)


def _self_signed(name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name[:64]),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "elearn"),
                         x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365 * CERT_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_cert_sign=True,
                                         crl_sign=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False),
                           critical=True)
            .sign(key, hashes.SHA256()))
    return key, [cert], "self-signed"


def _add_generation(folder: Path, pdf_key, chain: list[x509.Certificate], source: str) -> str:
    """Write the new generation's files, then the keyring naming it last (one atomic replace)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    index = folder / KEYRING
    entries = json.loads(index.read_text(encoding="utf-8"))["generations"] if index.exists() else []
    token_key = ed25519.Ed25519PrivateKey.generate()
    kid = kid_of(token_key.public_key())
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    for entry in entries:
        entry.setdefault("retired", None)
        if entry["retired"] is None:
            entry["retired"] = now
    pem = serialization.PrivateFormat.PKCS8
    _write_private(folder / f"{kid}-token.key.pem", token_key.private_bytes(
        serialization.Encoding.PEM, pem, serialization.NoEncryption()))
    _write_private(folder / f"{kid}-pdf.key.pem", pdf_key.private_bytes(
        serialization.Encoding.PEM, pem, serialization.NoEncryption()))
    (folder / f"{kid}-pdf.chain.pem").write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain))
    entries.append({"kid": kid, "created": now, "retired": None, "source": source,
                    "token_key": f"{kid}-token.key.pem", "pdf_key": f"{kid}-pdf.key.pem",
                    "pdf_chain": f"{kid}-pdf.chain.pem"})
    tmp = folder / f".{KEYRING}.tmp"
    tmp.write_text(json.dumps({"generations": entries}, indent=2), encoding="utf-8")
    os.replace(tmp, index)
    return kid


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


@contextlib.contextmanager
def _locked(folder: Path):
    """One writer at a time, across processes (two workers making the first keys at once)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
