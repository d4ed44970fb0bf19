"""Admin pages for accounts: list and search, create, edit, reset a password."""
from sqlalchemy import select

from elearn import db
from elearn.accounts.models import User
from elearn.accounts.passwords import verify as check_password_hash
from elearn.audit import AuditLog
from elearn.permissions import Role
from tests.factories import make_unit, make_user


def _setup(login):
    province = make_unit("Tỉnh ủy", code="TB")
    district = make_unit("Huyện ủy Vũ Thư", province, code="TB-VT")
    admin = make_user("boss", roles=[Role.ADMIN], unit=province, full_name="Phạm Văn Quản")
    login(admin)
    return province, district, admin


def _names(page: str, candidates) -> list[str]:
    page = page.split("<main", 1)[1].split("<table", 1)[-1]  # the list only, not the signed-in name
    return sorted((n for n in candidates if n in page), key=page.index)


def test_list_sorts_by_given_name_and_searches_without_accents(app, client, login):
    province, district, _ = _setup(login)
    make_user("hang", full_name="Nguyễn Thị Thu Hằng", unit=district)
    make_user("an", full_name="Trần Văn An", unit=province, roles=[Role.TRAINER])
    make_user("dung", full_name="Lê Thị Dung", unit=district)
    names = ["Trần Văn An", "Lê Thị Dung", "Nguyễn Thị Thu Hằng", "Phạm Văn Quản"]
    assert _names(client.get("/admin/users").get_data(as_text=True), names) == names
    assert _names(client.get("/admin/users?q=thu+hang").get_data(as_text=True), names) == ["Nguyễn Thị Thu Hằng"]
    assert _names(client.get("/admin/users?q=HẰNG").get_data(as_text=True), names) == ["Nguyễn Thị Thu Hằng"]
    assert _names(client.get("/admin/users?q=dun").get_data(as_text=True), names) == ["Lê Thị Dung"]
    assert _names(client.get(f"/admin/users?unit={district.id}").get_data(as_text=True), names) == [
        "Lê Thị Dung", "Nguyễn Thị Thu Hằng"]
    assert _names(client.get("/admin/users?role=trainer").get_data(as_text=True), names) == ["Trần Văn An"]
    assert client.get("/admin/users?q=%25").status_code == 200  # a LIKE wildcard is searched literally


def test_pagination_keeps_filters(app, client, login):
    province, district, _ = _setup(login)
    for i in range(55):
        make_user(f"c{i:02d}", full_name=f"Cán Bộ {i:02d}", unit=district)
    first = client.get(f"/admin/users?unit={district.id}").get_data(as_text=True)
    assert "Trang 1/2" in first and f"unit={district.id}" in first.split('rel="next"')[0].rsplit("href=", 1)[1]
    second = client.get(f"/admin/users?unit={district.id}&page=2").get_data(as_text=True)
    assert second.count("/admin/users/") - second.count("/admin/users/new") - second.count("/admin/users/import") == 5
    assert client.get("/admin/users?page=abc").status_code == 200


def test_create_shows_the_temporary_password_once(app, client, login):
    province, district, admin = _setup(login)
    response = client.post("/admin/users/new", data={
        "username": "Hang.Nguyen", "full_name": "  Nguyễn  Thị Hằng ", "unit": district.id,
        "position": "Bí thư", "email": "", "roles": ["cadre", "trainer"]})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    password = page.split('<p class="secret">')[1].split("</p>")[0]
    user = db.session.scalar(select(User).where(User.username == "hang.nguyen"))
    assert user.full_name == "Nguyễn Thị Hằng" and user.roles == {Role.CADRE, Role.TRAINER}
    assert user.must_change_password and check_password_hash(user.password_hash, password)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.create"))
    assert entry.actor_id == admin.id and password not in str(entry.details)
    taken = client.post("/admin/users/new", data={"username": "hang.nguyen", "full_name": "X", "unit": district.id})
    assert taken.status_code == 400 and "đã có người dùng" in taken.get_data(as_text=True)
    bad = client.post("/admin/users/new", data={"username": "hằng", "full_name": "X", "unit": district.id})
    assert bad.status_code == 400


def test_edit_records_role_change_and_escapes_script(app, client, login):
    province, district, admin = _setup(login)
    user = make_user("hang", full_name="Nguyễn Thị Hằng", unit=province, roles=[Role.CADRE])
    response = client.post(f"/admin/users/{user.id}", data={
        "full_name": "<script>alert('x')</script>", "position": "<b>Bí thư</b>", "unit": district.id,
        "email": "hang@example.vn", "roles": ["manager"], "active": "y"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.unit_id, user.email, user.roles) == (district.id, "hang@example.vn", {Role.MANAGER})
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.roles"))
    assert (entry.actor_id, entry.details) == (admin.id, {"before": ["cadre"], "after": ["manager"]})
    for url in ("/admin/users", f"/admin/users/{user.id}", "/admin/audit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<b>Bí thư" not in page, url
    assert "&lt;script&gt;" in client.get("/admin/users").get_data(as_text=True)


def test_admin_cannot_lock_themselves_out(app, client, login):
    province, district, admin = _setup(login)
    data = {"full_name": admin.full_name, "unit": province.id, "roles": ["admin"]}  # "active" unchecked
    assert client.post(f"/admin/users/{admin.id}", data=data).status_code == 400
    data = {"full_name": admin.full_name, "unit": province.id, "roles": ["cadre"], "active": "y"}
    assert client.post(f"/admin/users/{admin.id}", data=data).status_code == 400
    db.session.refresh(admin)
    assert admin.active and admin.roles == {Role.ADMIN}


def test_deactivate_account_blocks_sign_in(app, client, login):
    province, district, admin = _setup(login)
    user = make_user("gone", unit=district)
    client.post(f"/admin/users/{user.id}", data={"full_name": user.full_name, "unit": district.id, "roles": ["cadre"]})
    db.session.refresh(user)
    assert user.active is False


def test_reset_password(app, client, login):
    province, district, admin = _setup(login)
    user = make_user("hang", unit=district)
    response = client.post(f"/admin/users/{user.id}/password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = response.get_data(as_text=True).split('<p class="secret">')[1].split("</p>")[0]
    db.session.refresh(user)
    assert user.must_change_password and check_password_hash(user.password_hash, password)
    client.post("/logout")
    signed_in = client.post("/login", data={"username": "hang", "password": password})
    assert signed_in.headers["Location"].endswith("/password")


def test_unknown_account_is_404(app, client, login):
    _setup(login)
    assert client.get("/admin/users/9999").status_code == 404
    assert client.post("/admin/users/9999/password").status_code == 404
