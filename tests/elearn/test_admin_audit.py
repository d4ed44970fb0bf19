"""The audit log browser."""
from datetime import UTC, datetime

from elearn import audit, db
from elearn.permissions import Role
from tests.factories import make_unit, make_user


def _entry(action, target, actor, at, **details):
    db.session.get(audit.AuditLog, audit.record(action, target=target, actor=actor, **details)).at = at
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
    assert "Quản lý, Học viên" in rows and "14/03/2023 23:30" in rows  # roles named, not coded
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


def test_entries_read_in_words_not_codes(app, client, login):
    """Issue 17.8: codes, True/False, ISO days and nested changes of an entry are shown in words."""
    admin = make_user("boss", roles=[Role.ADMIN], unit=make_unit())
    when = datetime(2023, 3, 14, 3, 0, tzinfo=UTC)
    _entry("course.status", "lich-su", admin, when, before="draft", after="published")
    _entry("course.assign", "lich-su", admin, when, unit="TB-VT", enrolled=12, due_on="2026-12-15")
    _entry("user.update", "hang", admin, when, active="False", full_name="Nguyễn Thị Hằng")
    _entry("certificate.issue", "ABCD-EFGH", None, when, user="hang", course_id=3)
    _entry("contest.update", "contest:4", admin, when,
           changes={"allow_public": [False, True], "starts_at": ["2026-03-01T01:00:00+00:00", None]})
    _entry("questions.import", "question_category:2", admin, when, format="gift", imported=3,
           by_type={"single": 2, "truefalse": 1})
    _entry("course.lesson.save", "7", admin, when, item=31)
    login(admin)
    rows = _rows(client.get("/admin/audit").get_data(as_text=True))
    for words in ("<dt>trước</dt><dd>Bản nháp</dd>", "<dt>sau</dt><dd>Đã xuất bản</dd>", "<dd>15/12/2026</dd>",
                  "<dt>hoạt động</dt><dd>không</dd>", "Cấp giấy chứng nhận", "Cuộc thi số 4",
                  "<dt>cho phép người ngoài hệ thống dự thi</dt><dd>không → có</dd>",
                  "<dt>bắt đầu</dt><dd>01/03/2026 08:00 → —</dd>", "Danh mục câu hỏi số 2", "<dd>GIFT</dd>",
                  "<dd>Một đáp án: 2; Đúng/Sai: 1</dd>", "Khóa học số 7"):
        assert words in rows, words
    for code in ("draft", "published", "False", "True", "2026-12-15", "contest:", "question_category",
                 "certificate.issue", "single", "truefalse", "allow_public"):
        assert code not in rows, code
