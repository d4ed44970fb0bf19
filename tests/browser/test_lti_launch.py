"""LTI 1.3 in a real browser: a platform (simulated on loopback) shows a quiz of elearn in its
frame; the cadre is created, signed in and enrolled by the launch, takes the quiz in the frame, and
the platform receives the grade from the job worker (AGS)."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from elearn import db
from elearn.lti import services
from elearn.lti.models import LtiIdentity
from tests.elearn.lti_platform import Platform
from tests.factories import make_unit, make_user
from tests.quizzes.factories import make_quiz

pytestmark = pytest.mark.browser


def test_a_quiz_launched_in_the_platforms_frame_sends_its_grade_back(app, live_server, page):
    quiz = make_quiz(1, per_page=1, shuffle_choices=False)
    with Platform() as platform:
        row = services.create_platform(make_user(roles=("admin",)), **platform.registration(make_unit("Huyện ủy Vũ Thư")))
        db.session.commit()
        platform.tool_jwk = services.public_jwk(row)
        platform.custom = {"quiz": str(quiz.item_id)}
        server = live_server()
        platform.tool_url = server.url

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
    db.session.expire_all()
    user = db.session.scalar(select(LtiIdentity)).user
    assert user.full_name == "Nguyễn Thị Hằng"
