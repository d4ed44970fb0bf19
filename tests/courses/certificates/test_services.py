import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courses import enrolment
from courses.certificates import services
from courses.certificates.models import Certificate, CertificateTemplate
from courses.models import Enrollment
from elearn import db
from elearn.audit import AuditLog
from elearn.permissions import Role
from tests.courses.certificates.factories import COMPLETED, complete, make_quiz_course
from tests.courses.factories import make_course
from tests.factories import make_unit, make_user


def _count(**where):
    query = select(func.count(Certificate.id))
    for key, value in where.items():
        query = query.where(getattr(Certificate, key) == value)
    return db.session.scalar(query)


def test_completion_issues_one_certificate_with_a_snapshot(app):
    unit = make_unit("Chi bộ thôn Tân Thành")
    cadre = make_user(full_name="Nguyễn Thị Thu Hằng", unit=unit)
    course = make_quiz_course()
    cert = complete(cadre, course, score=92.5)
    assert cert is not None and _count(user_id=cadre.id) == 1
    assert (cert.full_name, cert.unit_name, cert.course_title) == ("Nguyễn Thị Thu Hằng", unit.name, course.title)
    assert cert.theme == course.theme and cert.completed_at == COMPLETED and cert.score == 92.5
    assert cert.template["issuing_body"] and cert.template["motto"] == "party"
    # Later renames do not touch what was issued; evaluating again issues nothing new.
    cadre.set_full_name("Tên Khác")
    course.title = "Tiêu đề mới"
    assert services.issue_certificate(_enrollment(cadre, course)).id == cert.id
    db.session.commit()
    db.session.refresh(cert)
    assert cert.full_name == "Nguyễn Thị Thu Hằng" and _count(user_id=cadre.id) == 1
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "certificate.issue")) == 1


def _enrollment(user, course):
    return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id,
                                                      Enrollment.course_id == course.id))


def test_score_is_empty_without_a_quiz(app):
    cert = complete(make_user(), make_course(lessons=2))
    assert cert is not None and cert.score is None


def test_completion_and_certificate_commit_or_fail_together(app, monkeypatch):
    cadre, course = make_user(), make_quiz_course()
    enrolment.enroll(cadre, course)
    db.session.commit()

    def broken(enrollment):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "issue_certificate", broken)
    with pytest.raises(RuntimeError):
        complete(cadre, course)
    db.session.rollback()
    assert _enrollment(cadre, course).completed_at is None and _count() == 0


def test_two_live_certificates_are_impossible_but_a_revoked_one_leaves_room(app):
    cadre, admin = make_user(), make_user(roles=(Role.ADMIN,))
    course = make_quiz_course()
    cert = complete(cadre, course)
    twin = Certificate(code="A" * 20, user_id=cadre.id, course_id=course.id, full_name="x", course_title="x",
                       completed_at=COMPLETED, template={})
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    services.revoke(cert, admin, "Sai họ tên")
    new = services.reissue(cert, admin)
    db.session.commit()
    assert new.code != cert.code and _count(user_id=cadre.id) == 2
    with pytest.raises(services.CertificateError):
        services.reissue(cert, admin)  # a live one exists again


def test_revoking_twice_is_a_clear_error_and_audited_once(app):
    admin = make_user(roles=(Role.ADMIN,))
    cert = complete(make_user(), make_quiz_course())
    with pytest.raises(services.CertificateError):
        services.revoke(cert, admin, "  ")
    services.revoke(cert, admin, "Cấp nhầm người")
    db.session.commit()
    with pytest.raises(services.CertificateError, match="already revoked|đã bị thu hồi"):
        services.revoke(cert, admin, "Lần thứ hai")
    db.session.rollback()
    entries = db.session.scalars(select(AuditLog).where(AuditLog.action == "certificate.revoke")).all()
    assert len(entries) == 1 and entries[0].details["reason"] == "Cấp nhầm người" and entries[0].actor_id == admin.id


def test_disabled_courses_issue_nothing_until_backfill(app):
    owner = make_user(roles=(Role.TRAINER,))
    course = make_quiz_course(owner=owner)
    services.save_template(course, owner, **{**services.get_template(course).snapshot(), "enabled": False})
    db.session.commit()
    done = [make_user(full_name="Trần Đức Lưỡng"), make_user()]
    for cadre in done:
        assert complete(cadre, course) is None
    services.save_template(course, owner, **{**services.get_template(course).snapshot(), "enabled": True})
    issued = services.backfill()
    db.session.commit()
    assert sorted(c.user_id for c in issued) == sorted(u.id for u in done)
    assert services.backfill() == []  # idempotent
    admin = make_user(roles=(Role.ADMIN,))
    services.revoke(issued[0], admin, "Sai thông tin")
    assert services.backfill() == []  # a revoked certificate is re-issued by an admin, not by backfill


def test_template_defaults_and_validation(app):
    owner = make_user(roles=(Role.TRAINER,))
    course = make_quiz_course(owner=owner)
    template = services.get_template(course)
    assert template.enabled and "BAN TUYÊN GIÁO" in template.issuing_body
    with pytest.raises(services.CertificateError):
        services.save_template(course, owner, **{**template.snapshot(), "enabled": True, "place": "  "})
    db.session.rollback()
    assert db.session.get(CertificateTemplate, course.id) is None


def test_demo_gives_templates_and_backfills_once(app):
    from courses.certificates import demo

    course = make_quiz_course()
    issued = complete(make_user(full_name="Nguyễn Thị Thu Hằng"), course)
    assert issued.template["signer_name"] == ""
    earlier = make_user(full_name="Trần Đức Lưỡng")
    enrolment.enroll(earlier, course)
    _enrollment(earlier, course).completed_at = COMPLETED  # completed before certificates existed
    db.session.commit()
    new = demo.load()
    db.session.commit()
    assert [c.full_name for c in new] == ["Trần Đức Lưỡng"]
    assert all(c.template["signer_name"] == "Đặng Thị Minh Nguyệt" for c in db.session.scalars(select(Certificate)))
    assert demo.load() == [] and _count() == 2
