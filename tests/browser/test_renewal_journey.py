"""A cadre whose certificate has expired studies the course again from "Chứng chỉ của tôi": the
course starts afresh (round 2), completing it issues a new certificate, and the old one verifies as
replaced, never as revoked."""
import pytest

from courses.certificates import codes, services
from elearn import db
from elearn.permissions import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.courses.certificates.factories import complete
from tests.courses.factories import make_course
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


def test_cadre_renews_an_expired_certificate_by_studying_again(app, live_server, page):
    cadre = make_user("hang", full_name="Nguyễn Thị Thu Hằng", unit=make_unit("Chi bộ thôn Tân Thành"),
                      roles=[Role.CADRE])
    course = make_course(title="Học tập Nghị quyết Đại hội XIII", lessons=2, complete_on_open=True)
    services.save_template(course, course.owner, **{**services.get_template(course).snapshot(),
                                                    "enabled": True, "validity": "12m"})
    db.session.commit()
    old = complete(cadre, course)  # completed in 2023: expired since 2024
    server = live_server()
    main = page.locator("main")

    sign_in(page, server.url, "hang", PASSWORD)
    page.goto(server.url + "/certificates/")
    assert "Đã hết hạn" in main.inner_text()
    assert_accessible(page)
    with page.expect_navigation():
        main.get_by_role("button", name="Học lại để gia hạn giấy chứng nhận").click()
    assert page.url.endswith(f"/courses/{course.slug}")
    assert "Đang gia hạn (lần học thứ 2)" in main.inner_text()
    assert_accessible(page)

    for n in (1, 2):  # each lesson completes when opened
        page.goto(f"{server.url}/courses/{course.slug}")
        with page.expect_navigation():
            main.get_by_role("link", name=f"Bài 1.{n}").first.click()
    page.goto(server.url + "/certificates/")
    text = main.inner_text()
    assert "Đã gia hạn: thay bằng" in text and "Học lại để gia hạn giấy chứng nhận" not in text
    new_code = main.locator("tbody tr").first.locator("code").inner_text()
    assert new_code != codes.grouped(old.code)

    page.goto(f"{server.url}/verify/{codes.grouped(old.code)}")
    text = main.inner_text()
    assert "Đã được thay thế" in text and new_code in text and "Đã thu hồi" not in text
    page.goto(f"{server.url}/verify/{new_code}")
    assert "Hợp lệ" in main.inner_text()
    assert_accessible(page)
