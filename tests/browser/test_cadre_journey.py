"""A cadre's whole course: first sign-in (password change), the assigned course from
"Khóa học của tôi", lessons marked done, the timed quiz (answers kept across a reload),
a pass, and the certificate PDF carrying their full name with its diacritics."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from elearn import db
from elearn.permissions import Role
from quizzes.models import QuizAttempt
from tests.browser.conftest import assert_accessible, menu, sign_in
from tests.factories import PASSWORD, make_unit
from tests.quizzes.factories import enrolled_cadre, make_quiz

pytestmark = pytest.mark.browser

NAME = "Nguyễn Thị Thu Hằng"
NEW_PASSWORD = "mat-khau-moi-2023"


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name).click()


def test_cadre_completes_a_course_and_downloads_the_certificate(app, live_server, page):
    unit = make_unit("Đảng ủy xã Tân Hòa")
    quiz = make_quiz(2, lessons=2, time_limit_minutes=10, per_page=0, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name=NAME, unit=unit, roles=[Role.CADRE],
                   must_change_password=True)
    server = live_server()

    # First sign-in: the password must be changed before anything else.
    sign_in(page, server.url, "hang", PASSWORD)
    assert page.url.endswith("/password")
    page.fill("#current", PASSWORD)
    page.fill("#new", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")

    # The assigned course, from "Khóa học của tôi".
    with page.expect_navigation():
        menu(page).get_by_role("link", name="Khóa học của tôi").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Bắt đầu học").click()

    # Two lessons, each read and marked done; marking one done moves on to the next item.
    for title in ("Bài 1.1", "Bài 1.2"):
        assert page.get_by_role("heading", level=1).inner_text() == title
        assert f"Nội dung bài {title[4:]}" in page.locator("main").inner_text()
        assert_accessible(page)
        _submit(page, "Đánh dấu hoàn thành")
    assert page.get_by_role("heading", level=1).inner_text() == "Bài kiểm tra cuối khóa"

    # The quiz: timer counts down, a click is saved at once and survives a reload.
    assert_accessible(page)
    _submit(page, "Bắt đầu làm bài")
    timer = page.locator("#quiz-timer .timer-value")
    first = timer.inner_text()
    page.wait_for_timeout(1500)
    assert timer.inner_text() != first
    assert_accessible(page)
    page.locator("#q1").get_by_label("Phương án 1").check()
    page.locator("#q1 .save-state", has_text="Đã lưu lên máy chủ").wait_for()
    # Stored on the server, not only kept by the browser's form restoration on reload.
    db.session.expire_all()
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id))
    assert attempt.questions[0].response == {"choice": "a"}
    page.reload()
    assert page.locator("#q1").get_by_label("Phương án 1").is_checked()
    page.locator("#q2").get_by_label("Phương án 1").check()
    page.locator("#q2 .save-state", has_text="Đã lưu lên máy chủ").wait_for()
    _submit(page, "Kết thúc bài làm…")
    assert_accessible(page)
    _submit(page, "Nộp bài và kết thúc")
    assert "100,0 %" in page.locator("main").inner_text()

    # The certificate, from "Chứng nhận của tôi".
    with page.expect_navigation():
        menu(page).get_by_role("link", name="Chứng nhận của tôi").click()
    assert_accessible(page)
    assert "Khóa học có bài kiểm tra" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.locator("main").get_by_role("link", name="Tải PDF").click()
    with open(download.value.path(), "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert NAME in text
