"""PAdES signatures on certificate PDFs (pyHanko): sign with the active key, check an uploaded PDF.

Signing appends one incremental update holding a CMS signature (SHA-256, PAdES baseline B)
over the whole file; any byte changed afterwards breaks it, and Acrobat or Foxit show the
signer. The CMS container's room is reserved up front (pyHanko would otherwise sign a dummy
first to measure it, doubling the cost). pyHanko and asn1crypto are imported on first use.
"""
from __future__ import annotations

import asyncio
import enum
import functools
import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from courses.certificates import codes
from courses.certificates.keys import Generation, Keyring

MAX_PDF_BYTES = 5 * 1024 * 1024
FIELD = "ChungNhan"
_CODE = re.compile(r"\b([2-9A-HJKMNP-Z]{4}(?:-[2-9A-HJKMNP-Z]{4}){4})\b")


class PdfStatus(str, enum.Enum):
    VALID = "valid"                    # signed by one of the platform's keys, nothing changed since
    TAMPERED = "tampered"              # the signature no longer matches the bytes, or more was added after it
    FOREIGN = "foreign"                # a well-formed signature by a key that is not the platform's
    UNSIGNED = "unsigned"
    UNREADABLE = "unreadable"          # not a PDF, or too broken to read


@dataclass(frozen=True)
class PdfCheck:
    status: PdfStatus
    code: str | None = None            # the certificate code the signed PDF names (normalized)
    signer: str | None = None          # the signing certificate's subject


@functools.lru_cache(maxsize=8)
def _signer(generation: Generation):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = serialization.Encoding.DER
    chain = [asn1_x509.Certificate.load(c.public_bytes(der)) for c in generation.pdf_chain]
    key = asn1_keys.PrivateKeyInfo.load(generation.pdf_private_key().private_bytes(
        der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=chain[0], signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs(chain[1:]))


def sign(data: bytes, keyring: Keyring) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    generation = keyring.active
    meta = signers.PdfSignatureMetadata(field_name=FIELD, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", location="elearn")
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    reserved = _reserved(generation)
    out = _outside_any_loop(signers.PdfSigner(meta, _signer(generation)).sign_pdf, writer, bytes_reserved=reserved)
    return out.getvalue()


def _outside_any_loop(fn, *args, **kwargs):
    """pyHanko's blocking calls run an event loop of their own (``asyncio.run``), which a thread whose
    loop is already running refuses (an async server, a test driving Playwright's sync API): there,
    the call runs in a short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


@functools.lru_cache(maxsize=8)
def _reserved(generation: Generation) -> int:
    """Room for the CMS: the chain, the signed attributes and the signature, with margin (even)."""
    from cryptography.hazmat.primitives import serialization

    chain = sum(len(c.public_bytes(serialization.Encoding.DER)) for c in generation.pdf_chain)
    return 2 * ((3072 + chain) // 2)


@functools.lru_cache(maxsize=4)
def _trust(certs: tuple[bytes, ...]):
    from asn1crypto import x509 as asn1_x509

    return [asn1_x509.Certificate.load(der) for der in certs]


def check(data: bytes, keyring: Keyring) -> PdfCheck:
    """What an uploaded PDF is: never VALID unless the platform signed exactly these bytes."""
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF-") or len(data) > MAX_PDF_BYTES:
        return PdfCheck(PdfStatus.UNREADABLE)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a hostile file can break the parser anywhere: it is simply unreadable
        return PdfCheck(PdfStatus.UNREADABLE)
    if not signatures:
        return PdfCheck(PdfStatus.UNSIGNED)
    if len(signatures) != 1:
        return PdfCheck(PdfStatus.TAMPERED)  # ours carry one signature; a second was added later
    trust = _trust(tuple(c.public_bytes(serialization.Encoding.DER) for c in keyring.trusted_pdf_certs()))
    context = ValidationContext(trust_roots=trust, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = _outside_any_loop(validate_pdf_signature, signatures[0], context, skip_diff=True)
    except Exception:  # a broken signature dictionary or CMS can fail anywhere in parsing: not ours as signed
        return PdfCheck(PdfStatus.TAMPERED)
    signer = status.signing_cert.subject.human_friendly if status.signing_cert is not None else None
    if not status.intact or not status.valid or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return PdfCheck(PdfStatus.TAMPERED, signer=signer)
    if not status.trusted:
        return PdfCheck(PdfStatus.FOREIGN, signer=signer)
    return PdfCheck(PdfStatus.VALID, code=_code_of(reader), signer=signer)


def _code_of(reader) -> str | None:
    """The certificate code in the signed document's title ('Giấy chứng nhận 7KQ2-…')."""
    try:
        title = str(reader.trailer_view["/Info"]["/Title"])
    except (KeyError, TypeError):
        return None
    found = _CODE.search(title)
    return codes.normalize(found.group(1)) if found else None
