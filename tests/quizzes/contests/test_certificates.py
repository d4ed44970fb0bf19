"""Certificates of participation and prize: downloaded without an account by the entrant known in
the browser (phone and personal code), drawn and signed by the certificates engine (its verify page
and PDF check), one per entrant, round and kind; a prize only for a place in the published prize
list, revoked when the results are withdrawn."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from courses.certificates import queries as certificate_queries
from courses.certificates import verification as certificate_verification
from courses.certificates.models import Certificate
from courses.certificates.verification import Verdict
from elearn import db
from elearn.db import utcnow
from quizzes.contests import entries, results
from quizzes.contests.models import ContestEntrant
from tests.quizzes.contests.factories import make_contest, right_answers


def _seed(**values):
    contest, r = make_contest(prizes_first=1, prizes_second=0, prizes_third=0, prizes_consolation=0,
                              organiser_name="Ban Tuyên giáo Tỉnh ủy", **values)
    people = []
    for name, phone, wrong in (("Trần Thị Bình", "0987654321", 0), ("Lê Văn Nam", "0912000111", 3)):
        entrant = ContestEntrant(contest_id=contest.id, full_name=name, phone=phone, email=f"{phone}@example.vn",
                                 address="Thái Bình", unit_text="Hội Phụ nữ phường")
        db.session.add(entrant)
        db.session.flush()
        entry = entries.start_entry(r, entrant)
        entries.submit_entry(entry, right_answers(entry, wrong=wrong), "5")
        people.append(entrant)
    db.session.add(ContestEntrant(contest_id=contest.id, full_name="Đỗ Văn Khoa", phone="0912000222",
                                  email="k@example.vn", address="Thái Bình", unit_text="x"))  # never entered
    db.session.commit()
    return contest, r, people


def _as(client, contest, entrant):
    with client.session_transaction() as s:
        s["contest_entrants"] = {str(contest.id): entrant.id}


def _publish(r, contest):
    r.closes_at = utcnow() - timedelta(minutes=2)
    results.publish_results(r, contest.organiser)
    db.session.commit()


def test_participation_and_prize_certificates_are_signed_and_verifiable(app, client):
    contest, r, (binh, nam) = _seed()
    url = f"/contests/{contest.id}/rounds/{r.id}/certificate-participation.pdf"
    _as(client, contest, binh)
    r.closes_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    assert client.get(url).status_code == 404  # not before the results are published
    _publish(r, contest)

    page = client.get(f"/contests/{contest.id}/mine").get_data(as_text=True)
    assert "Giấy chứng nhận tham gia (PDF)" in page and "Giấy chứng nhận đạt giải (PDF)" in page
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    check = certificate_verification.check_pdf(first.data)
    assert check.verdict is Verdict.VALID and check.cert.full_name == "Trần Thị Bình"
    assert contest.title in check.cert.course_title and check.cert.template["wording"] == "Đã tham gia cuộc thi"
    again = certificate_verification.check_pdf(client.get(url).data)
    assert again.cert.code == check.cert.code  # the same certificate, not a new one per download
    prize = certificate_verification.check_pdf(client.get(url.replace("participation", "prize")).data)
    assert prize.verdict is Verdict.VALID and prize.cert.template["wording"].startswith("Đạt giải Nhất")
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
    verify = client.get(f"/verify/{check.cert.code}").get_data(as_text=True)
    assert "Trần Thị Bình" in verify

    _as(client, contest, nam)  # entered, no prize
    assert "đạt giải (PDF)" not in client.get(f"/contests/{contest.id}/mine").get_data(as_text=True)
    assert client.get(url.replace("participation", "prize")).status_code == 404
    assert client.get(url).status_code == 200

    khoa = db.session.scalar(select(ContestEntrant).where(ContestEntrant.full_name == "Đỗ Văn Khoa"))
    _as(client, contest, khoa)  # never entered: nothing
    assert client.get(url).status_code == 404
    assert db.session.scalar(select(func.count(Certificate.id))) == 3


def test_without_the_entrant_known_it_asks_for_phone_and_code(app, client):
    contest, r, _people = _seed()
    _publish(r, contest)
    response = client.get(f"/contests/{contest.id}/rounds/{r.id}/certificate-participation.pdf")
    assert response.status_code == 302 and "/identify" in response.headers["Location"]


def test_withdrawn_results_revoke_the_prize_certificates_only(app, client):
    contest, r, (binh, _nam) = _seed()
    _publish(r, contest)
    _as(client, contest, binh)
    base = f"/contests/{contest.id}/rounds/{r.id}/certificate-"
    taking_part = certificate_verification.check_pdf(client.get(base + "participation.pdf").data).cert.code
    prize = certificate_verification.check_pdf(client.get(base + "prize.pdf").data).cert.code
    results.withdraw_results(r, contest.organiser)
    db.session.commit()
    assert certificate_queries.verify(prize).revoked and not certificate_queries.verify(taking_part).revoked
