"""Keys, the QR payload (JWS) and the PDF signature, without a database: each bad input is what it is,
never valid; a rotation leaves everything signed before it verifiable."""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
from datetime import UTC, date, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from courses.certificates import keys, pdf, signing, tokens
from courses.certificates.models import Certificate, expiry_for

BASE = "https://daotao.thaibinh.example"
CODE = "7KQ2M9XD7KQ2M9XD7KQ2"


def _cert(**fields) -> Certificate:
    values = dict(code=CODE, full_name="Nguyễn Thị Thu Hằng", unit_name="Đảng ủy xã Tân Hòa",
                  course_title="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2023",
                  theme="", completed_at=datetime(2023, 3, 15, 3, tzinfo=UTC), score=90.0,
                  template={"issuing_body": "TỈNH ỦY THÁI BÌNH\nBAN TUYÊN GIÁO", "motto": "party",
                            "place": "Thái Bình", "title": "GIẤY CHỨNG NHẬN", "signer_name": "Đặng Thị Minh Nguyệt"},
                  expires_on=date(2024, 3, 15))
    values.update(fields)
    return Certificate(**values)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- keys ---------------------------------------------------------------------------------------

def test_first_use_makes_keys_private_and_rotation_keeps_the_old_ones(tmp_path):
    folder = tmp_path / "keys"
    ring = keys.load(folder)
    first = ring.active
    assert first.source == "self-signed" and first.retired is None and len(first.kid) == 8
    for path in folder.glob("*.key.pem"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert keys.load(folder) is ring  # cached until the keyring changes

    with pytest.raises(keys.KeyringError):
        keys.generate(folder)  # never overwrites: rotate instead
    second = keys.rotate(folder)
    ring = keys.load(folder)
    assert ring.active.kid == second.kid != first.kid
    assert ring.by_kid(first.kid).retired is not None
    published = ring.jwks()["keys"]
    assert [k["kid"] for k in published] == [second.kid, first.kid]
    assert all(set(k) >= {"kty", "crv", "x", "kid", "use"} and "d" not in k for k in published)
    assert len(ring.trusted_pdf_certs()) == 2


def test_missing_keys_are_not_made_when_asked_not_to(tmp_path):
    with pytest.raises(keys.KeyringError):
        keys.load(tmp_path / "none", create=False)


def _p12(tmp_path, bits=2048, password=b"mat-khau", expired=False) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tỉnh ủy Thái Bình")])
    now = dt.datetime.now(dt.UTC)
    end = now - dt.timedelta(days=1) if expired else now + dt.timedelta(days=365)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now - dt.timedelta(days=30)).not_valid_after(end)
            .sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(b"ca", key, cert, None,
                                                 serialization.BestAvailableEncryption(password))


def test_a_pkcs12_from_the_authority_signs_pdfs_from_then_on(tmp_path):
    folder = tmp_path / "keys"
    old = keys.load(folder)
    signed_before = pdf.render(_cert(), BASE, old)
    with pytest.raises(keys.KeyringError, match="password"):
        keys.import_pkcs12(folder, _p12(tmp_path), b"wrong")
    with pytest.raises(keys.KeyringError, match="weak"):
        keys.import_pkcs12(folder, _p12(tmp_path, bits=1024), b"mat-khau")
    with pytest.raises(keys.KeyringError, match="expired"):
        keys.import_pkcs12(folder, _p12(tmp_path, expired=True), b"mat-khau")
    with pytest.raises(keys.KeyringError):
        keys.import_pkcs12(folder, b"not a p12", None)
    assert len(keys.load(folder).generations) == 1  # refused imports wrote nothing

    generation = keys.import_pkcs12(folder, _p12(tmp_path), b"mat-khau")
    ring = keys.load(folder)
    assert ring.active is not None and ring.active.kid == generation.kid and generation.source == "pkcs12"
    signed_after = pdf.render(_cert(), BASE, ring)
    after = signing.check(signed_after, ring)
    assert after.status is signing.PdfStatus.VALID and "Tỉnh ủy Thái Bình" in after.signer
    assert signing.check(signed_before, ring).status is signing.PdfStatus.VALID  # rotated: still verifies


