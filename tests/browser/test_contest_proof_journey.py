"""A member of the public checks their contest entry on another device: the contest page states the
ranking order; the results page publishes the Merkle root and the ranking file; with phone and
personal code they reach "My entries" (their rank) and "Check my entry" (their line and Merkle path),
and the downloaded file checks against the root without the platform."""
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from courses.certificates import services as certificate_services
from courses.certificates.models import Certificate
from elearn import db
from elearn.db import utcnow
from elearn.permissions import Role
from quizzes.contests import entries, proof, registration, results, signature
from quizzes.contests.models import ContestEntrant, ContestRankingFile
from tests.browser.conftest import assert_accessible
from tests.factories import make_user
from tests.quizzes.contests.factories import make_contest, right_answers

pytestmark = pytest.mark.browser

CODE = "HK7M2QXP"


def _seed():
    contest, r = make_contest(title="Tìm hiểu lịch sử Đảng bộ tỉnh")
    binh = ContestEntrant(contest_id=contest.id, full_name="Trần Thị Bình", phone="0987654321",
                          email="binh@example.vn", address="Thái Bình", unit_text="Hội Phụ nữ phường",
                          code_hash=registration._hash_code(CODE))
    db.session.add(binh)
    db.session.flush()
    players = [(binh, 0, "4")] + [(registration.cadre_entrant(contest, make_user(roles=[Role.CADRE])), w, g)
                                  for w, g in ((0, "2"), (1, "3"), (0, "9"))]
    for entrant, wrong, guess in players:
        entry = entries.start_entry(r, entrant)
        entries.submit_entry(entry, right_answers(entry, wrong=wrong), guess)
    r.closes_at = utcnow() - timedelta(minutes=2)
    results.publish_results(r, contest.organiser)
    db.session.commit()
    return contest, r


def test_visitor_checks_their_entry_against_the_published_root(app, live_server, page, tmp_path):
    contest, r = _seed()
    root = db.session.get(ContestRankingFile, r.id).merkle_root
    server = live_server(CERTIFICATE_KEY_DIR=str(certificate_services.key_folder()))  # one keyring for all servers
    main = page.locator("main")

    page.goto(f"{server.url}/contests/{contest.id}")
    assert "Cách xếp hạng các lượt thi" in main.inner_text()
    with page.expect_navigation():
        main.get_by_role("link", name="Kết quả").click()
    assert root in main.inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        main.get_by_role("link", name="Tải tệp xếp hạng (CSV)").click()
    saved = tmp_path / "ranking.csv"
    download.value.save_as(saved)
    assert proof.verify_file(saved.read_bytes(), root).entries == 4
    with page.expect_download() as download:
        main.get_by_role("link", name="Tải chữ ký của tệp (JWS)").click()
    token = (download.value.path().read_text()).strip()
    jwks = requests.get(f"{server.url}/.well-known/jwks.json", timeout=10).json()
    assert signature.verify(saved.read_bytes(), token, jwks)[0].root == root  # signed by the server's key

    with page.expect_navigation():
        main.get_by_role("link", name="Kiểm tra lượt thi của tôi").click()
    assert "/identify" in page.url  # a new device: phone and personal code first
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Mã dự thi cá nhân").fill(CODE.lower())
    with page.expect_navigation():
        main.get_by_role("button", name="Tiếp tục").click()
    assert page.url.endswith(f"/contests/{contest.id}/mine")
    text = main.inner_text()
    assert "Các lượt thi của tôi" in text and "trên 4" in text and "Trần Thị Bình" in text
    assert_accessible(page)
    with page.expect_download() as download:  # the certificate of participation, no account needed
        main.get_by_role("link", name="Giấy chứng nhận tham gia (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf  # signed by the certificates engine
    db.session.rollback()  # end this session's read snapshot: the server issued the certificate meanwhile
    cert = db.session.scalars(select(Certificate)).one()
    assert cert.full_name == "Trần Thị Bình" and cert.template["wording"] == "Đã tham gia cuộc thi"
    page.goto(f"{server.url}/verify/{cert.code}")
    assert "Trần Thị Bình" in main.inner_text()
    page.go_back()

    with page.expect_navigation():
        main.get_by_role("link", name="Kiểm tra lượt thi của tôi").click()
    text = main.inner_text()
    assert root in text and "Đường dẫn Merkle" in text
    _meta, lines = proof.lines_of(saved.read_bytes())
    mine = next(x for x in lines if x.split(",")[3] == "4")
    assert mine in text and all(x not in text for x in lines if x != mine)
    assert_accessible(page)
