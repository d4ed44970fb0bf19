"""Bulk import of accounts: the service and ``elearn users import``."""
import io
import json
import os

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from elearn import db
from elearn.accounts.importing import import_users
from elearn.accounts.models import User
from elearn.accounts.passwords import verify as check_password_hash
from elearn.audit import AuditLog
from elearn.permissions import Role
from elearn.text import name_sort_key
from tests.factories import make_unit, make_user

HEADER = "username,full_name,unit_code,position,roles,email\n"


@pytest.fixture
def units(app):
    province = make_unit("Tỉnh ủy", code="TB")
    district = make_unit("Huyện ủy Vũ Thư", province, code="TB-VT")
    return province, district


def _csv(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + header + "".join(r + "\n" for r in rows)).encode()


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _import(data: bytes, actor=None):
    result = import_users(data, "cadres.csv", actor)
    if result.errors:
        db.session.rollback()
    else:
        db.session.commit()
    return result


@pytest.mark.parametrize("bom", [False, True])
def test_good_csv_creates_accounts_with_temporary_passwords(units, bom):
    data = _csv("hang.nguyen,Nguyễn Thị Thu Hằng,TB-VT,Bí thư chi bộ,,",
                "tuan.vu,Vũ Anh Tuấn,TB-VT,Cán bộ,\"trainer, cadre\",tuan@example.vn", bom=bom)
    result = _import(data)
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    hang = db.session.scalar(select(User).where(User.username == "hang.nguyen"))
    assert hang.full_name == "Nguyễn Thị Thu Hằng" and hang.unit.code == "TB-VT"
    assert hang.roles == {Role.CADRE} and hang.must_change_password and hang.search_name == "nguyen thi thu hang"
    tuan = db.session.scalar(select(User).where(User.username == "tuan.vu"))
    assert tuan.roles == {Role.TRAINER, Role.CADRE} and tuan.email == "tuan@example.vn"
    passwords = {c[0]: c[3] for c in result.credentials}
    assert check_password_hash(hang.password_hash, passwords["hang.nguyen"])
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "users.import")).details["created"] == 2


def test_vietnamese_headers_semicolons_and_role_names(units):
    data = ("Tên đăng nhập;Họ và tên;Mã đơn vị;Chức vụ;Vai trò\n"
            "lan.pham;Phạm Thị Lan;TB-VT;Cán bộ;Giảng viên, học viên\n").encode()
    result = _import(data)
    assert result.errors == [] and result.created == 1
    assert db.session.scalar(select(User).where(User.username == "lan.pham")).roles == {Role.TRAINER, Role.CADRE}


def test_reimport_updates_by_username_and_then_changes_nothing(units):
    province, district = units
    make_user("hang.nguyen", full_name="Nguyễn Thị Hằng", unit=province, roles=[Role.CADRE])
    data = _csv("hang.nguyen,Nguyễn Thị Thu Hằng,TB-VT,Bí thư,manager,", "new.one,Trần Văn Mới,TB,,,")
    first = _import(data)
    assert (first.created, first.updated) == (1, 1)
    hang = db.session.scalar(select(User).where(User.username == "hang.nguyen"))
    assert (hang.full_name, hang.unit_id, hang.position, hang.roles) == (
        "Nguyễn Thị Thu Hằng", district.id, "Bí thư", {Role.MANAGER})
    assert hang.sort_name == name_sort_key("Nguyễn Thị Thu Hằng")  # derived columns follow the new name
    change = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.roles"))
    assert change.target == "hang.nguyen" and change.details["after"] == ["manager"]
    again = _import(data)
    assert (again.created, again.updated, again.errors, again.credentials) == (0, 0, [], [])


def test_columns_left_out_are_left_alone(units):
    province, district = units
    make_user("hang", unit=province, roles=[Role.TRAINER], position="Chuyên viên", email="h@example.vn")
    result = _import(_csv("hang,Nguyễn Thị Hằng,TB-VT", header="username,full_name,unit_code\n"))
    assert result.updated == 1
    hang = db.session.scalar(select(User).where(User.username == "hang"))
    assert (hang.roles, hang.position, hang.email) == ({Role.TRAINER}, "Chuyên viên", "h@example.vn")


def test_xlsx_is_read_and_formulas_stay_text(units):
    book = Workbook()
    sheet = book.active
    sheet.append(["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Chức vụ"])
    sheet.append(["an.le", "Lê Văn An", "TB-VT", "=1+1"])
    sheet.append([12345, "Số Học", "TB", None])  # a username typed as a number
    buf = io.BytesIO()
    book.save(buf)
    result = _import(buf.getvalue())
    assert result.errors == [] and result.created == 2
    assert db.session.scalar(select(User.position).where(User.username == "an.le")) == "=1+1"
    assert db.session.scalar(select(User.id).where(User.username == "12345")) is not None


def test_formula_in_csv_cell_is_stored_as_text(units):
    result = _import(_csv('x.y,"=HYPERLINK(""http://evil.example"",""bấm"")",TB,@SUM(A1),,'))
    assert result.errors == []
    user = db.session.scalar(select(User).where(User.username == "x.y"))
    assert user.full_name == '=HYPERLINK("http://evil.example","bấm")' and user.position == "@SUM(A1)"


def _errors(data: bytes):
    before = _users()
    result = _import(data)
    assert result.created == result.updated == 0 and result.credentials == []
    assert _users() == before, "nothing may be written"
    return [(e.row, e.column) for e in result.errors], " | ".join(e.message for e in result.errors)


