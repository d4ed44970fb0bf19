"""A programme from end to end in the browser: the trainer writes it from two published courses
(one optional), orders them and assigns it to a district with a due date; a cadre there finds it
under "Chương trình của tôi", completes the required course, and sees the programme completed; a
reminder made by the reminder pass shows in the header's counter and on the notifications page."""
from __future__ import annotations

import pytest

from courses.reminders import reminder_pass
from elearn import db
from elearn.permissions import Role
from tests.browser.conftest import menu, sign_in
from tests.courses.factories import make_course
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


def _click(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_trainer_assigns_a_programme_and_the_cadre_completes_it(app, live_server, page):
    province = make_unit("Tỉnh ủy Thái Bình")
    district = make_unit("Huyện ủy Vũ Thư", parent=province)
    trainer = make_user("giangvien", roles=(Role.TRAINER,), unit=province, full_name="Đặng Thị Minh Nguyệt")
    make_user("hang", unit=district, full_name="Nguyễn Thị Hằng")
    make_course(trainer, title="Nghị quyết Đại hội XIII", lessons=1, complete_on_open=True)
    make_course(trainer, title="Kỹ năng tuyên truyền miệng", lessons=1)
    server = live_server()

    sign_in(page, server.url, "giangvien", PASSWORD)
    _click(page, menu(page).get_by_role("link", name="Chương trình học tập"))
    _click(page, page.locator("main").get_by_role("link", name="Tạo chương trình mới"))
    page.fill("#title", "Học tập Nghị quyết năm 2026")
    page.fill("#summary", "Chương trình trọng tâm của năm")
    _click(page, page.locator("main").get_by_role("button", name="Lưu"))
    assert page.get_by_role("heading", level=1).inner_text() == "Học tập Nghị quyết năm 2026"
    main = page.locator("main")
    main.get_by_label("Khóa học đã công bố").select_option(label="Nghị quyết Đại hội XIII")
    _click(page, main.get_by_role("button", name="Thêm vào chương trình"))
    main.get_by_label("Khóa học đã công bố").select_option(label="Kỹ năng tuyên truyền miệng")
    main.get_by_role("checkbox", name="Bắt buộc").uncheck()
    _click(page, main.get_by_role("button", name="Thêm vào chương trình"))
    rows = main.locator("table tbody tr")
    assert rows.count() == 2 and "Không bắt buộc" in rows.nth(1).inner_text()
    _click(page, rows.nth(1).get_by_role("button", name="Chuyển lên"))
    assert "Kỹ năng tuyên truyền miệng" in main.locator("table tbody tr").first.inner_text()
    _click(page, main.get_by_role("link", name="Giao cho đơn vị"))
    main.get_by_label("Đơn vị (gồm mọi đơn vị trực thuộc)").select_option(label="\u2003Huyện ủy Vũ Thư")
    main.get_by_label("Hạn hoàn thành").fill("2031-12-31")
    _click(page, main.get_by_role("button", name="Giao chương trình"))
    assert "1 học viên mới tham gia chương trình" in page.locator("body").inner_text()
    assert "31/12/2031" in main.inner_text()

    # The reminder's wording: a broken placeholder is refused, a good one kept.
    _click(page, menu(page).get_by_role("link", name="Nhắc nhở"))
    _click(page, page.locator("main tbody tr", has_text="Nhắc trước hạn").get_by_role("link", name="Sửa"))
    page.fill("#subject", "Nhắc học: {khoahoc} còn {so_ngay} ngày")
    _click(page, page.locator("main").get_by_role("button", name="Lưu"))
    assert "Chỗ điền {so_ngay} không hợp lệ" in page.locator("main").inner_text()
    page.fill("#subject", "Nhắc học: còn {songay} ngày đến hạn hoàn thành {khoahoc}")
    _click(page, page.locator("main").get_by_role("button", name="Lưu"))
    assert "Đã lưu mẫu thông báo." in page.locator("body").inner_text()

    # A reminder made by the worker's pass (the due date a week away) waits in the header.
    from datetime import datetime, time

    from elearn.i18n import LOCAL_TZ
    db.session.rollback()  # a fresh read: the trainer's work was done by the server
    reminder_pass(datetime.combine(datetime(2031, 12, 24).date(), time(9), LOCAL_TZ))
    db.session.commit()

    page.context.clear_cookies()
    sign_in(page, server.url, "hang", PASSWORD)
    counter = page.locator("header .account a", has_text="Thông báo")
    assert "2" in counter.inner_text()  # the programme, and its required course
    _click(page, menu(page).get_by_role("link", name="Chương trình của tôi"))
    main = page.locator("main")
    assert "Học tập Nghị quyết năm 2026" in main.inner_text() and "Hạn 31/12/2031" in main.inner_text()
    assert "Đã hoàn thành 0/1 khóa học" in main.inner_text()
    _click(page, main.get_by_role("link", name="Nghị quyết Đại hội XIII"))
    _click(page, page.locator("main").get_by_role("link", name="Học tiếp: Bài 1.1"))  # read on opening: done
    _click(page, menu(page).get_by_role("link", name="Chương trình của tôi"))
    assert "Hoàn thành chương trình ngày" in page.locator("main").inner_text()

    _click(page, counter)
    assert "Nhắc học: còn 7 ngày đến hạn hoàn thành" in page.locator("main").inner_text()
    _click(page, page.locator("main").get_by_role("button", name="Đánh dấu tất cả là đã đọc"))
    assert page.locator("header .account .count").count() == 0
