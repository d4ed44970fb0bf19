"""Open Badges 3.0: the downloaded credential verifies with an independent JWT library (PyJWT) and the
published key; a changed name, another key, an expired or revoked certificate each say what they are."""
from __future__ import annotations

import base64
import io
import json
from datetime import UTC, date, datetime

import jwt
import pytest

from courses.certificates import badges, codes, keys, services, verification
from courses.certificates.models import CertificateTemplate
from elearn import db
from elearn.permissions import Role
from tests.courses.certificates.factories import complete, make_quiz_course, tree
from tests.courses.certificates.test_signatures import BASE, CODE, _cert
from tests.factories import make_user

NOW = datetime(2023, 6, 1, tzinfo=UTC)


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_an_independent_library_verifies_the_credential_with_the_published_key(tmp_path):
    ring = keys.load(tmp_path / "keys")
    token = badges.sign(badges.credential_for(_cert(), BASE), ring)
    published = {k["kid"]: k for k in ring.jwks()["keys"]}
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK({**published[kid], "alg": "EdDSA"})
    claims = jwt.decode(token, key=key, algorithms=["EdDSA"], options={"verify_exp": False},
                        leeway=0)  # the signature, checked by PyJWT and cryptography, not by our code
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "purl.imsglobal.org/spec/ob/v3p0" in claims["@context"][1]
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == "Nguyễn Thị Thu Hằng"
    assert claims["credentialSubject"]["achievement"]["name"].startswith("Học tập và làm theo")
    assert claims["id"] == f"{BASE}/verify/{codes.grouped(CODE)}" and claims["jti"] == claims["id"]
    assert claims["validUntil"] == "2024-03-15T17:00:00Z"  # end of 15/03/2024 in Thái Bình
    assert claims["exp"] == int(datetime(2024, 3, 15, 17, tzinfo=UTC).timestamp())
    with pytest.raises(jwt.ExpiredSignatureError):  # PyJWT agrees that it has expired by now
        jwt.decode(token, key=key, algorithms=["EdDSA"])
    assert badges.check(token.encode(), ring, NOW).status is badges.BadgeStatus.VALID
    assert badges.check(token.encode(), ring, datetime(2024, 3, 15, 17, tzinfo=UTC)).status \
        is badges.BadgeStatus.EXPIRED


def test_changed_name_another_key_and_junk_are_forged(tmp_path):
    ring = keys.load(tmp_path / "keys")
    token = badges.sign(badges.credential_for(_cert(), BASE), ring)
    header, payload, signature = token.split(".")
    claims = json.loads(_unb64(payload))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Trần Văn Khác"
    renamed = f"{header}.{_b64(json.dumps(claims, ensure_ascii=False).encode())}.{signature}"
    forged = badges.BadgeStatus.FORGED
    assert badges.check(renamed.encode(), ring, NOW).status is forged
    with pytest.raises(jwt.InvalidSignatureError):  # the independent library agrees
        jwt.decode(renamed, key=jwt.PyJWK({**ring.jwks()["keys"][0], "alg": "EdDSA"}), algorithms=["EdDSA"],
                   options={"verify_exp": False})
    other = badges.sign(badges.credential_for(_cert(), BASE), keys.load(tmp_path / "other"))
    assert badges.check(other.encode(), ring, NOW).status is forged
    for junk in (b"", b"{}", b"\xff\xfe", b"a.b.c", b"x" * (badges.MAX_BYTES + 1), token.encode()[:-3]):
        assert badges.check(junk, ring, NOW).status is forged


def test_cadre_downloads_the_credential_and_a_visitor_checks_it(app, login):
    _, _, commune, b = tree()
    course = make_quiz_course()
    db.session.add(CertificateTemplate(course_id=course.id, validity=""))
    db.session.commit()
    hang = make_user(full_name="Nguyễn Thị Thu Hằng", unit=commune)
    other = make_user(full_name="Vũ Anh Tuấn", unit=b)
    cert, other_cert = complete(hang, course), complete(other, course)

    client = login(hang)
    assert "Open Badges" in client.get("/certificates/").get_data(as_text=True)
    response = client.get(f"/certificates/{codes.grouped(cert.code)}.jwt")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert response.headers["Content-Disposition"].endswith('.jwt"')
    assert client.get(f"/certificates/{codes.grouped(other_cert.code)}.jwt").status_code == 404
    token = response.data

    visitor = app.test_client()

    def upload(data: bytes) -> str:
        page = visitor.post("/verify/credential", data={"credential": (io.BytesIO(data), "chung-nhan.jwt")},
                            content_type="multipart/form-data")
        assert page.status_code == 200
        return page.get_data(as_text=True)

    page = upload(token)
    assert "Hợp lệ" in page and "Nguyễn Thị Thu Hằng" in page

    header, payload, signature = token.decode().split(".")
    claims = json.loads(_unb64(payload))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Vũ Anh Tuấn"
    page = upload(f"{header}.{_b64(json.dumps(claims).encode())}.{signature}".encode())
    assert "Không phải của nền tảng" in page and "Nguyễn Thị Thu Hằng" not in page

    services.revoke(cert, make_user(roles=(Role.ADMIN,)), "Cấp nhầm người")
    db.session.commit()
    assert "Đã thu hồi" in upload(token)
    assert client.get(f"/certificates/{codes.grouped(cert.code)}.jwt").status_code == 410


def test_expired_certificate_credential_says_expired(app, tmp_path):
    course = make_quiz_course()
    db.session.add(CertificateTemplate(course_id=course.id, validity="12m"))
    db.session.commit()
    cert = complete(make_user(full_name="Trần Đức Lưỡng"), course)  # completed 15/03/2023, valid to 15/03/2024
    assert cert.expires_on == date(2024, 3, 15)
    check = verification.check_credential(verification.credential_jwt(cert, BASE).encode())
    assert check.verdict is verification.Verdict.EXPIRED and check.cert.id == cert.id


def test_revocation_is_published_as_a_signed_bitstring_status_list(app, client):
    course = make_quiz_course()
    cert = complete(make_user(full_name="Trần Đức Lưỡng"), course)
    entry = badges.credential_for(cert, "http://localhost")["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    ring = services.keyring()
    key = jwt.PyJWK({**ring.jwks()["keys"][0], "alg": "EdDSA"})

    def bit() -> bool:
        response = client.get(entry["statusListCredential"].removeprefix("http://localhost"))
        assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
        status = jwt.decode(response.data, key=key, algorithms=["EdDSA"])  # checked independently
        assert "BitstringStatusListCredential" in status["type"]
        bits = badges.decode_bits(status["credentialSubject"]["encodedList"])
        assert len(bits) == badges.STATUS_LIST_SIZE // 8
        return badges.is_set(bits, int(entry["statusListIndex"]))

    assert bit() is False
    services.revoke(cert, make_user(roles=(Role.ADMIN,)), "Cấp nhầm người")
    db.session.commit()
    assert bit() is True
    assert client.get("/credentials/status/99").status_code == 404