def test_every_bad_row_is_reported_and_nothing_written(units):
    where, text = _errors(_csv(
        "ok.one,Người Tốt,TB,,,",
        "dup,Trùng Một,TB,,,",
        "dup,Trùng Hai,TB,,,",
        "no.unit,Không Đơn Vị,XX-99,,,",
        "no.name,,TB,,,",
        "Có Dấu,Tên Có Dấu,TB,,,",
        "bad.role,Sai Vai Trò,TB,,Thủ Quỹ,",
        "bad.mail,Sai Thư,TB,,,not-an-email",
    ))
    assert where == [(4, "username"), (5, "unit_code"), (6, "full_name"), (7, "username"), (8, "roles"),
                     (9, "email")]
    assert "dòng 3" in text and "XX-99" in text and "Họ và tên" not in text
    assert "\"Thủ Quỹ\"" in text  # the role quoted as typed, not folded to "thu quy"


def test_unknown_and_missing_columns(units):
    where, text = _errors(_csv("a,B,TB,x", header="username,full_name,unit_code,birthday\n"))
    assert where == [(1, "birthday")] and "birthday" in text
    where, _ = _errors(_csv("a,B", header="username,full_name\n"))
    assert where == [(1, "unit_code")]


@pytest.mark.parametrize("data, expected", [
    (b"", "trống"),
    (b"   \n\n", "trống"),
    (HEADER.encode(), "không có dòng"),
    ("username,full_name,unit_code\nx,Lê Văn Đông,TB\n".encode("cp1258"), "UTF-8"),
    ("username,full_name,unit_code\nx,Nguyễn Văn Á,TB\n".encode("utf-16"), "UTF-16"),
    (b"%PDF-1.4\n\x00\x01binary", "không phải"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "không phải"),
    (b"PK\x03\x04not really a zip", "không phải"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", ".xlsx"),
])
def test_unreadable_files_get_a_clear_message(units, data, expected):
    where, text = _errors(data)
    assert where == [(None, "")] and expected in text


def test_too_many_rows_and_too_many_bytes(units, app):
    app.config.update(IMPORT_MAX_ROWS=2)
    where, text = _errors(_csv("a1,A Một,TB", "a2,A Hai,TB", "a3,A Ba,TB", header="username,full_name,unit_code\n"))
    assert where == [(4, "")] and "2" in text
    app.config.update(IMPORT_MAX_MB=1)
    where, text = _errors(_csv(*[f"u{i},Tên rất dài của cán bộ số {i},TB" for i in range(40_000)], header="username,full_name,unit_code\n"))
    assert where == [(None, "")] and "1 MB" in text


def test_deactivated_unit_is_refused(units):
    from elearn.units import services as units_services

    units_services.set_active(units[1], False)
    db.session.commit()
    where, text = _errors(_csv("a,Anh A,TB-VT,,,"))
    assert where == [(2, "unit_code")]


def test_admin_cannot_strip_own_admin_role_by_import(units):
    admin = make_user("boss", roles=[Role.ADMIN], unit=units[0])
    result = import_users(_csv("boss,Sếp,TB,,cadre,"), "x.csv", admin)
    assert [(e.row, e.column) for e in result.errors] == [(2, "roles")]
    db.session.rollback()


def test_cli_import_json_errors_exit_2(units, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv("a,Anh A,TB", "b,Anh B,NOPE", header="username,full_name,unit_code\n"))
    result = runner.invoke(args=["users", "import", str(path), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output) == {"created": 0, "updated": 0, "errors": [
        {"row": 3, "column": "unit_code", "message": "Không có đơn vị nào có mã NOPE."}]}
    assert _users() == 0


def test_cli_import_writes_passwords_file_0600_and_no_password_in_output(units, runner, tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(_csv("a.one,Anh Một,TB", "b.two,Anh Hai,TB-VT", header="username,full_name,unit_code\n"))
    out = tmp_path / "pw.csv"
    result = runner.invoke(args=["users", "import", str(path), "--json", "--passwords-out", str(out)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["created"], body["updated"], body["errors"], body["passwords_file"]) == (2, 0, [], str(out))
    assert os.stat(out).st_mode & 0o777 == 0o600
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Tên đăng nhập") and len(lines) == 3
    password = lines[1].split(",")[-1]
    assert password not in result.output
    user = db.session.scalar(select(User).where(User.username == "a.one"))
    assert check_password_hash(user.password_hash, password)
    again = runner.invoke(args=["users", "import", str(path)])
    assert again.exit_code == 0 and "created: 0, updated: 0" in again.output


def test_cli_create_and_list(units, runner):
    result = runner.invoke(args=["users", "create", "quantri", "--full-name", "Phạm Văn Quản", "--unit", "TB",
                                 "--role", "admin"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(" ", 1)[-1]
    user = db.session.scalar(select(User).where(User.username == "quantri"))
    assert user.roles == {Role.ADMIN} and user.must_change_password
    assert check_password_hash(user.password_hash, password)
    assert runner.invoke(args=["users", "create", "quantri", "--full-name", "X", "--unit", "TB"]).exit_code == 1
    assert runner.invoke(args=["users", "create", "x2", "--full-name", "X", "--unit", "NOPE"]).exit_code == 1
    first = runner.invoke(args=["users", "create", "first", "--full-name", "Quản Trị Đầu", "--role", "admin"])
    assert first.exit_code == 0  # a new server has no unit yet
    rows = json.loads(runner.invoke(args=["users", "list", "--json"]).output)
    assert [r["username"] for r in rows] == ["first", "quantri"]  # by given name: Đầu before Quản
    rows = rows[1:]
    assert rows == [{"username": "quantri", "full_name": "Phạm Văn Quản", "unit_code": "TB", "position": "",
                     "roles": ["admin"], "email": None, "active": True}]
