"""The programme certificate (issue 20 item 1): issued once when a cadre completes a programme."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from courses.certificates import codes, services, verification
from courses.certificates import programme as programme_certificates
from courses.certificates.models import Certificate
from courses.programmes import completion
from courses.programmes import services as programmes
from courses.programmes.renewal import valid_until
from courses.progress import complete_item
from elearn import db
from elearn.i18n import to_local
from tests.courses.factories import items_of, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user


def _complete(user, course):
    for item in items_of(course):
        complete_item(user, item)
    db.session.commit()


def _programme_certs(user):
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id,
                                                             Certificate.programme_id.is_not(None))))


@pytest.fixture
def world(app):
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    cadre = make_user(full_name="Nguyễn Thị Thu Hằng", unit=province)
    programme = make_programme(trainer, title="Học tập Nghị quyết Đại hội XIII", required=2)
    programmes.update_programme(programme, trainer, title=programme.title, validity_months=12)
    programmes.assign(programme, province, None, trainer)
    db.session.commit()
    return dict(programme=programme, cadre=cadre, courses=[pc.course for pc in programme.courses])


def test_a_completed_programme_gets_one_certificate_with_its_validity(world):
    cadre, programme, (first, second) = world["cadre"], world["programme"], world["courses"]
    _complete(cadre, first)
    assert _programme_certs(cadre) == []  # half the programme: no certificate yet
    _complete(cadre, second)
    [cert] = _programme_certs(cadre)
    place = db.session.scalar(select(programmes.ProgrammeEnrollment).where(
        programmes.ProgrammeEnrollment.user_id == cadre.id))
    assert cert.course_id is None and cert.programme_id == programme.id
    assert (cert.full_name, cert.course_title) == ("Nguyễn Thị Thu Hằng", "Học tập Nghị quyết Đại hội XIII")
    assert cert.completed_at == place.completed_at
    assert cert.expires_on == to_local(valid_until(programme, place.completed_at)).date()
    # Recorded once: evaluating again issues nothing new.
    assert completion.record_completions(programme_ids=[programme.id]) == 0
    assert programme_certificates.issue_programme_certificates([(cadre.id, programme.id, place.completed_at)]) == []
    assert db.session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.programme_id == programme.id)) == 1
    # The same engine: a signed QR payload, an Open Badges credential naming the programme.
    assert verification.check_payload(verification.token_for(cert)).verdict is verification.Verdict.VALID
    credential = verification.check_credential(verification.credential_jwt(cert, "https://elearn.example").encode())
    assert credential.verdict is verification.Verdict.VALID
    achievement = credential.claims["credentialSubject"]["achievement"]
    assert achievement["id"].endswith(f"/certificates/programme/{programme.id}/achievement")


def test_the_cadre_downloads_it_from_my_programmes_and_my_certificates(world, login):
    cadre, other = world["cadre"], make_user()
    for course in world["courses"]:
        _complete(cadre, course)
    [cert] = _programme_certs(cadre)
    client = login(cadre)
    page = client.get("/my-programmes").get_data(as_text=True)
    grouped = codes.grouped(cert.code)
    assert "Tải giấy chứng nhận của chương trình" in page and f"/certificates/{grouped}.pdf" in page
    assert grouped in client.get("/certificates/").get_data(as_text=True)
    pdf = client.get(f"/certificates/{grouped}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert verification.check_pdf(pdf.data).verdict is verification.Verdict.VALID
    verify = client.get(f"/verify/{grouped}").get_data(as_text=True)
    assert "Học tập Nghị quyết Đại hội XIII" in verify and "Hợp lệ" in verify
    assert login(other).get(f"/certificates/{grouped}.pdf").status_code == 404
    assert io.BytesIO(pdf.data).getbuffer().nbytes > 1000


def test_a_revoked_programme_certificate_is_issued_again_by_an_admin(world):
    cadre = world["cadre"]
    for course in world["courses"]:
        _complete(cadre, course)
    [cert] = _programme_certs(cadre)
    admin = make_user()
    services.revoke(cert, admin, "sai họ tên")
    new = services.reissue(cert, admin)
    db.session.commit()
    assert new.code != cert.code and new.programme_id == cert.programme_id and new.live
    with pytest.raises(services.CertificateError):
        services.reissue(cert, admin)  # one live certificate per programme