# --- the QR payload -------------------------------------------------------------------------------

def _token(ring, **fields) -> str:
    return tokens.for_certificate(_cert(**fields), ring)


def test_payload_is_small_and_checks_offline_with_the_published_key_alone(tmp_path):
    ring = keys.load(tmp_path / "keys")
    token = _token(ring)
    assert len(token) < 420  # with the address, a QR that prints at 3 cm
    result = tokens.check(token, ring, date(2023, 6, 1))
    assert result.status is tokens.TokenStatus.VALID and result.code == CODE
    assert result.claims["n"] == "Nguyễn Thị Thu Hằng" and result.expires_on == date(2024, 3, 15)

    # Independently of joserfc: RFC 7515 by hand, with the key as the JWKS publishes it.
    jwk = next(k for k in ring.jwks()["keys"] if k["kid"] == result.kid)
    public = ed25519.Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"]))
    header, payload, signature = token.split(".")
    public.verify(_unb64(signature), f"{header}.{payload}".encode())
    assert json.loads(_unb64(header)) == {"alg": "Ed25519", "kid": jwk["kid"]}
    assert json.loads(_unb64(payload))["c"] == CODE


def test_expired_payload_says_so_and_one_without_expiry_never_expires(tmp_path):
    ring = keys.load(tmp_path / "keys")
    assert tokens.check(_token(ring), ring, date(2024, 3, 15)).status is tokens.TokenStatus.VALID  # the last day
    assert tokens.check(_token(ring), ring, date(2024, 3, 16)).status is tokens.TokenStatus.EXPIRED
    assert tokens.check(_token(ring, expires_on=None), ring, date(2099, 1, 1)).status is tokens.TokenStatus.VALID


def test_forged_payloads_are_forged(tmp_path):
    ring = keys.load(tmp_path / "keys")
    other = keys.load(tmp_path / "other")
    today = date(2023, 6, 1)
    forged = tokens.TokenStatus.FORGED
    # Signed by another key, under its own kid or claiming the platform's.
    assert tokens.check(_token(other), ring, today).status is forged
    header, payload, _ = _token(ring).split(".")
    spoof_header = _b64(json.dumps({"alg": "Ed25519", "kid": ring.active.kid}).encode())
    spoof_payload = _b64(json.dumps({"c": CODE, "n": "Kẻ Giả Mạo", "k": "x", "i": "2023-03-15"}).encode())
    stolen_sig = other.active.token_key.sign(f"{spoof_header}.{spoof_payload}".encode())
    assert tokens.check(f"{spoof_header}.{spoof_payload}.{_b64(stolen_sig)}", ring, today).status is forged
    # The platform's signature on a changed name, or a later expiry.
    claims = json.loads(_unb64(payload))
    for change in ({"n": "Trần Văn Khác"}, {"e": "2099-12-31"}):
        changed = _b64(json.dumps({**claims, **change}, ensure_ascii=False, separators=(",", ":")).encode())
        assert tokens.check(f"{header}.{changed}.{_token(ring).split('.')[2]}", ring, today).status is forged
    # alg=none, garbage, and a huge paste.
    none_header = _b64(json.dumps({"alg": "none", "kid": ring.active.kid}).encode())
    assert tokens.check(f"{none_header}.{payload}.", ring, today).status is forged
    for junk in ("", "a.b.c", "x" * 5000, f"{header}.{payload}.{'A' * 86}"):
        assert tokens.check(junk, ring, today).status is forged


def test_payload_signed_before_a_rotation_still_checks(tmp_path):
    folder = tmp_path / "keys"
    old_token = _token(keys.load(folder))
    keys.rotate(folder)
    ring = keys.load(folder)
    assert tokens.check(old_token, ring, date(2023, 6, 1)).status is tokens.TokenStatus.VALID
    assert tokens.check(_token(ring), ring, date(2023, 6, 1)).kid == ring.active.kid


