"""A cadre's mobile number beyond the import (issue 20, item 4): set on their own account page or
by an administrator, validated and stored 84xxxxxxxxx; the pages say whether a text channel is set."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn import db
from elearn.audit import AuditLog
from elearn.permissions import Role
from tests.factories import make_unit, make_user


@pytest.fixture
def app_config():
    return {"ZALO_ZNS_TOKEN": "", "SMS_GATEWAY_URL": ""}


def test_a_cadre_sets_changes_and_removes_their_number(app, client, login):
    cadre = make_user("hang.nguyen", unit=make_unit("Huyện ủy Vũ Thư"))
    login(cadre)
    page = client.get("/profile").get_data(as_text=True)
    assert "Hệ thống chưa cấu hình dịch vụ SMS hay Zalo" in page
    assert client.post("/profile", data={"phone": "+84 912-345.678"}).status_code == 302
    db.session.refresh(cadre)
    assert cadre.phone == "84912345678"
    assert "84912345678" in client.get("/profile").get_data(as_text=True)

    refused = client.post("/profile", data={"phone": "0123 456"})
    assert "Không phải số điện thoại di động Việt Nam" in refused.get_data(as_text=True)
    db.session.refresh(cadre)
    assert cadre.phone == "84912345678"  # nothing written

    client.post("/profile", data={"phone": "0388 123 456"})
    db.session.refresh(cadre)
    assert cadre.phone == "84388123456"
    client.post("/profile", data={"phone": "  "})
    db.session.refresh(cadre)
    assert cadre.phone is None
    actions = db.session.scalars(select(AuditLog.details).where(AuditLog.action == "user.phone")).all()
    assert actions == [{"phone": "set"}, {"phone": "set"}, {"phone": "cleared"}]


def test_an_admin_sets_a_number_on_the_account_form(app, client, login):
    province = make_unit("Tỉnh ủy")
    login(make_user("admin", unit=province, roles=[Role.ADMIN]))
    user = make_user("luong.tran", full_name="Trần Văn Lương", unit=province)
    form = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Chưa cấu hình dịch vụ SMS hay Zalo" in form
    data = {"full_name": "Trần Văn Lương", "unit": province.id, "roles": ["cadre"], "active": "y"}
    bad = client.post(f"/admin/users/{user.id}", data={**data, "full_name": "Trần Lương", "phone": "12345"})
    assert bad.status_code == 400 and "0912 345 678" in bad.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.full_name, user.phone) == ("Trần Văn Lương", None)  # nothing partial
    assert client.post(f"/admin/users/{user.id}", data={**data, "phone": "0912345678"}).status_code == 302
    db.session.refresh(user)
    assert user.phone == "84912345678"
    assert 'value="84912345678"' in client.get(f"/admin/users/{user.id}").get_data(as_text=True)


def test_the_pages_say_when_a_channel_is_configured(app, client, login):
    app.config.update(SMS_GATEWAY_URL="http://127.0.0.1:9/send", SMS_GATEWAY_TOKEN="t")
    province = make_unit("Tỉnh ủy")
    make_user("ngoc.do", unit=province)
    make_user("tuan.vu", unit=province).phone = "84912345678"
    admin = make_user("admin", unit=province, roles=[Role.ADMIN])
    db.session.commit()
    login(admin)
    assert "bằng tin nhắn SMS" in client.get("/profile").get_data(as_text=True)
    rules = client.get("/notifications/rules").get_data(as_text=True)
    assert "2 tài khoản đang hoạt động chưa có số điện thoại" in rules  # ngoc.do and the admin
