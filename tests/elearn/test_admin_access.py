"""Who may open the admin pages, and CSRF on their forms."""
import pytest
from sqlalchemy import select

from elearn import db
from elearn.permissions import Role
from elearn.units.models import OrgUnit
from tests.factories import make_unit, make_user

PAGES = ["/admin/units", "/admin/units/new", "/admin/units/{unit}", "/admin/users", "/admin/users/new",
         "/admin/users/{user}", "/admin/users/import", "/admin/users/import/template.csv", "/admin/audit"]
POSTS = ["/admin/units/new", "/admin/units/{unit}/rename", "/admin/units/{unit}/move",
         "/admin/units/{unit}/deactivate", "/admin/users/new", "/admin/users/{user}",
         "/admin/users/{user}/password", "/admin/users/import", "/admin/handouts/abc"]


@pytest.mark.parametrize("role", [Role.CADRE, Role.MANAGER, Role.TRAINER])
def test_non_admins_get_403_on_every_admin_page(app, client, login, role):
    unit = make_unit()
    other = make_user(unit=unit)
    login(make_user(roles=[role], unit=unit))
    for url in PAGES:
        assert client.get(url.format(unit=unit.id, user=other.id)).status_code == 403, url
    for url in POSTS:
        assert client.post(url.format(unit=unit.id, user=other.id), data={}).status_code == 403, url
    assert client.get("/admin/").status_code == 403


def test_anonymous_is_sent_to_sign_in(app, client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_opens_every_page(app, client, login):
    unit = make_unit()
    other = make_user(unit=unit)
    login(make_user(roles=[Role.ADMIN], unit=unit))
    for url in PAGES:
        assert client.get(url.format(unit=unit.id, user=other.id)).status_code == 200, url
    page = client.get("/admin/").get_data(as_text=True)
    for link in ("/admin/units", "/admin/users", "/admin/users/import", "/admin/audit"):
        assert f'href="{link}"' in page


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_forms_without_token_are_refused_and_change_nothing(self, app, client):
        from tests.factories import PASSWORD

        unit = make_unit(code="TB")
        target = make_user(unit=unit)
        admin = make_user("boss", roles=[Role.ADMIN], unit=unit)
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        assert client.post("/login", data={"username": admin.username, "password": PASSWORD,
                                           "csrf_token": token}).status_code == 302
        for url, data in [
            ("/admin/units/new", {"code": "NEW", "name": "Mới", "level": "district", "parent": unit.id}),
            (f"/admin/units/{unit.id}/rename", {"code": "TB2", "name": "Đổi"}),
            (f"/admin/users/{target.id}/password", {}),
            ("/admin/users/new", {"username": "newbie", "full_name": "Người Mới", "unit": unit.id}),
        ]:
            assert client.post(url, data=data).status_code == 400, url
            assert client.post(url, data={**data, "csrf_token": "forged"}).status_code == 400, url
        assert db.session.scalar(select(OrgUnit.code).where(OrgUnit.id == unit.id)) == "TB"
        assert db.session.scalar(select(OrgUnit).where(OrgUnit.code == "NEW")) is None
        # With the real token the same form goes through.
        page = client.get("/admin/units/new").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post("/admin/units/new", data={"code": "NEW", "name": "Mới", "level": "district",
                                                         "parent": unit.id, "csrf_token": token})
        assert response.status_code == 302
