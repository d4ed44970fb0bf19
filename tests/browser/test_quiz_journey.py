"""A cadre takes a timed quiz in a real browser: each click is saved at once (a reload keeps it),
the timer counts down, and when it reaches zero the page submits itself."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn import db
from elearn.db import utcnow
from quizzes.models import AttemptState, QuizAttempt
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.quizzes.factories import enrolled_cadre, make_quiz

pytestmark = pytest.mark.browser


def _attempt(cadre) -> QuizAttempt:
    db.session.expire_all()
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id))


def test_answers_are_saved_as_given_and_time_up_submits(app, live_server, page):
    quiz = make_quiz(2, time_limit_minutes=10, per_page=0, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    sign_in(page, server.url, "hang", PASSWORD)
    page.goto(f"{server.url}/quizzes/item/{quiz.item_id}")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert_accessible(page)
    timer = page.locator("#quiz-timer .timer-value")
    first = timer.inner_text()
    page.wait_for_timeout(1500)
    assert timer.inner_text() != first  # counting down

    page.locator("#q1").get_by_label("Phương án 2").check()
    page.locator("#q1 .save-state", has_text="Đã lưu lên máy chủ").wait_for()
    assert _attempt(cadre).questions[0].response == {"choice": "b"}
    page.reload()
    assert page.locator("#q1").get_by_label("Phương án 2").is_checked()

    # Bring the deadline close: the page submits itself when the timer reaches zero.
    attempt = _attempt(cadre)
    attempt.deadline = utcnow() + timedelta(seconds=3)
    db.session.commit()
    page.reload()
    page.locator("#q2").get_by_label("Phương án 1").check()
    page.wait_for_url("**/review", timeout=15000)
    done = _attempt(cadre)
    assert done.state == AttemptState.FINISHED and done.score == 1
    assert "50,0 %" in page.content()


def test_a_quiz_of_several_pages_is_paged_by_number(app, live_server, page):
    """One question a page: the page-number buttons (44 x 44 px, checked on every page by the
    fixture) take the cadre to any page, the answers kept; then the summary and the review."""
    quiz = make_quiz(3, per_page=1, shuffle_questions=False, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    sign_in(page, server.url, "hang", PASSWORD)
    page.goto(f"{server.url}/quizzes/item/{quiz.item_id}")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    pages = page.get_by_role("navigation", name="Các trang")
    assert [b.inner_text() for b in pages.get_by_role("button").all()] == ["1", "2", "3"]
    for number in (3, 2):
        page.get_by_label("Phương án 1").check()
        with page.expect_navigation():
            pages.get_by_role("button", name=str(number), exact=True).click()
        assert f"Câu hỏi số {number}?" in page.locator("main").inner_text()  # questions in order
    page.get_by_label("Phương án 1").check()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Kết thúc bài làm…").click()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Nộp bài và kết thúc").click()
    done = _attempt(cadre)
    assert done.state == AttemptState.FINISHED and done.score == 3
    assert page.checked and not page.violations
