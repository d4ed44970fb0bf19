"""The token pages (CSRF on, as in production): make a token, see it once, revoke it; the API
itself takes no CSRF token and no cookie; each token is rate-limited on its own."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from elearn import db
from elearn.api.models import ApiToken, TokenKind
from elearn.audit import AuditLog
from elearn.permissions import Role
from tests.api.factories import bearer, make_token
from tests.factories import PASSWORD, make_unit, make_user


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "5 per minute",
            "API_REFUSED_LIMIT": "3 per minute"}


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _sign_in(client, user) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"username": user.username, "password": PASSWORD,
                                       "csrf_token": _csrf(page)}).status_code == 302


def test_make_see_once_use_and_revoke_a_personal_token(app, client):
    unit = make_unit("Huyện ủy An", code="PA")
    manager = make_user("ql.an", roles=[Role.MANAGER], unit=unit)
    _sign_in(client, manager)
    page = client.get("/account/api-tokens").get_data(as_text=True)
    assert "stats:read" in page and "accounts:write" not in page  # only the scopes the user holds

    # Without the page's CSRF token nothing is made.
    assert client.post("/account/api-tokens", data={"name": "x", "scopes": ["stats:read"], "days": "30"}
                       ).status_code == 400
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0

    response = client.post("/account/api-tokens", data={"name": "Cổng thông tin", "scopes": ["units:read"],
                                                         "days": "30", "csrf_token": _csrf(page)})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(elt_[^"]+)"', response.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 200
    assert secret not in client.get("/account/api-tokens").get_data(as_text=True)  # shown once
    # A signed-in browser's cookie does not open the API; a token needs no CSRF token.
    assert client.get("/api/v1/units").status_code == 401

    token = db.session.scalar(select(ApiToken))
    assert token.kind == TokenKind.PERSONAL and token.scopes == "units:read"
    page = client.get("/account/api-tokens").get_data(as_text=True)
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 400  # no CSRF token
    assert client.post(f"/account/api-tokens/{token.id}/revoke", data={"csrf_token": _csrf(page)}).status_code == 302
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 401
    actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert "api_token.create" in actions and "api_token.revoke" in actions


def test_another_users_token_cannot_be_revoked(app, client):
    unit = make_unit("Huyện ủy An", code="PA")
    owner = make_user("chu", unit=unit)
    make_token(owner, ["courses:read"])
    token = db.session.scalar(select(ApiToken))
    _sign_in(client, make_user("khac", unit=unit))
    page = client.get("/account/api-tokens").get_data(as_text=True)
    assert client.post(f"/account/api-tokens/{token.id}/revoke", data={"csrf_token": _csrf(page)}).status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None
    assert client.get("/admin/api-tokens").status_code == 403


def test_admin_makes_a_service_token_for_a_unit(app, client):
    province = make_unit("Tỉnh", code="P")
    district = make_unit("Huyện ủy An", province, code="PA")
    admin = make_user("adm", roles=[Role.ADMIN], unit=province)
    _sign_in(client, admin)
    page = client.get("/admin/api-tokens").get_data(as_text=True)
    response = client.post("/admin/api-tokens", data={
        "name": "Phần mềm nhân sự", "scopes": ["accounts:read", "accounts:write", "units:read"], "days": "365",
        "unit": str(district.id), "csrf_token": _csrf(page)})
    assert response.status_code == 200
    secret = re.search(r'value="(elt_[^"]+)"', response.get_data(as_text=True)).group(1)
    token = db.session.scalar(select(ApiToken))
    assert token.kind == TokenKind.SERVICE and token.unit_id == district.id
    assert [u["code"] for u in client.get("/api/v1/units", headers=bearer(secret)).get_json()["items"]] == ["PA"]
    # Bad input: a scope that does not exist, no scope, a lifetime not offered.
    for data in ({"scopes": ["root"]}, {"scopes": []}, {"scopes": ["units:read"], "days": "9999"}):
        form = {"name": "x", "days": "30", "unit": "0", "csrf_token": _csrf(page), **data}
        assert client.post("/admin/api-tokens", data=form).status_code == 400
    assert db.session.scalar(select(func.count(ApiToken.id))) == 1


def test_each_token_is_rate_limited(app, client):
    unit = make_unit("Tỉnh", code="P")
    one = make_token(make_user("mot", unit=unit), ["courses:read"])
    two = make_token(make_user("hai", unit=unit), ["courses:read"])
    codes = [client.get("/api/v1/courses", headers=bearer(one)).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    limited = client.get("/api/v1/courses", headers=bearer(one))
    assert limited.is_json and "error" in limited.get_json()
    assert client.get("/api/v1/courses", headers=bearer(two)).status_code == 200


def test_made_up_tokens_are_limited_per_address(app, client):
    codes = [client.get("/api/v1/courses", headers=bearer(f"elt_gia{i}")).status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]  # each made-up token is new, the address is not
