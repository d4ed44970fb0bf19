"""Issue 20 in the browser: a district manager chooses a programme on the statistics page, reads its
progress by unit and by cadre, and downloads it by cadre as CSV; a cadre sets their mobile number on
their account page (a bad one refused in Vietnamese) and is told no text channel is configured."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from courses.programmes import services as programmes
from courses.progress import complete_item
from elearn import db
from elearn.db import utcnow
from elearn.permissions import Role
from tests.browser.conftest import assert_accessible, menu, sign_in
from tests.courses.factories import items_of, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


def _click(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_a_manager_follows_a_programme_by_unit_and_by_cadre(app, live_server, page):
    province = make_unit("Tỉnh ủy Thái Bình")
    district = make_unit("Huyện ủy Vũ Thư", parent=province)
    commune = make_unit("Đảng ủy xã Tân Hòa", parent=district)
    trainer = make_trainer(unit=province)
    done = make_user("luong", unit=commune, full_name="Trần Văn Lương")
    make_user("tuan", unit=commune, full_name="Vũ Văn Tuấn")
    make_user("quanly.vuthu", roles=(Role.MANAGER,), unit=district, full_name="Lê Văn Thắng")
    programme = make_programme(trainer, title="Học tập Nghị quyết năm 2026", required=2)
    programmes.assign(programme, province, utcnow() - timedelta(days=1), trainer)
    for pc in programme.courses:
        for item in items_of(pc.course):
            complete_item(done, item)
    db.session.commit()
    server = live_server()

    sign_in(page, server.url, "quanly.vuthu", PASSWORD)
    _click(page, menu(page).get_by_role("link", name="Thống kê", exact=True))
    main = page.locator("main")
    main.get_by_label("Chương trình").select_option(label="Học tập Nghị quyết năm 2026")
    _click(page, main.get_by_role("button", name="Xem"))
    by_unit = main.locator("table.programme-units")
    row = by_unit.locator("tr", has_text="Đảng ủy xã Tân Hòa")
    assert row.locator("td.num").all_inner_texts()[:2] == ["2", "1"]
    assert_accessible(page)

    _click(page, row.get_by_role("link", name="Đảng ủy xã Tân Hòa"))
    cadres = main.locator("table.programme-cadres")
    assert "2/2" in cadres.locator("tr", has_text="Trần Văn Lương").inner_text()
    late = cadres.locator("tr", has_text="Vũ Văn Tuấn").inner_text()
    assert "0/2" in late and "Quá hạn" in late

    with page.expect_download() as download:
        main.get_by_role("listitem").filter(has_text="Tiến độ chương trình theo học viên") \
            .get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"))))
    assert rows[0][6:8] == ["Số khóa đã hoàn thành", "Số khóa cần hoàn thành"]
    assert sorted((r[2], r[6], r[10]) for r in rows[1:]) == [("luong", "2", ""), ("tuan", "0", "Quá hạn")]


def test_a_cadre_sets_their_mobile_number(app, live_server, page):
    make_user("hang", unit=make_unit("Huyện ủy Vũ Thư"), full_name="Nguyễn Thị Hằng")
    server = live_server(ZALO_ZNS_TOKEN="", SMS_GATEWAY_URL="")
    sign_in(page, server.url, "hang", PASSWORD)
    # The header's link to the account page: the cadre's name on a desktop, "Tài khoản" on a phone.
    name = "Tài khoản" if page.viewport_size["width"] < 600 else "Nguyễn Thị Hằng"
    _click(page, page.locator("header .account").get_by_role("link", name=name, exact=True))
    main = page.locator("main")
    assert "chưa cấu hình dịch vụ SMS hay Zalo" in main.inner_text()
    main.get_by_label("Số điện thoại di động").fill("0123")
    _click(page, main.get_by_role("button", name="Lưu"))
    assert "Không phải số điện thoại di động Việt Nam" in main.inner_text()
    main.get_by_label("Số điện thoại di động").fill("0912 345 678")
    _click(page, main.get_by_role("button", name="Lưu"))
    assert "Đã lưu số điện thoại của bạn." in page.locator("body").inner_text()
    assert main.get_by_label("Số điện thoại di động").input_value() == "84912345678"
    assert_accessible(page)
