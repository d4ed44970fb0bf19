"""A district manager reads the statistics, drills into a commune, and downloads its detail as XLSX."""
import io

import openpyxl
import pytest

from tests.browser.conftest import assert_accessible, menu, sign_in
from tests.factories import PASSWORD
from tests.reports.factories import Province

pytestmark = pytest.mark.browser


def test_manager_drills_into_a_commune_and_exports_xlsx(app, live_server, page):
    Province()
    server = live_server()
    sign_in(page, server.url, "quanly.a", PASSWORD)

    with page.expect_navigation():
        menu(page).get_by_role("link", name="Thống kê", exact=True).click()
    main = page.locator("main")
    assert page.get_by_role("heading", level=1).inner_text() == "Thống kê học tập: Huyện ủy An"
    assert "Huyện ủy Bình" not in main.inner_text()  # another district is not in scope
    assert_accessible(page)

    with page.expect_navigation():
        main.get_by_role("table").get_by_role("link", name="Đảng ủy xã An Bình").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thống kê học tập: Đảng ủy xã An Bình"
    assert "Chi bộ thôn Một" in main.get_by_role("table").first.inner_text()
    assert "Phạm Thị Xa" in main.inner_text()  # the commune's own cadre, listed by name
    assert_accessible(page)

    with page.expect_download() as download:
        main.get_by_role("listitem").filter(has_text="Chi tiết theo học viên") \
            .get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:4] == ["Đường dẫn đơn vị", "Đơn vị", "Tên đăng nhập", "Họ và tên"]
    by_user = {r[2]: dict(zip(header, r)) for r in rows[1:]}
    assert set(by_user) == {"xa", "anh", "binh", "duc"}  # the commune's subtree, nobody else
    anh = by_user["anh"]
    assert anh["Họ và tên"] == "Trần Thị Anh" and anh["Đơn vị"] == "Chi bộ thôn Một"
    assert anh["Điểm cao nhất"] == 90 and anh["Đạt"] == "Đạt"
