"""The administrators' LTI platform pages: only administrators, hostile input refused in Vietnamese
with nothing written, the tool's key published, a deactivated platform no longer launches."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from elearn import db
from elearn.audit import AuditLog
from elearn.lti.models import LtiPlatform
from tests.factories import make_unit, make_user

GOOD = {"name": "Moodle Trường Chính trị", "issuer": "https://moodle.truongchinhtri.vn",
        "client_id": "abc123", "deployment_ids": "1\n2", "auth_login_url": "https://moodle.truongchinhtri.vn/auth",
        "auth_token_url": "https://moodle.truongchinhtri.vn/token",
        "key_set_url": "https://moodle.truongchinhtri.vn/certs", "active": "y"}


def platforms() -> int:
    return db.session.scalar(select(func.count(LtiPlatform.id)))


@pytest.mark.parametrize("roles", [("cadre",), ("trainer",), ("manager",)])
def test_only_administrators_open_the_pages(app, login, roles):
    unit = make_unit()
    client = login(make_user(roles=roles, unit=unit))
    assert client.get("/admin/lti").status_code == 403
    assert client.post("/admin/lti", data={**GOOD, "unit": unit.id}).status_code == 403
    assert platforms() == 0


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/admin/lti").status_code == 302


def test_an_admin_registers_a_platform_and_its_key_is_published(app, login):
    unit = make_unit("Huyện ủy Vũ Thư")
    client = login(make_user(roles=("admin",)))
    page = client.get("/admin/lti").get_data(as_text=True)
    assert "/lti/login" in page and "/lti/launch" in page and "/lti/jwks.json" in page
    response = client.post("/admin/lti", data={**GOOD, "unit": unit.id})
    assert response.status_code == 302
    platform = db.session.scalar(select(LtiPlatform))
    assert platform.deployments == ["1", "2"] and platform.unit_id == unit.id
    assert "BEGIN PRIVATE KEY" in platform.private_key
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert platform.kid in shown and "PRIVATE" not in shown and "Đang chờ gửi: 0" in shown
    assert [k["kid"] for k in client.get("/lti/jwks.json").get_json()["keys"]] == [platform.kid]
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "lti.platform.create")) is not None

    # Deactivated: its key leaves the JWKS and its logins are refused.
    data = {**GOOD, "unit": unit.id}
    del data["active"]
    assert client.post(f"/admin/lti/{platform.id}", data=data).status_code == 302
    assert client.get("/lti/jwks.json").get_json()["keys"] == []
    refused = client.get("/lti/login", query_string={"iss": GOOD["issuer"], "login_hint": "1", "client_id": "abc123"})
    assert refused.status_code == 400


@pytest.mark.parametrize("field, value, words", [
    ("auth_login_url", "javascript:alert(1)", "phải là địa chỉ đầy đủ"),
    ("key_set_url", "https://a.vn;frame-ancestors *", "phải là địa chỉ đầy đủ"),
    ("issuer", "moodle", "phải là địa chỉ đầy đủ"),
    ("client_id", "a b", "không có khoảng trắng"),
    ("deployment_ids", "   \n  ", "Vui lòng điền mục này"),
    ("unit", "999999", "Lựa chọn không hợp lệ"),
])
def test_bad_input_is_refused_in_vietnamese_and_nothing_written(app, login, field, value, words):
    unit = make_unit()
    client = login(make_user(roles=("admin",)))
    response = client.post("/admin/lti", data={**GOOD, "unit": unit.id, field: value})
    assert response.status_code == 400

    errors = re.findall(r'<p class="error" role="alert">([^<]*)</p>', response.get_data(as_text=True))
    assert any(words in e for e in errors), errors
    assert platforms() == 0


def test_the_same_issuer_and_client_twice_is_refused(app, login):
    unit = make_unit()
    client = login(make_user(roles=("admin",)))
    assert client.post("/admin/lti", data={**GOOD, "unit": unit.id}).status_code == 302
    again = client.post("/admin/lti", data={**GOOD, "name": "Lần hai", "unit": unit.id})
    assert again.status_code == 400 and "đã có nền tảng" in again.get_data(as_text=True).lower()
    assert platforms() == 1
