"""LTI 1.3 in a real browser: an administrator registers a platform (simulated on loopback), which
then shows a quiz of elearn in its frame; the cadre is created, signed in and enrolled by the
launch, takes the quiz in the frame, and the platform receives the grade from the job worker (AGS)."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from elearn import db
from elearn.lti import services
from elearn.lti.models import LtiIdentity, LtiPlatform
from tests.browser.conftest import sign_in
from tests.elearn.lti_platform import Platform
from tests.factories import PASSWORD, make_unit, make_user
from tests.quizzes.factories import make_quiz

pytestmark = pytest.mark.browser


def test_a_quiz_launched_in_the_platforms_frame_sends_its_grade_back(app, live_server, page):
    quiz = make_quiz(1, per_page=1, shuffle_choices=False)
    make_user("quantri", roles=("admin",))
    unit = make_unit("Huyện ủy Vũ Thư")
    with Platform() as platform:
        platform.custom = {"quiz": str(quiz.item_id)}
        server = live_server()
        platform.tool_url = server.url

        # The administrator registers the platform (the page then shows the tool's addresses).
        sign_in(page, server.url, "quantri", PASSWORD)
        page.goto(server.url + "/admin/lti")
        given = platform.registration(unit)
        for label, field in (("Tên", "name"), ("Định danh nền tảng (iss)", "issuer"),
                             ("Mã client (client ID)", "client_id"),
                             ("Mã triển khai (deployment ID), mỗi dòng một mã", "deployment_ids"),
                             ("Địa chỉ xác thực (đăng nhập)", "auth_login_url"),
                             ("Địa chỉ cấp mã truy cập (token)", "auth_token_url"),
                             ("Địa chỉ bộ khóa công khai (JWKS)", "key_set_url")):
            page.get_by_label(label, exact=True).fill(given[field])
        page.get_by_label("Đơn vị của các tài khoản được tạo qua nền tảng").select_option(
            label=f"{unit.name} ({unit.code})")
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name="Đăng ký").click()
        assert "Đã đăng ký nền tảng" in page.content() and "/lti/jwks.json" in page.content()
        db.session.commit()  # a fresh snapshot: the server wrote the platform
        platform.tool_jwk = services.public_jwk(db.session.scalar(select(LtiPlatform)))
        db.session.commit()

        page.goto(platform.url + "/course")
        frame = page.frame_locator("iframe")
        frame.get_by_role("button", name="Tiếp tục").click()  # the platform posts the id_token
        frame.get_by_role("button", name="Bắt đầu làm bài").click()  # start the attempt, in the frame
        frame.get_by_label("Phương án 1").check()
        frame.locator("main").get_by_role("button", name="Kết thúc bài làm…").click()
        frame.locator("main").get_by_role("button", name="Nộp bài và kết thúc").click()
        frame.locator("main").get_by_text("100,0 %").first.wait_for()

        deadline = time.monotonic() + 20
        while not platform.scores and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [s["body"]["scoreGiven"] for s in platform.scores] == [100]
        assert platform.scores[0]["body"]["userId"] == "moodle-user-42"
    db.session.commit()  # a fresh snapshot: the server wrote the account
    user = db.session.scalar(select(LtiIdentity)).user
    assert user.full_name == "Nguyễn Thị Hằng"
