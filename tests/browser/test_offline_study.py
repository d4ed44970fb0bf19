"""The installable app on a phone with no line at all (issue 21): the server is stopped and the
browser offline. A downloaded lesson opens and is marked done, and appears completed once the line
returns; the attempt page reloads from the phone with the answers kept on it; signing out clears
everything the phone kept."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from courses import enrolment
from courses.models import Enrollment, Progress
from elearn import db
from quizzes.models import AttemptState, QuizAttempt
from tests.browser.conftest import VIEWPORTS, CheckedPage, sign_in
from tests.courses.factories import items_of, make_course
from tests.factories import PASSWORD, make_user
from tests.quizzes.factories import enrolled_cadre, make_quiz

pytestmark = pytest.mark.browser

KEPT = """async () => ({caches: await caches.keys(),
                       databases: (await indexedDB.databases()).map(d => d.name)})"""


@pytest.fixture
def phone(request, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN", is_mobile=True)
    page = CheckedPage(context.new_page())
    page.set_default_timeout(15000)
    yield page
    context.close()
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.passed:
        page.assert_no_violations()


def _fresh():
    db.session.rollback()
    db.session.expire_all()


def _progress(cadre, item):
    _fresh()
    return db.session.scalar(select(Progress).where(Progress.user_id == cadre.id, Progress.item_id == item.id))


def _wait(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("not within the time")


def _line(page, server, up: bool) -> None:
    """No line at all: the browser offline and the server gone (the service worker's own requests too)."""
    if up:
        server.start()
        page.context.set_offline(False)
    else:
        page.context.set_offline(True)
        server.stop()


def _controlled(page) -> None:
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_a_lesson_read_offline_appears_completed_after_reconnecting(app, live_server, phone):
    page = phone
    course = make_course(lessons=2, title="Học tập Nghị quyết Đại hội")
    cadre = make_user("hang", full_name="Nguyễn Thị Thu Hằng")
    enrolment.enroll(cadre, course)
    db.session.commit()
    first, second = items_of(course)
    server = live_server()
    sign_in(page, server.url, "hang", PASSWORD)
    page.goto(f"{server.url}/courses/{course.slug}")
    _controlled(page)
    page.get_by_role("button", name="Tải về để học khi không có mạng").click()
    page.locator("#download-state").filter(has_text="Đã tải về").wait_for()
    assert _progress(cadre, second) is None  # downloading is not reading

    _line(page, server, up=False)
    page.goto(f"{server.url}/learn/{second.id}")
    assert "Nội dung bài 1.2" in page.locator("main").inner_text()
    page.locator("#done-form button").click()
    page.locator("#study-state").filter(has_text="lưu trên điện thoại").wait_for()
    page.goto(f"{server.url}/courses/{course.slug}")  # the outline too, from the phone
    assert "Bài 1.1" in page.locator("main").inner_text()

    _line(page, server, up=True)
    _wait(lambda: (p := _progress(cadre, second)) is not None and p.completed_at is not None)
    row = _progress(cadre, second)
    assert row.first_opened_at is not None and row.first_opened_at <= row.completed_at
    page.goto(f"{server.url}/learn/{second.id}")
    assert "Hoàn thành ngày" in page.locator("main").inner_text() or page.locator("#done-form").count() == 0
    assert _progress(cadre, first) is None or _progress(cadre, first).completed_at is None
    _fresh()
    assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == cadre.id)).completed_at is None

    # Signing out on a shared phone: nothing of this cadre stays on it.
    kept = page.evaluate(KEPT)
    assert any(name.startswith("elearn-pages") for name in kept["caches"])
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").first.click()
    page.wait_for_timeout(300)
    kept = page.evaluate(KEPT)
    assert not [c for c in kept["caches"] if c == "elearn-pages"] and "elearn-study" not in kept["databases"]


def test_the_attempt_page_reloads_from_the_phone_with_its_answers(app, live_server, phone):
    page = phone
    quiz = make_quiz(3, time_limit_minutes=60, per_page=0, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    sign_in(page, server.url, "hang", PASSWORD)
    page.goto(f"{server.url}/quizzes/item/{quiz.item_id}")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    _controlled(page)
    page.locator("#q1").get_by_label("Phương án 1").check()
    page.locator("#q1 .save-state").filter(has_text="Đã lưu lên máy chủ").wait_for()

    _line(page, server, up=False)
    page.locator("#q2").get_by_label("Phương án 1").check()
    page.locator("#q2 .save-state").filter(has_text="sẽ gửi").wait_for()
    page.reload()  # no line: the copy kept on the phone, and the answers kept with it
    expect(page.locator("#q1").get_by_label("Phương án 1")).to_be_checked()
    expect(page.locator("#q2").get_by_label("Phương án 1")).to_be_checked()
    page.locator("#q3").get_by_label("Phương án 2").check()
    page.locator("main").get_by_role("button", name="Kết thúc bài làm…").click()
    page.get_by_role("button", name="Nộp bài khi có mạng").click()

    _line(page, server, up=True)
    page.wait_for_url("**/review", timeout=20000)
    _fresh()
    done = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id))
    assert done.state == AttemptState.FINISHED and done.score == 2


def test_the_pages_of_an_attempt_opened_before_turn_with_no_line(app, live_server, phone):
    page = phone
    quiz = make_quiz(3, time_limit_minutes=60, per_page=1, shuffle_questions=False, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    sign_in(page, server.url, "hang", PASSWORD)
    page.goto(f"{server.url}/quizzes/item/{quiz.item_id}")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    _controlled(page)
    pages = page.get_by_role("navigation", name="Các trang")
    for number in ("2", "1"):  # opened once each, online: kept on the phone
        with page.expect_navigation():
            pages.get_by_role("button", name=number, exact=True).click()
    page.get_by_label("Phương án 1").check()
    page.locator("#q1 .save-state").filter(has_text="Đã lưu lên máy chủ").wait_for()

    _line(page, server, up=False)
    with page.expect_navigation():
        pages.get_by_role("button", name="2", exact=True).click()
    assert "Câu hỏi số 2?" in page.locator("main").inner_text()
    page.get_by_label("Phương án 1").check()
    page.locator("#q2 .save-state").filter(has_text="sẽ gửi").wait_for()
    pages.get_by_role("button", name="3", exact=True).click()  # never opened: it cannot be shown
    page.locator("#keep-state").filter(has_text="chuyển trang khi có mạng").wait_for()
    assert "Câu hỏi số 2?" in page.locator("main").inner_text()
    page.locator("main").get_by_role("button", name="Kết thúc bài làm…").click()
    page.get_by_role("button", name="Nộp bài khi có mạng").click()

    _line(page, server, up=True)
    page.wait_for_url("**/review", timeout=20000)
    _fresh()
    done = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id))
    assert done.state == AttemptState.FINISHED and done.score == 2
