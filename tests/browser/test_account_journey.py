"""A new cadre signs in, is made to choose a password, and reaches the home page."""
import pytest

from elearn.permissions import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


def test_first_sign_in_forces_password_change(app, live_server, page):
    unit = make_unit("Tỉnh ủy Thái Bình")
    make_user("hang", full_name="Nguyễn Thị Thu Hằng", unit=unit, roles=[Role.CADRE], must_change_password=True)
    server = live_server()

    page.goto(server.url + "/login")
    assert_accessible(page)
    sign_in(page, server.url, "hang", PASSWORD)
    assert page.url.endswith("/password")
    assert_accessible(page)
    page.fill("#current", PASSWORD)
    page.fill("#new", "mat-khau-moi-2023")
    page.fill("#confirm", "mat-khau-moi-2023")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Xin chào, Nguyễn Thị Thu Hằng" in page.content()
    assert_accessible(page)

    # Sign out and in again with the new password: no more forced change.
    with page.expect_navigation():
        page.locator("header form button", has_text="Đăng xuất").click()
    sign_in(page, server.url, "hang", "mat-khau-moi-2023")
    assert page.url == server.url + "/"


def test_wrong_password_shows_the_generic_message(app, live_server, page):
    make_user("luong", full_name="Trần Đức Lưỡng")
    server = live_server()
    sign_in(page, server.url, "luong", "sai-mat-khau")
    assert "Sai tên đăng nhập hoặc mật khẩu." in page.content()


def test_sign_in_with_the_keyboard_alone(app, live_server, page):
    make_user("tuan", full_name="Vũ Anh Tuấn")
    server = live_server()
    page.goto(server.url + "/login")
    for _ in range(10):  # Tab through the header until the username field has focus
        if page.evaluate("document.activeElement && document.activeElement.id") == "username":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("tuan")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Xin chào, Vũ Anh Tuấn" in page.content()
