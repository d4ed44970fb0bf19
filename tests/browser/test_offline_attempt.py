"""A cadre takes a quiz on a phone whose line drops (issue 21): every answer is kept on the device
until the server confirms it, resent when the line returns, written on the server once and in
order; a submission made with no connection is graded once when the line returns; an answer that
reaches the server after the deadline is refused and named on the review page."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn import db
from elearn.db import utcnow
from quizzes.models import AttemptState, QuizAttempt
from tests.browser.conftest import VIEWPORTS, CheckedPage, sign_in
from tests.factories import PASSWORD
from tests.quizzes.factories import enrolled_cadre, make_quiz

pytestmark = pytest.mark.browser

LOCAL, WAITING, SERVER = "Đã lưu trên máy", "sẽ gửi lên máy chủ khi có mạng", "Đã lưu lên máy chủ"


@pytest.fixture
def phone(request, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN", is_mobile=True)
    page = CheckedPage(context.new_page())
    page.set_default_timeout(15000)
    yield page
    context.close()
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.passed:
        page.assert_no_violations()


class Line:
    """The phone's line to the answer-saving URL: ``pass`` (recording what the server wrote),
    ``cut`` (the request never leaves) or ``lost`` (the server gets it, the reply never comes back)."""

    # A commune's 3G: 400 ms each way, 400 kbit/s down, 150 up (Chromium's own throttling).
    SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 19_000}

    def __init__(self, page, slow: bool = False):
        self.page = page
        self.slow = page.context.new_cdp_session(page._page) if slow else None
        self.throttle()
        self.mode = "pass"
        self.written: list[int] = []  # the questions each save wrote, in the order the server wrote them
        self.sends = 0
        page.route("**/quizzes/attempt/*/save", self.handle)

    def offline(self, cut: bool) -> None:
        """The phone loses (or finds) its line. Playwright's own fetch for a routed request would
        pass while the context is offline: the route cuts it too."""
        self.page.context.set_offline(cut)
        self.mode = "cut" if cut else "pass"
        if not cut:
            self.throttle()

    def throttle(self, slow: bool = True) -> None:
        if self.slow is not None:  # set_offline resets the conditions: slow again after each
            self.slow.send("Network.emulateNetworkConditions", self.SLOW_3G if slow else {
                "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    def handle(self, route):
        if self.mode == "cut":
            route.abort("internetdisconnected")
            return
        response = route.fetch()
        self.sends += 1
        body = json.loads(response.text())
        self.written.extend(body.get("written") or [])
        if self.mode == "lost":
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)


def _attempt(cadre) -> QuizAttempt:
    db.session.rollback()  # a new snapshot: the server wrote meanwhile
    db.session.expire_all()
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id))


def _start(page, server, quiz) -> None:
    sign_in(page, server.url, "hang", PASSWORD)
    page.goto(f"{server.url}/quizzes/item/{quiz.item_id}")
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def _choice(n: int) -> str:
    return f"Phương án {n % 4 + 1}"


def _state(page, n: int):
    return page.locator(f"#q{n} .save-state")


def test_twenty_answers_survive_five_cuts_and_two_reloads_written_once_in_order(app, live_server, phone):
    """On a throttled 3G line, cut five times; reloaded twice with answers not yet on the server."""
    page = phone
    quiz = make_quiz(20, time_limit_minutes=60, per_page=0, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    _start(page, server, quiz)
    line = Line(page, slow=True)

    def answer(n: int) -> None:
        page.locator(f"#q{n}").get_by_label(_choice(n)).check()

    def confirmed(*numbers: int) -> None:
        for n in numbers:
            _state(page, n).filter(has_text=SERVER).wait_for()

    n = 1
    for cut in range(5):
        answer(n)
        confirmed(n)
        n += 1
        # The line drops: the phone says it is offline; two answers are kept on the device.
        line.offline(True)
        for m in (n, n + 1):
            answer(m)
            _state(page, m).filter(has_text=WAITING).wait_for()
        if cut == 1:  # a change of mind while offline: only the last answer is ever sent
            page.locator(f"#q{n}").get_by_label(_choice(n + 1)).check()
            page.locator(f"#q{n}").get_by_label(_choice(n)).check()
        assert _attempt(cadre).questions[n - 1].response is None  # not on the server yet
        line.offline(False)
        confirmed(n, n + 1)  # sent by themselves when the line returns
        n += 2
    assert n == 16

    # A line that fails without the phone noticing, then a reload (twice): the answers come back
    # from the device into the page, then reach the server.
    for reload in range(2):
        line.mode = "cut" if reload == 0 else "lost"  # the second time the server gets them, the replies are lost
        answer(n)
        answer(n + 1)
        _state(page, n + 1).filter(has_text=WAITING).wait_for()
        # Reloaded at the top: scrolled down, the sticky timer covers choices, which the accessibility
        # walk reports (target-size) whether or not anything was kept on the phone.
        page.evaluate("window.scrollTo(0, 0)")
        page.reload()
        for m in (n, n + 1):
            assert page.locator(f"#q{m}").get_by_label(_choice(m)).is_checked()
        line.mode = "pass"
        confirmed(n, n + 1)  # the retry every few seconds
        n += 2
    answer(20)
    confirmed(20)

    done = _attempt(cadre)
    letters = "abcd"
    assert [q.response for q in done.questions] == [{"choice": letters[i % 4]} for i in range(1, 21)]
    assert line.written == list(range(1, 21))  # every answer written once, in order, though some were sent twice
    assert line.sends > 20
    # Nothing left on the device: a reload shows the server's answers and sends nothing.
    sends = line.sends
    page.reload()
    page.wait_for_timeout(500)
    assert line.sends == sends and page.locator("#q20").get_by_label(_choice(20)).is_checked()


def test_a_submission_made_offline_is_graded_once_when_the_line_returns(app, live_server, phone):
    page = phone
    quiz = make_quiz(3, time_limit_minutes=60, per_page=0, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    _start(page, server, quiz)
    line = Line(page)
    page.locator("#q1").get_by_label("Phương án 1").check()
    _state(page, 1).filter(has_text=SERVER).wait_for()
    line.offline(True)
    page.locator("#q2").get_by_label("Phương án 1").check()
    page.locator("#q3").get_by_label("Phương án 2").check()
    page.locator("main").get_by_role("button", name="Kết thúc bài làm…").click()
    page.get_by_role("button", name="Nộp bài khi có mạng").click()
    page.locator("#keep-state").filter(has_text="bài nộp của bạn đã lưu trên máy").wait_for()
    page.wait_for_timeout(300)
    assert _attempt(cadre).state == AttemptState.IN_PROGRESS
    line.offline(False)
    page.wait_for_url("**/review")
    page.check()
    done = _attempt(cadre)
    assert done.state == AttemptState.FINISHED and done.score == 2 and not done.auto_submitted
    finished_at = done.finished_at
    # The same submission sent again (a retry whose reply was lost): graded once, nothing changes.
    again = page.evaluate("""([url, key]) => {
        const data = new FormData();
        data.append("csrf_token", document.querySelector("input[name=csrf_token]").value);
        data.append("submit_key", key);
        return fetch(url, {method: "POST", body: data}).then(r => r.status);
    }""", [f"{server.url}/quizzes/attempt/{done.id}/submit", done.submit_key])
    assert again == 200
    after = _attempt(cadre)
    assert after.finished_at == finished_at and after.score == 2
    assert "không được tính" not in page.locator("main").inner_text()


def test_answers_that_reach_the_server_after_the_deadline_are_named_as_not_counted(app, live_server, phone):
    page = phone
    quiz = make_quiz(3, time_limit_minutes=60, per_page=0, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    _start(page, server, quiz)
    line = Line(page)
    page.locator("#q1").get_by_label("Phương án 1").check()
    _state(page, 1).filter(has_text=SERVER).wait_for()
    line.offline(True)
    page.locator("#q2").get_by_label("Phương án 1").check()
    page.locator("#q3").get_by_label("Phương án 1").check()
    _state(page, 3).filter(has_text=WAITING).wait_for()
    attempt = _attempt(cadre)
    attempt.deadline = utcnow() - timedelta(seconds=30)  # the time ran out while the line was down
    db.session.commit()
    line.offline(False)
    page.wait_for_url("**/review")
    page.check()
    notice = page.locator("#not-counted")
    notice.wait_for()
    assert "không được tính: câu 2, 3" in notice.inner_text()
    done = _attempt(cadre)
    assert done.state == AttemptState.FINISHED and done.auto_submitted and done.score == 1
    # Said once: the device forgets them.
    page.reload()
    page.wait_for_timeout(300)
    assert not page.locator("#not-counted").is_visible()


def test_the_page_answer_wins_over_one_stored_under_a_higher_number(app, live_server, phone):
    """Another device, or a phone whose clock went back: the server holds a different answer under a
    higher number; the page's answer (the cadre's latest) is sent again above it and stored."""
    page = phone
    quiz = make_quiz(2, time_limit_minutes=60, per_page=0, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    _start(page, server, quiz)
    line = Line(page)
    page.locator("#q1").get_by_label("Phương án 1").check()
    _state(page, 1).filter(has_text=SERVER).wait_for()
    row = _attempt(cadre).questions[0]
    row.response, row.answer_seq = {"choice": "d"}, 2**52  # from a device whose clock is far ahead
    db.session.commit()
    page.locator("#q1").get_by_label("Phương án 2").check()
    page.wait_for_timeout(300)
    _state(page, 1).filter(has_text=SERVER).wait_for()
    stored = _attempt(cadre).questions[0]
    assert stored.response == {"choice": "b"} and stored.answer_seq == 2**52 + 1
    assert line.written == [1, 1]


def test_signing_out_with_answers_not_yet_sent_asks_first(app, live_server, phone):
    page = phone
    quiz = make_quiz(2, time_limit_minutes=60, per_page=0, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    _start(page, server, quiz)
    line = Line(page)
    line.mode = "cut"  # a weak line: the answer stays on the phone
    page.locator("#q1").get_by_label("Phương án 1").check()
    _state(page, 1).filter(has_text=WAITING).wait_for()
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.get_by_role("button", name="Đăng xuất").first.click()
    page.wait_for_timeout(500)
    assert asked and "chưa gửi lên máy chủ" in asked[0] and "/quizzes/attempt/" in page.url
    page.once("dialog", lambda d: answer(d, True))
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").first.click()
    page.wait_for_url("**/login")
    assert len(asked) == 2 and _attempt(cadre).questions[0].response is None
    assert "elearn-quiz" not in page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)")


def test_time_running_out_with_no_line_submits_when_it_returns(app, live_server, phone):
    """The timer reaches zero offline: the submission waits on the phone; the server grades what it
    got before the deadline, and names the answer that came too late."""
    page = phone
    quiz = make_quiz(2, time_limit_minutes=60, per_page=0, shuffle_choices=False)
    cadre = enrolled_cadre(quiz, username="hang", full_name="Nguyễn Thị Thu Hằng")
    server = live_server()
    _start(page, server, quiz)
    line = Line(page)
    attempt = _attempt(cadre)
    attempt.deadline = utcnow() + timedelta(seconds=6)
    db.session.commit()
    page.reload()
    page.locator("#q1").get_by_label("Phương án 1").check()
    _state(page, 1).filter(has_text=SERVER).wait_for()
    line.offline(True)
    page.locator("#q2").get_by_label("Phương án 1").check()
    page.locator("#keep-state").filter(has_text="bài nộp của bạn đã lưu trên máy").wait_for(timeout=15000)
    # Past the grace too, with room: the page's timer may reach zero up to ~1.5 s before the server's
    # deadline (whole seconds, rounded), so 2.5 s could still land inside the 2 s grace.
    page.wait_for_timeout(4500)
    line.offline(False)
    page.wait_for_url("**/review")
    page.check()
    page.locator("#not-counted").filter(has_text="câu 2").wait_for()
    done = _attempt(cadre)
    assert done.state == AttemptState.FINISHED and done.auto_submitted and done.score == 1
