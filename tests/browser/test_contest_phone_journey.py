"""One person, one entrant, in the browser: a member of the public comes back with phone and personal
code, is sent to verify their phone before entering, gets a code texted through the SMS gateway (a local
server stands in for it), mistypes it once, types it right, and enters the round."""
import pytest
from sqlalchemy import select

from elearn import db
from quizzes.contests import registration
from quizzes.contests.models import ContestEntrant
from tests.browser.conftest import assert_accessible
from tests.elearn.test_channels import Provider
from tests.quizzes.contests.factories import make_contest

pytestmark = pytest.mark.browser

CODE = "HK7M2QXP"


@pytest.fixture
def provider():
    p = Provider()
    p.answer = {"id": "sms-1"}
    yield p
    p.close()


def test_a_visitor_verifies_their_phone_before_the_first_entry(app, live_server, page, provider):
    texting = {"SMS_GATEWAY_URL": provider.url + "/send", "SMS_GATEWAY_TOKEN": "gw-token"}
    app.config.update(texting)
    contest, r = make_contest(title="Tìm hiểu Hiến pháp", require_phone=True)
    db.session.add(ContestEntrant(contest_id=contest.id, full_name="Trần Thị Bình", phone="0987654321",
                                  email="binh@example.vn", address="Thái Bình", unit_text="Hội Phụ nữ phường",
                                  code_hash=registration._hash_code(CODE)))
    db.session.commit()
    server = live_server(**texting)
    main = page.locator("main")

    page.goto(f"{server.url}/contests/{contest.id}")
    assert "Mỗi số điện thoại một người dự thi" in main.inner_text()
    with page.expect_navigation():
        main.get_by_role("link", name="Tôi đã đăng ký").click()
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Mã dự thi cá nhân").fill(CODE)
    with page.expect_navigation():
        main.get_by_role("button", name="Tiếp tục").click()
    with page.expect_navigation():
        main.get_by_role("button", name="Vào thi").click()
    assert page.url.endswith(f"/contests/{contest.id}/phone")  # not verified yet: no entry
    assert "098•••••321" in main.inner_text()
    assert_accessible(page)

    with page.expect_navigation():
        main.get_by_role("button", name="Gửi mã cho tôi").click()
    assert "Mã đã được gửi tới" in page.locator("body").inner_text()
    sent = provider.requests[-1]
    assert sent["body"]["to"] == "84987654321" and sent["headers"]["authorization"] == "Bearer gw-token"
    code = next(w for w in sent["body"]["text"].replace(".", " ").split() if w.isdigit() and len(w) == 6)

    page.get_by_label("Mã xác minh").fill("000000" if code != "000000" else "111111")
    with page.expect_navigation():
        main.get_by_role("button", name="Xác thực").click()
    assert "Số lần thử còn lại: 4" in page.locator("body").inner_text()
    page.get_by_label("Mã xác minh").fill(code)
    with page.expect_navigation():
        main.get_by_role("button", name="Xác thực").click()
    assert page.url.endswith(f"/contests/{contest.id}")
    assert "đã được xác minh" in page.locator("body").inner_text()
    with page.expect_navigation():
        main.get_by_role("button", name="Vào thi").click()
    assert "/contests/entries/" in page.url
    db.session.rollback()  # end this session's read snapshot: the server wrote meanwhile
    binh = db.session.scalars(select(ContestEntrant)).one()
    assert binh.phone_verified_at is not None
