"""The audit log browser."""
from datetime import UTC, datetime

from elearn import audit, db
from elearn.permissions import Role
from tests.factories import make_unit, make_user


def _entry(action, target, actor, at, **details):
    entry = audit.record(action, target=target, actor=actor, **details)
    entry.at = at
    db.session.commit()


def _rows(page: str) -> str:
    return page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""


def test_filters_and_newest_first(app, client, login):
    admin = make_user("boss", roles=[Role.ADMIN], unit=make_unit(), full_name="Phạm Văn Quản")
    cadre = make_user("hang")
    # 16:30 UTC on 14/03 is 23:30 in Vietnam: still 14/03 there; 17:30 UTC is already 15/03.
    _entry("user.roles", "hang", admin, datetime(2023, 3, 14, 16, 30, tzinfo=UTC),
           before=["cadre"], after=["manager", "cadre"])
    _entry("login.failure", "hang", None, datetime(2023, 3, 14, 17, 30, tzinfo=UTC))
    _entry("password.change", "hang", cadre, datetime(2023, 3, 20, 2, 0, tzinfo=UTC))
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    rows = _rows(page)
    assert rows.index("Tự đổi mật khẩu") < rows.index("Đăng nhập không thành công") < rows.index("Đổi vai trò")
    assert "manager, cadre" in rows and "14/03/2023 23:30" in rows
    assert '<option value="user.roles">' in page
    only = _rows(client.get("/admin/audit?action=user.roles").get_data(as_text=True))
    assert "Đổi vai trò" in only and "Tự đổi mật khẩu" not in only
    by = _rows(client.get("/admin/audit?actor=BOSS").get_data(as_text=True))
    assert "Đổi vai trò" in by and "Đăng nhập không thành công" not in by
    day = _rows(client.get("/admin/audit?date_from=14/03/2023&date_to=14/03/2023").get_data(as_text=True))
    assert "Đổi vai trò" in day and "Đăng nhập không thành công" not in day
    later = _rows(client.get("/admin/audit?date_from=15/03/2023").get_data(as_text=True))
    assert "Đăng nhập không thành công" in later and "Đổi vai trò" not in later
    target = _rows(client.get("/admin/audit?target=han&action=password.change").get_data(as_text=True))
    assert "Tự đổi mật khẩu" in target and "Đổi vai trò" not in target


def test_bad_dates_are_explained_not_a_crash(app, client, login):
    login(make_user("boss", roles=[Role.ADMIN], unit=make_unit()))
    page = client.get("/admin/audit?date_from=31/02/2023&date_to=x").get_data(as_text=True)
    assert "Nhập ngày theo dạng dd/mm/yyyy" in page
    page = client.get("/admin/audit?date_from=15/03/2023&date_to=14/03/2023").get_data(as_text=True)
    assert "Ngày kết thúc trước ngày bắt đầu." in page


def test_script_in_details_is_escaped(app, client, login):
    admin = make_user("boss", roles=[Role.ADMIN], unit=make_unit())
    audit.record("login.failure", target="<script>alert(1)</script>", note="<img src=x onerror=alert(1)>")
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
