import pytest
from sqlalchemy import select

from elearn import db
from elearn.audit import AuditLog
from elearn.permissions import Role
from tests.factories import PASSWORD, make_unit, make_user


def test_sign_in_and_out(app, client):
    user = make_user("hang", full_name="Nguyễn Thị Thu Hằng")
    response = client.post("/login", data={"username": "HANG ", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Nguyễn Thị Thu Hằng" in page
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert "login.success" in actions
    assert db.session.get(type(user), user.id).last_login_at is not None


@pytest.mark.parametrize("username", ["hang", "nobody"])
def test_wrong_credentials_get_one_generic_message(app, client, username):
    make_user("hang")
    response = client.post("/login", data={"username": username, "password": "wrong-password"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "login.failure"))
    assert entry.target == username


def test_inactive_account_cannot_sign_in(app, client):
    make_user("gone", active=False)
    assert client.post("/login", data={"username": "gone", "password": PASSWORD}).status_code == 200


def test_first_sign_in_forces_password_change(app, client):
    make_user("new", must_change_password=True)
    response = client.post("/login", data={"username": "new", "password": PASSWORD})
    assert response.headers["Location"].endswith("/password")
    assert client.get("/").headers["Location"].endswith("/password")
    response = client.post("/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert response.status_code == 200
    response = client.post("/password", data={"current": PASSWORD, "new": "a-better-one-9", "confirm": "a-better-one-9"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_open_redirect_is_refused(app, client):
    make_user("hang")
    response = client.post("/login?next=//evil.example/x", data={"username": "hang", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_cadre_gets_403_on_admin_page_in_vietnamese(app, client, login):
    login(make_user(roles=[Role.CADRE]))
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập trang này" in response.get_data(as_text=True)


def test_admin_opens_admin_page(app, client, login):
    login(make_user(roles=[Role.ADMIN], unit=make_unit()))
    assert client.get("/admin/").status_code == 200


def test_english_on_request(app, client):
    client.post("/locale/en", data={"next": "/login"})
    assert "Sign in" in client.get("/login").get_data(as_text=True)
