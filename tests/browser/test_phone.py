"""On a 375 x 667 phone (issue 17.11): the header takes at most ~100 px, its menu folds under a
button that works without JavaScript, and data tables read as cards, each value under its column."""
import pytest

from courses import enrolment
from elearn import db
from elearn.permissions import Role
from tests.browser.conftest import CheckedPage, assert_accessible, sign_in
from tests.courses.factories import make_course, make_trainer
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 667}


def _phone(browser, javascript=True):
    return browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN", java_script_enabled=javascript)


def test_the_header_is_short_and_its_menu_opens_without_javascript(app, live_server, browser, tmp_path):
    make_user("quanly", full_name="Nguyễn Văn Quản Lý Trưởng Ban Tuyên Giáo", unit=make_unit("Tỉnh ủy"),
              roles=[Role.ADMIN, Role.TRAINER, Role.MANAGER])  # the most links of any account
    server = live_server()
    for javascript in (True, False):
        context = _phone(browser, javascript)
        page = CheckedPage(context.new_page(), javascript)  # every page it opens is checked
        try:
            sign_in(page, server.url, "quanly", PASSWORD)
            page.goto(server.url + "/")
            header = page.locator("header.top").bounding_box()
            page.screenshot(path=str(tmp_path / f"phone-header-{javascript}.png"))
            assert header["height"] <= 100, (header, str(tmp_path))
            menu = page.locator("details.menu-phone")
            assert not menu.locator("nav").is_visible()
            menu.locator("summary").click()
            link = menu.get_by_role("link", name="Quản trị")
            assert link.is_visible() and link.bounding_box()["height"] >= 44
            assert_accessible(page)  # the menu open
            page.assert_no_violations()
        finally:
            context.close()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_a_data_table_reads_as_cards_on_a_phone_and_as_a_table_on_a_desk(app, live_server, browser, viewport):
    trainer = make_trainer(username="trang")
    course = make_course(trainer, lessons=1)
    for n in range(2):
        enrolment.enroll(make_user(f"cb{n}", full_name=f"Cán bộ số {n}"), course)
    db.session.commit()
    server = live_server()
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE, locale="vi-VN")
    page = CheckedPage(context.new_page())
    try:
        sign_in(page, server.url, "trang", PASSWORD)
        page.goto(f"{server.url}/teach/{course.id}/learners")
        table = page.locator("main table.row-cards").first
        table.wait_for()
        if viewport is not PHONE:
            # The class that makes rows cards on a phone must not change the table on a desk (it once
            # shared its name with the home page's grid of cards: every data table became a grid).
            assert table.evaluate("t => getComputedStyle(t).display") == "table"
            head, cell = table.locator("thead th").first.bounding_box(), table.locator("tbody td").first.bounding_box()
            assert abs(head["x"] - cell["x"]) < 2 and cell["y"] > head["y"]  # the column under its heading
            return
        assert table.bounding_box()["width"] <= PHONE["width"]  # no sideways scroll
        cell = table.locator("tbody tr").first.locator("td").first
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert label.strip('"').endswith(": ") and len(label) > 4
        page.assert_no_violations()
    finally:
        context.close()
