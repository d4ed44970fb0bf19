"""An administrator makes a service token for the HR system in the browser, reads it once, the
system uses it against the live server, and the administrator revokes it."""
import pytest
import requests

from elearn.permissions import Role
from tests.browser.conftest import assert_accessible, menu, sign_in
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


def test_admin_makes_uses_and_revokes_a_service_token(app, live_server, page):
    province = make_unit("Tỉnh ủy Thái Bình", code="TB")
    make_unit("Huyện ủy Vũ Thư", province, code="TB-VT")
    make_user("quantri", roles=[Role.ADMIN], unit=province, full_name="Nguyễn Văn Quản")
    server = live_server()
    sign_in(page, server.url, "quantri", PASSWORD)

    with page.expect_navigation():
        menu(page).get_by_role("link", name="Mã truy cập API").click()
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Mã truy cập dịch vụ").click()
    assert_accessible(page)
    page.get_by_label("Tên (mã dùng để làm gì)").fill("Phần mềm quản lý cán bộ")
    page.get_by_label("Đọc danh sách đơn vị").check()
    page.get_by_label("Đọc danh sách tài khoản").check()
    page.get_by_label("Chỉ các đơn vị thuộc").select_option(label="— Huyện ủy Vũ Thư (TB-VT)")
    with page.expect_navigation():
        page.get_by_role("button", name="Tạo mã truy cập").click()
    assert "Hãy sao chép mã truy cập ngay" in page.locator("main").inner_text()
    secret = page.get_by_label("Mã truy cập", exact=True).input_value()
    assert secret.startswith("elt_")
    assert_accessible(page)

    api = f"{server.url}/api/v1"
    headers = {"Authorization": f"Bearer {secret}"}
    units = requests.get(f"{api}/units", headers=headers, timeout=10).json()["items"]
    assert [u["code"] for u in units] == ["TB-VT"]  # narrowed to the district chosen
    assert requests.get(f"{api}/courses", headers=headers, timeout=10).status_code == 403  # not its scope

    page.goto(server.url + "/admin/api-tokens")
    assert secret not in page.content()  # shown once
    row = page.locator("tr", has_text="Phần mềm quản lý cán bộ")
    with page.expect_navigation():
        row.get_by_role("button", name="Thu hồi").click()
    assert "Đã thu hồi" in page.locator("main").inner_text()
    assert requests.get(f"{api}/units", headers=headers, timeout=10).status_code == 401

    page.goto(server.url + "/api/v1/docs")
    assert "/api/v1/accounts/bulk" in page.locator("main").inner_text()
    assert_accessible(page)
