"""Signed certificates end to end: the download is signed, the public page checks a pasted QR text and an
uploaded PDF, expiry per course, the expired list in a manager's scope, the keys commands."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from courses.certificates import codes, keys, services, signing, tokens, verification
from courses.certificates.models import Certificate, CertificateTemplate
from elearn import db
from elearn.permissions import Role
from tests.courses.certificates.factories import complete, make_quiz_course, tree
from tests.courses.factories import make_trainer
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _reset_write_intent():
    yield
    db.set_write_intent(False)


@pytest.fixture
def world(app):
    province, a, a1, b = tree()
    course = make_quiz_course()
    db.session.add(CertificateTemplate(course_id=course.id, validity="12m"))
    db.session.commit()
    hang = make_user(full_name="Nguyễn Thị Thu Hằng", unit=a1)
    other = make_user(full_name="Vũ Anh Tuấn", unit=b)
    certs = {u.username: complete(u, course) for u in (hang, other)}  # completed 15/03/2023: expired today
    return dict(units=(province, a, a1, b), course=course, hang=hang, other=other, certs=certs)


def _download(client, cert: Certificate) -> bytes:
    response = client.get(f"/certificates/{codes.grouped(cert.code)}.pdf")
    assert response.status_code == 200
    return response.data


def _fresh(cert: Certificate) -> Certificate:
    cert.expires_on = services.today() + timedelta(days=30)
    db.session.commit()
    return cert


def test_issue_sets_the_expiry_from_the_course_validity(world, login):
    cert = world["certs"][world["hang"].username]
    assert cert.expires_on.isoformat() == "2024-03-15" and cert.expired_on(services.today())
    page = login(world["hang"]).get("/certificates/").get_data(as_text=True)
    assert "15/03/2024" in page and "Đã hết hạn" in page


def test_downloaded_pdf_is_signed_and_verifies_on_the_public_page(world, login, app):
    cert = _fresh(world["certs"][world["hang"].username])
    data = _download(login(world["hang"]), cert)
    assert signing.check(data, services.keyring()).status is signing.PdfStatus.VALID

    client = app.test_client()  # an anonymous visitor
    page = client.post("/verify/pdf", data={"document": (io.BytesIO(data), "chung-nhan.pdf")},
                       content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Hợp lệ" in text and "Nguyễn Thị Thu Hằng" in text

    at = data.index(b"stream", 1000) + 20
    tampered = data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]
    text = client.post("/verify/pdf", data={"document": (io.BytesIO(tampered), "c.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Đã bị sửa sau khi ký" in text and "Hợp lệ" not in text and "Nguyễn Thị Thu Hằng" not in text
    text = client.post("/verify/pdf", data={"document": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "x.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Không đọc được" in text
    missing = client.post("/verify/pdf", data={}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "Hãy chọn tệp PDF" in missing.get_data(as_text=True)


def test_pasted_qr_text_is_valid_expired_revoked_or_forged(world, client, tmp_path):
    hang, other = world["certs"][world["hang"].username], world["certs"][world["other"].username]

    def verdict(text: str) -> str:
        response = client.post("/verify/payload", data={"payload": text})
        assert response.status_code == 200
        return response.get_data(as_text=True)

    page = verdict(f"http://localhost/verify/{codes.grouped(hang.code)}#{verification.token_for(hang)}")
    assert "Đã hết hạn" in page and "15/03/2024" in page  # signed genuinely, but past its last day

    _fresh(hang)
    page = verdict(verification.token_for(hang))
    assert "Hợp lệ" in page and "Nguyễn Thị Thu Hằng" in page

    services.revoke(other, make_user(roles=(Role.ADMIN,)), "Cấp nhầm người")
    db.session.commit()
    _fresh(other)
    assert "Đã thu hồi" in verdict(verification.token_for(other))

    foreign = tokens.for_certificate(hang, keys.load(tmp_path / "someone-else"))
    page = verdict(foreign)
    assert "Không phải của nền tảng" in page and "Nguyễn Thị Thu Hằng" not in page
    assert "Không đọc được" in verdict("<script>alert(1)</script>")
    too_long = client.post("/verify/payload", data={"payload": "x" * 5000})
    assert too_long.status_code == 400


def test_payload_from_before_a_key_rotation_still_verifies(world, client, runner):
    hang = _fresh(world["certs"][world["hang"].username])
    before = verification.token_for(hang)
    result = runner.invoke(args=["certificates", "keys", "rotate"])
    assert result.exit_code == 0 and "ACTIVE" in result.output
    listing = runner.invoke(args=["certificates", "keys", "list"]).output.splitlines()
    assert len(listing) == 2 and "retired" in listing[0] and "ACTIVE" in listing[1]
    assert "Hợp lệ" in client.post("/verify/payload", data={"payload": before}).get_data(as_text=True)
    jwks = client.get("/.well-known/jwks.json")
    assert jwks.status_code == 200 and len(jwks.get_json()["keys"]) == 2
    assert runner.invoke(args=["certificates", "keys", "generate"]).exit_code != 0  # never overwrites


def test_code_lookup_shows_dates_and_expiry(world, client):
    cert = world["certs"][world["hang"].username]
    page = client.get(f"/verify/{codes.grouped(cert.code)}").get_data(as_text=True)
    assert "Đã hết hạn" in page and "15/03/2024" in page
    assert client.get(f"/verify/{codes.grouped(cert.code)}.json").get_json()["status"] == "expired"
    _fresh(cert)
    assert client.get(f"/verify/{codes.grouped(cert.code)}.json").get_json()["status"] == "valid"


def test_managers_list_expired_certificates_in_their_scope_only(world, login):
    province, a, a1, b = world["units"]
    _fresh(world["certs"][world["other"].username])
    client = login(make_user(roles=(Role.ADMIN,), unit=province))
    page = client.get("/certificates/expired").get_data(as_text=True)
    assert "Nguyễn Thị Thu Hằng" in page and "Vũ Anh Tuấn" not in page and "Đảng ủy xã Tân Hòa" in page
    manager_b = login(make_user(roles=(Role.MANAGER,), unit=b))
    assert "Nguyễn Thị Thu Hằng" not in manager_b.get("/certificates/expired").get_data(as_text=True)
    manager_a = login(make_user(roles=(Role.MANAGER,), unit=a))
    assert "Nguyễn Thị Thu Hằng" in manager_a.get(f"/certificates/expired?unit={a.id}").get_data(as_text=True)
    assert login(make_user()).get("/certificates/expired").status_code == 403


def test_trainer_sets_a_validity_and_a_bad_one_is_refused(app, login):
    trainer = make_trainer()
    course = make_quiz_course(owner=trainer)
    client = login(trainer)
    form = {"enabled": "y", "issuing_body": "TỈNH ỦY THÁI BÌNH", "motto": "party", "title": "GIẤY CHỨNG NHẬN",
            "wording": "", "place": "Thái Bình", "signer_title": "", "signer_name": "", "validity": "study_year"}
    assert client.post(f"/certificates/course/{course.id}/settings", data=form).status_code == 302
    assert db.session.get(CertificateTemplate, course.id).validity == "study_year"
    response = client.post(f"/certificates/course/{course.id}/settings", data={**form, "validity": "999y"})
    assert response.status_code == 200 and "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CertificateTemplate, course.id).validity == "study_year"


def test_keys_are_made_under_the_instance_folder_on_first_use(app):
    folder = services.key_folder()
    assert not folder.exists()
    ring = services.keyring()
    assert folder.is_relative_to(app.instance_path) and (folder / keys.KEYRING).exists()
    assert ring.active.source == "self-signed"


def test_keys_import_from_the_cli(app, runner, tmp_path):
    from tests.courses.certificates.test_signatures import _p12

    path = tmp_path / "ca.p12"
    path.write_bytes(_p12(tmp_path))
    result = runner.invoke(args=["certificates", "keys", "import", str(path)], env={"ELEARN_P12_PASSWORD": "sai"})
    assert result.exit_code != 0 and "password" in result.output
    result = runner.invoke(args=["certificates", "keys", "import", str(path)],
                           env={"ELEARN_P12_PASSWORD": "mat-khau"})
    assert result.exit_code == 0 and "pkcs12" in result.output
    assert db.session.scalar(select(Certificate.id)) is None  # keys only: no data touched


def test_trainer_chooses_the_party_document_layout(app, login):
    trainer = make_trainer()
    course = make_quiz_course(owner=trainer)
    client = login(trainer)
    assert "Hướng dẫn 36-HD/VPTW" in client.get(f"/certificates/course/{course.id}/settings").get_data(as_text=True)
    form = {"enabled": "y", "issuing_body": "TỈNH ỦY THÁI BÌNH", "motto": "state", "title": "GIẤY CHỨNG NHẬN",
            "wording": "", "place": "Thái Bình", "signer_title": "", "signer_name": "", "validity": "",
            "layout": "party_document"}
    assert client.post(f"/certificates/course/{course.id}/settings", data=form).status_code == 302
    template = db.session.get(CertificateTemplate, course.id)
    assert template.layout == "party_document" and template.snapshot()["layout"] == "party_document"
    assert client.post(f"/certificates/course/{course.id}/settings",
                       data={**form, "layout": "fancy"}).status_code == 200  # refused: not a choice
    db.session.expire_all()
    assert db.session.get(CertificateTemplate, course.id).layout == "party_document"


def test_every_pdf_in_a_unit_zip_is_signed(world, login):
    import zipfile

    province, a, a1, b = world["units"]
    client = login(make_user(roles=(Role.ADMIN,), unit=province))
    response = client.get(f"/certificates/export.zip?unit={province.id}&course={world['course'].id}")
    assert response.status_code == 200
    ring = services.keyring()
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        checks = [signing.check(archive.read(name), ring) for name in archive.namelist()]
    assert len(checks) == 2 and all(c.status is signing.PdfStatus.VALID for c in checks)
    assert {c.code for c in checks} == {c.code for c in world["certs"].values()}
