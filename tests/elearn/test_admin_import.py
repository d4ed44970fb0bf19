"""The import page and the one-time download of temporary passwords."""
import io

from sqlalchemy import func, select

from elearn import db
from elearn.accounts.models import CredentialHandout, User
from elearn.accounts.passwords import verify as check_password_hash
from elearn.audit import AuditLog
from elearn.permissions import Role
from tests.factories import make_unit, make_user

GOOD = "Tên đăng nhập,Họ và tên,Mã đơn vị\nhang.nguyen,Nguyễn Thị Thu Hằng,TB\nan.tran,Trần Văn An,TB\n"


def _upload(client, content: bytes, name: str = "cadres.csv"):
    return client.post("/admin/users/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _admin(login):
    unit = make_unit(code="TB")
    admin = make_user("boss", roles=[Role.ADMIN], unit=unit)
    login(admin)
    return admin


def _token(page: str) -> str:
    return page.split('action="/admin/handouts/')[1].split('"')[0]


def test_upload_then_download_passwords_once(app, client, login):
    admin = _admin(login)
    response = _upload(client, ("\ufeff" + GOOD).encode())
    assert response.status_code == 302
    page = client.get("/admin/users/import").get_data(as_text=True)
    assert "tạo mới 2 tài khoản, cập nhật 0 tài khoản" in page
    token = _token(page)
    download = client.post(f"/admin/handouts/{token}")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    rows = download.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0] == "Tên đăng nhập,Họ và tên,Mã đơn vị,Mật khẩu tạm thời" and len(rows) == 3
    username, _, _, password = rows[1].split(",")
    user = db.session.scalar(select(User).where(User.username == username))
    assert check_password_hash(user.password_hash, password)
    # Once only: the stored copy is wiped, a second download finds nothing.
    assert client.post(f"/admin/handouts/{token}").status_code == 404
    assert db.session.scalar(select(CredentialHandout.content)) == ""
    assert 'action="/admin/handouts/' not in client.get("/admin/users/import").get_data(as_text=True)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "users.import"))
    assert (entry.actor_id, entry.target, entry.details["created"]) == (admin.id, "cadres.csv", 2)
    assert password not in str(db.session.scalars(select(AuditLog.details)).all())


def test_another_admin_cannot_take_the_passwords(app, client, login):
    _admin(login)
    _upload(client, GOOD.encode())
    token = _token(client.get("/admin/users/import").get_data(as_text=True))
    login(make_user("other", roles=[Role.ADMIN]))
    assert client.post(f"/admin/handouts/{token}").status_code == 404
    assert db.session.scalar(select(CredentialHandout.downloaded_at)) is None


def test_expired_passwords_are_wiped(app, client, login):
    _admin(login)
    _upload(client, GOOD.encode())
    token = _token(client.get("/admin/users/import").get_data(as_text=True))
    app.config["HANDOUT_HOURS"] = 0
    assert client.post(f"/admin/handouts/{token}").status_code == 404
    _upload(client, GOOD.replace("hang.nguyen", "x1").replace("an.tran", "x2").encode())  # purges old ones
    contents = db.session.scalars(select(CredentialHandout.content).order_by(CredentialHandout.id)).all()
    assert contents[0] == ""


def test_bad_file_lists_every_error_and_writes_nothing(app, client, login):
    _admin(login)
    bad = "Tên đăng nhập,Họ và tên,Mã đơn vị\nhang,,TB\nan,Trần An,NOPE\nhang,Lặp Lại,TB\n"
    response = _upload(client, bad.encode())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for text in ("Phải nhập họ và tên.", "Không có đơn vị nào có mã NOPE.", "đã có ở dòng 2",
                 "<td>Họ và tên</td>", "<td>Mã đơn vị</td>"):
        assert text in page, text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert db.session.scalar(select(func.count()).select_from(CredentialHandout)) == 0


def test_binary_file_with_csv_name_is_refused(app, client, login):
    _admin(login)
    response = _upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", name="cadres.csv")
    assert response.status_code == 400
    assert "không phải tệp CSV hay Excel" in response.get_data(as_text=True)


def test_upload_over_the_request_limit_is_413(app, client, login):
    _admin(login)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    assert _upload(client, b"x" * 4096).status_code == 413


def test_missing_file_is_a_form_error(app, client, login):
    _admin(login)
    response = client.post("/admin/users/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Hãy chọn tệp." in response.get_data(as_text=True)


def test_template_downloads_and_imports_cleanly(app, client, login):
    _admin(login)
    from elearn.units import services as units
    from elearn.units.models import UnitLevel

    parent = units.get_by_code("TB")
    district = units.create_unit("TB-VT", "Huyện ủy Vũ Thư", UnitLevel.DISTRICT, parent)
    units.create_unit("TB-VT-TANHOA-1", "Chi bộ", UnitLevel.CELL, units.create_unit(
        "TB-VT-TANHOA", "Xã", UnitLevel.COMMUNE, district))
    db.session.commit()
    template = client.get("/admin/users/import/template.csv")
    assert template.headers["Content-Type"].startswith("text/csv")
    assert _upload(client, template.data).status_code == 302
    minh = db.session.scalar(select(User).where(User.username == "minh.tran"))
    assert minh.roles == {Role.MANAGER, Role.CADRE}


def test_a_refused_import_is_in_the_audit_log_with_its_label(app, client, login):
    """Issue 17.12: failed question imports were audited, failed account imports were not."""
    _admin(login)
    response = _upload(client, b"ho_ten,ten_dang_nhap\n,\n", name="loi.csv")
    assert response.status_code == 400
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "users.import_failed"))
    assert entry is not None and entry.target == "loi.csv" and entry.details["errors"] >= 1
    page = client.get("/admin/audit").get_data(as_text=True)
    shown = page.replace('value="users.import_failed"', "")  # the filter's option value is the code, its label not
    assert "Nhập tài khoản bị từ chối" in shown and "users.import_failed" not in shown
