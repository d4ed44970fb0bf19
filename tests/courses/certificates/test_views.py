import io
import zipfile

import pytest
from sqlalchemy import func, select

from courses.certificates import codes, services
from courses.certificates.models import Certificate, CertificateTemplate
from elearn import db
from elearn.audit import AuditLog
from elearn.permissions import Role
from tests.courses.certificates.factories import complete, make_quiz_course, tree
from tests.courses.factories import make_trainer
from tests.factories import make_user


@pytest.fixture
def world(app):
    province, a, a1, b = tree()
    course = make_quiz_course()
    hang = make_user(full_name="Nguyễn Thị Thu Hằng", unit=a1)
    luong = make_user(full_name="Trần Đức Lưỡng", unit=a)
    other = make_user(full_name="Vũ Anh Tuấn", unit=b)
    certs = {u.username: complete(u, course) for u in (hang, luong, other)}
    return dict(units=(province, a, a1, b), course=course, hang=hang, luong=luong, other=other, certs=certs)


def _url(cert: Certificate) -> str:
    return f"/certificates/{codes.grouped(cert.code)}.pdf"


def test_cadre_lists_and_downloads_only_their_own(world, login):
    client = login(world["hang"])
    page = client.get("/certificates/").get_data(as_text=True)
    assert world["course"].title in page and codes.grouped(world["certs"][world["hang"].username].code) in page
    mine = client.get(_url(world["certs"][world["hang"].username]))
    assert mine.status_code == 200 and mine.mimetype == "application/pdf" and mine.data.startswith(b"%PDF")
    assert client.get(_url(world["certs"][world["other"].username])).status_code == 404
    assert client.get("/certificates/AAAA-BBBB.pdf").status_code == 404


def test_manager_sees_the_subtree_only_and_admin_everything(world, login):
    province, a, a1, b = world["units"]
    manager = make_user(roles=(Role.MANAGER,), unit=a)
    client = login(manager)
    assert client.get(_url(world["certs"][world["hang"].username])).status_code == 200
    assert client.get(_url(world["certs"][world["other"].username])).status_code == 404
    listing = client.get("/certificates/manage").get_data(as_text=True)
    assert "Trần Đức Lưỡng" in listing and "Vũ Anh Tuấn" not in listing
    client = login(make_user(roles=(Role.ADMIN,), unit=province))
    assert client.get(_url(world["certs"][world["other"].username])).status_code == 200
    assert login(make_user()).get("/certificates/manage").status_code == 403


def test_manager_downloads_a_subtree_as_one_zip(world, login):
    province, a, a1, b = world["units"]
    client = login(make_user(roles=(Role.MANAGER,), unit=a))
    response = client.get(f"/certificates/export.zip?unit={a.id}&course={world['course'].id}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = sorted(archive.namelist())
    assert len(names) == 2 and names[0].startswith("Nguyen-Thi-Thu-Hang") and names[1].startswith("Tran-Duc-Luong")
    assert client.get(f"/certificates/export.zip?unit={b.id}&course={world['course'].id}").status_code == 404
    assert client.get(f"/certificates/export.zip?unit={a.id}&course=999999").status_code == 404
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "certificate.export_zip")) == 1


def test_public_verification_valid_revoked_and_unknown(world, client):
    cert = world["certs"][world["hang"].username]
    for shown in (codes.grouped(cert.code), cert.code.lower(), codes.grouped(cert.code).lower()):
        page = client.get(f"/verify/{shown}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "Nguyễn Thị Thu Hằng" in text and cert.unit_name in text
        assert world["course"].title in text and "15/03/2023" in text
    data = client.get(f"/verify/{cert.code.lower()}.json").get_json()
    assert data == {"status": "valid", "code": codes.grouped(cert.code), "full_name": "Nguyễn Thị Thu Hằng",
                    "unit": cert.unit_name, "course": world["course"].title, "completed_on": "2023-03-15",
                    "expires_on": None}
    forged = list(cert.code)
    forged[3] = "2" if forged[3] != "2" else "3"  # one mistyped symbol
    assert client.get(f"/verify/{''.join(forged)}").status_code == 404
    assert client.get(f"/verify/{''.join(forged)}.json").get_json() == {"status": "not_found"}
    assert client.get("/verify/<script>alert(1)</script>").status_code == 404
    assert client.get("/verify?code=" + cert.code.lower()).headers["Location"].endswith(codes.grouped(cert.code))

    services.revoke(cert, make_user(roles=(Role.ADMIN,)), "Cấp nhầm")
    db.session.commit()
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "Nguyễn Thị Thu Hằng" in page and cert.unit_name not in page and world["course"].title not in page
    data = client.get(f"/verify/{cert.code}.json").get_json()
    assert data["status"] == "revoked" and set(data) == {"status", "code", "full_name", "revoked_on"}


def test_admin_revokes_with_a_reason_then_downloads_are_refused(world, login):
    cert = world["certs"][world["luong"].username]
    assert login(world["luong"]).post(f"/certificates/{cert.code}/revoke", data={"reason": "Sai"}).status_code == 403
    admin = login(make_user(roles=(Role.ADMIN,)))
    assert admin.post(f"/certificates/{cert.code}/revoke", data={"reason": "x"}).status_code == 200  # too short
    response = admin.post(f"/certificates/{cert.code}/revoke", data={"reason": "Cấp nhầm khóa học"})
    assert response.status_code == 302
    again = admin.post(f"/certificates/{cert.code}/revoke", data={"reason": "Cấp nhầm khóa học"})
    assert "đã bị thu hồi" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "certificate.revoke")) == 1
    assert admin.get(_url(cert)).status_code == 410
    assert login(world["luong"]).get(_url(cert)).status_code == 410
    admin = login(make_user(roles=(Role.ADMIN,)))
    assert admin.post(f"/certificates/{cert.code}/reissue").status_code == 302
    new = db.session.scalar(select(Certificate).where(Certificate.user_id == world["luong"].id,
                                                      Certificate.revoked_at.is_(None)))
    assert new is not None and new.code != cert.code


def test_trainer_edits_settings_and_previews_the_pdf(world, login):
    course = world["course"]
    owner = db.session.get(type(world["hang"]), course.owner_id)
    client = login(owner)
    assert course.title in client.get("/certificates/templates").get_data(as_text=True)
    form = {"enabled": "y", "issuing_body": "TỈNH ỦY THÁI BÌNH\r\nBAN TUYÊN GIÁO", "motto": "state",
            "title": "GIẤY CHỨNG NHẬN", "wording": "Đã hoàn thành lớp bồi dưỡng", "place": "Vũ Thư",
            "signer_title": "TRƯỞNG BAN", "signer_name": "Lê Văn Thắng"}
    assert client.post(f"/certificates/course/{course.id}/settings", data=form).status_code == 302
    template = db.session.get(CertificateTemplate, course.id)
    assert template.place == "Vũ Thư" and template.motto.value == "state"
    assert client.post(f"/certificates/course/{course.id}/settings", data={**form, "place": ""}).status_code == 200
    preview = client.get(f"/certificates/course/{course.id}/preview.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")
    stranger = login(make_trainer())
    assert stranger.get(f"/certificates/course/{course.id}/settings").status_code == 404
    assert stranger.get(f"/certificates/course/{course.id}/preview.pdf").status_code == 404


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "CERT_VERIFY_LIMIT": "3 per minute"}

    def test_lookups_are_rate_limited_per_address(self, client):
        statuses = [client.get(f"/verify/{codes.new_code()}" + (".json" if i % 2 else "")).status_code
                    for i in range(4)]
        assert statuses == [404, 404, 404, 429]
