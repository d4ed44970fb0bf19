"""Renewal by re-completion (issue 19 item 4): a new round, a new certificate, the old one replaced."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from courses.certificates import queries, renewal, services, verification
from courses.certificates.models import Certificate
from courses.models import Enrollment, EnrollmentRound, Progress, ProgressHistory
from courses.progress import complete_item
from elearn import db
from elearn.db import utcnow
from quizzes import answering, attempts
from tests.courses.certificates.factories import complete, make_quiz_course
from tests.courses.factories import items_of
from tests.factories import make_user
from tests.quizzes.factories import enrolled_cadre, make_quiz, right_answers


def _expiring_course(validity: str = "12m"):
    course = make_quiz_course()
    services.save_template(course, course.owner, **{**services.get_template(course).snapshot(),
                                                    "enabled": True, "validity": validity})
    db.session.commit()
    return course


def _enrollment(user, course) -> Enrollment:
    return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id))


def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def test_an_expired_certificate_is_renewed_by_completing_again(app):
    course, cadre = _expiring_course(), make_user()
    old = complete(cadre, course)  # 2023: long expired
    assert old.expired_on(services.today()) and renewal.in_window(old)
    assert renewal.offer_for(cadre, course).id == old.id

    enrollment, started = renewal.start(cadre, old.code)
    db.session.commit()
    assert started and enrollment.round == 2 and enrollment.renewing
    assert enrollment.completed_at is not None  # the last completion still counts in the statistics
    assert _count(Progress, user_id=cadre.id) == 0
    assert _count(ProgressHistory, user_id=cadre.id, round=1) == len(items_of(course))
    kept = db.session.scalar(select(EnrollmentRound).where(EnrollmentRound.enrollment_id == enrollment.id))
    assert kept.round == 1 and kept.completed_at == old.completed_at
    assert renewal.offer_for(cadre, course) is None  # under way: nothing more to offer

    # A replayed POST starts nothing twice.
    again, started = renewal.start(cadre, old.code)
    assert not started and again.round == 2 and _count(EnrollmentRound) == 1

    lesson, quiz = items_of(course)
    complete_item(cadre, lesson)
    assert _count(Certificate, user_id=cadre.id) == 1  # not complete yet: no new certificate
    complete_item(cadre, quiz, score=90.0)
    db.session.commit()
    enrollment = _enrollment(cadre, course)
    assert not enrollment.renewing and enrollment.completed_at > old.completed_at
    new = db.session.scalar(select(Certificate).where(Certificate.user_id == cadre.id, Certificate.live))
    db.session.refresh(old)
    assert new.id != old.id and new.code != old.code
    assert new.expires_on > services.today() and not new.expired_on(services.today())
    assert old.replaced_at is not None and old.replaced_by_id == new.id and not old.revoked
    assert queries.verify(old.code).replaced_by.code == new.code
    # The old one is never revoked: its QR payload verifies as replaced, the new one as valid.
    assert verification.check_payload(verification.token_for(old)).verdict is verification.Verdict.REPLACED
    assert verification.check_payload(verification.token_for(new)).verdict is verification.Verdict.VALID
    # Renewed: the renewal round is done, and a replay of the old form starts nothing.
    assert renewal.start(cadre, old.code)[1] is False and _enrollment(cadre, course).round == 2


def test_a_still_valid_certificate_is_renewed_only_in_its_window(app):
    course, cadre = _expiring_course(), make_user()
    cert = complete(cadre, course, at=utcnow())
    assert not renewal.in_window(cert) and renewal.offer_for(cadre, course) is None
    with pytest.raises(services.CertificateError, match="gia hạn từ|renewed from"):
        renewal.start(cadre, cert.code)
    assert _enrollment(cadre, course).round == 1 and _count(Progress, user_id=cadre.id) == 2
    assert renewal.in_window(cert, cert.expires_on - renewal.RENEWAL_WINDOW)
    assert not renewal.in_window(cert, cert.expires_on - renewal.RENEWAL_WINDOW - timedelta(days=1))


def test_no_renewal_of_someone_elses_or_a_revoked_or_endless_certificate(app):
    course, cadre, other = _expiring_course(), make_user(), make_user()
    cert = complete(cadre, course)
    with pytest.raises(renewal.CertificateNotFound):
        renewal.start(other, cert.code)
    with pytest.raises(renewal.CertificateNotFound):
        renewal.start(cadre, "AAAA-BBBB-CCCC")
    services.revoke(cert, make_user(), "cấp nhầm người")
    with pytest.raises(services.CertificateError):
        renewal.start(cadre, cert.code)
    forever = make_quiz_course("Khóa học không hết hạn")
    endless = complete(cadre, forever)
    assert endless.expires_on is None and renewal.offer_for(cadre, forever) is None
    with pytest.raises(services.CertificateError):
        renewal.start(cadre, endless.code)
    assert _count(EnrollmentRound) == 0


def test_quiz_attempts_count_per_round(app):
    quiz = make_quiz(1, attempts_allowed=1, pass_percent=50)
    course = quiz.item.course
    services.save_template(course, course.owner, **{**services.get_template(course).snapshot(),
                                                    "enabled": True, "validity": "6m"})
    cadre = enrolled_cadre(quiz)
    first = attempts.start_attempt(quiz, cadre, now=utcnow() - timedelta(days=400))
    answering.save_answers(first, cadre, right_answers(first), now=first.started_at)
    attempts.submit_attempt(first, cadre, now=first.started_at + timedelta(minutes=5))
    db.session.commit()
    old = db.session.scalar(select(Certificate).where(Certificate.user_id == cadre.id))
    assert old is not None and old.expired_on(services.today())
    with pytest.raises(attempts.QuizError):
        attempts.plan_attempt(quiz, cadre)  # the one attempt allowed is used

    renewal.start(cadre, old.code)
    db.session.commit()
    assert attempts.attempts_of(quiz, cadre) == []  # the first round's attempt is history
    second = attempts.start_attempt(quiz, cadre)
    assert second.number == 2
    answering.save_answers(second, cadre, right_answers(second))
    attempts.submit_attempt(second, cadre)
    db.session.commit()
    new = db.session.scalar(select(Certificate).where(Certificate.user_id == cadre.id, Certificate.live))
    assert new.id != old.id and _enrollment(cadre, course).renewing is False
    with pytest.raises(attempts.QuizError):
        attempts.plan_attempt(quiz, cadre)  # one attempt per round


# --- through the pages -------------------------------------------------------------------------

def test_renewal_through_the_pages(app, login):
    course, cadre, other = _expiring_course(), make_user(), make_user()
    old = complete(cadre, course)
    theirs = complete(other, course)
    client = login(cadre)
    mine = client.get("/certificates/").get_data(as_text=True)
    assert "Học lại để gia hạn giấy chứng nhận" in mine and f"/certificates/{old.code}/renew" in mine
    outline = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Học lại để gia hạn giấy chứng nhận" in outline and "đã hết hạn" in outline

    assert client.post(f"/certificates/{theirs.code}/renew").status_code == 404  # not theirs: not there
    assert _enrollment(other, course).round == 1

    response = client.post(f"/certificates/{old.code}/renew")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/courses/{course.slug}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đang gia hạn (lần học thứ 2)" in page and "Học lại để gia hạn giấy chứng nhận" not in page
    replay = client.post(f"/certificates/{old.code}/renew", follow_redirects=True).get_data(as_text=True)
    assert "đang được gia hạn" in replay and _enrollment(cadre, course).round == 2
    assert _count(EnrollmentRound) == 1


def test_a_valid_certificate_outside_its_window_is_refused_on_the_page(app, login):
    course, cadre = _expiring_course(), make_user()
    cert = complete(cadre, course, at=utcnow())
    client = login(cadre)
    assert "Học lại để gia hạn giấy chứng nhận" not in client.get("/certificates/").get_data(as_text=True)
    page = client.post(f"/certificates/{cert.code}/renew", follow_redirects=True).get_data(as_text=True)
    assert "có thể gia hạn từ" in page and _enrollment(cadre, course).round == 1


def test_a_replaced_certificate_verifies_as_replaced(app, client):
    course, cadre = _expiring_course(), make_user()
    old = complete(cadre, course)
    renewal.start(cadre, old.code)
    for item in items_of(course):
        complete_item(cadre, item, score=90.0)
    db.session.commit()
    new = db.session.scalar(select(Certificate).where(Certificate.user_id == cadre.id, Certificate.live))
    from courses.certificates import codes
    page = client.get(f"/verify/{codes.grouped(old.code)}").get_data(as_text=True)
    assert "Đã được thay thế" in page and codes.grouped(new.code) in page and "Đã thu hồi" not in page
    answer = client.get(f"/verify/{codes.grouped(old.code)}.json").get_json()
    assert answer["status"] == "replaced" and answer["replaced_by"] == codes.grouped(new.code)
    assert client.get(f"/verify/{codes.grouped(new.code)}.json").get_json()["status"] == "valid"