def test_find_takes_the_payload_out_of_the_scanned_text(tmp_path):
    token = _token(keys.load(tmp_path / "keys"))
    assert tokens.find(f"{BASE}/verify/7KQ2-M9XD-7KQ2-M9XD-7KQ2#{token}") == token
    assert tokens.find(f"  {token}\n") == token
    assert tokens.find("https://example.vn/verify/7KQ2") is None


# --- the PDF signature --------------------------------------------------------------------------

def test_signed_pdf_verifies_and_carries_the_payload_in_its_qr(tmp_path):
    ring = keys.load(tmp_path / "keys")
    data = pdf.render(_cert(), BASE, ring)
    result = signing.check(data, ring)
    assert result.status is signing.PdfStatus.VALID and result.code == CODE
    assert b"/ByteRange" in data and b"/ETSI.CAdES.detached" in data
    assert signing.check(pdf.render(_cert(), BASE), ring).status is signing.PdfStatus.UNSIGNED


def test_tampered_foreign_and_junk_pdfs_are_what_they_are(tmp_path):
    ring = keys.load(tmp_path / "keys")
    data = pdf.render(_cert(), BASE, ring)
    # One byte changed inside the signed range (in the first content stream).
    at = data.index(b"stream", 1000) + 20
    flipped = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
    assert signing.check(flipped, ring).status is signing.PdfStatus.TAMPERED
    # The title (where the code is read from) rewritten to another code, same length.
    title_at = data.index(b"/Title")
    renamed = data[:title_at] + data[title_at:].replace(b"\\0007\\000K", b"\\0008\\000K", 1)  # UTF-16 "7K" -> "8K"
    assert renamed != data and signing.check(renamed, ring).status is signing.PdfStatus.TAMPERED
    # An incremental update appended after signing (what an editor saving "in place" does).
    appended = data + b"\n1 0 obj\n<< /Title (Giay gia) >>\nendobj\n"
    assert signing.check(appended, ring).status is signing.PdfStatus.TAMPERED
    # Signed properly, by a key that is not the platform's.
    foreign = signing.check(pdf.render(_cert(), BASE, keys.load(tmp_path / "other")), ring)
    assert foreign.status is signing.PdfStatus.FOREIGN
    for junk in (b"", b"%PDF-1.7\n garbage", b"GIF89a", b"%PDF-" + b"0" * (signing.MAX_PDF_BYTES + 1)):
        assert signing.check(junk, ring).status is signing.PdfStatus.UNREADABLE


# --- validity -------------------------------------------------------------------------------------

@pytest.mark.parametrize("validity, completed, expected", [
    ("", date(2023, 3, 15), None),
    ("12m", date(2023, 3, 15), date(2024, 3, 15)),
    ("6m", date(2023, 8, 31), date(2024, 2, 29)),   # leap year: the month's last day
    ("6m", date(2022, 8, 31), date(2023, 2, 28)),
    ("24m", date(2023, 12, 1), date(2025, 12, 1)),
    ("study_year", date(2023, 3, 15), date(2023, 8, 31)),
    ("study_year", date(2023, 8, 31), date(2023, 8, 31)),
    ("study_year", date(2023, 9, 1), date(2024, 8, 31)),
])
def test_expiry_per_validity(validity, completed, expected):
    assert expiry_for(validity, completed) == expected


def test_the_printed_qr_decodes_to_the_address_and_a_payload_that_checks(tmp_path):
    """Read back as a phone would: the page rasterised at 120 dpi (pdfium), the QR decoded (zxing-cpp)."""
    import pypdfium2
    import zxingcpp

    ring = keys.load(tmp_path / "keys")
    document = pypdfium2.PdfDocument(pdf.render(_cert(), BASE, ring))
    try:
        image = document[0].render(scale=120 / 72).to_pil()
    finally:
        document.close()
    found = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1
    address, token = found[0].split("#")
    assert address == f"{BASE}/verify/7KQ2-M9XD-7KQ2-M9XD-7KQ2"
    assert tokens.check(token, ring, date(2023, 6, 1)).claims["n"] == "Nguyễn Thị Thu Hằng"
