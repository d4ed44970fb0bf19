"""The API's requests, scope by scope: who may read what, with which token, and bad input."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from courses.certificates.models import Certificate
from elearn import db
from elearn.accounts.models import CredentialHandout, User
from elearn.api import services
from elearn.api.models import ApiToken
from elearn.audit import AuditLog
from elearn.db import utcnow
from elearn.permissions import Role
from tests.api.factories import bearer, make_token
from tests.courses.certificates.factories import complete, make_quiz_course
from tests.factories import make_unit, make_user
from tests.reports.factories import Province


@pytest.fixture
def tree(app):
    province = make_unit("Tỉnh ủy Thử", code="P")
    a = make_unit("Huyện ủy An", province, code="PA")
    a1 = make_unit("Xã An Một", a, code="PA1")
    b = make_unit("Huyện ủy Bình", province, code="PB")
    return province, a, a1, b


def test_no_token_bad_token_expired_revoked_inactive(client, tree):
    province = tree[0]
    admin = make_user("adm", roles=[Role.ADMIN], unit=province)
    assert client.get("/api/v1/units").status_code == 401
    assert client.get("/api/v1/units", headers={"Authorization": "Bearer elt_nope"}).status_code == 401
    assert client.get("/api/v1/units", headers={"Authorization": "Basic YTpi"}).status_code == 401

    secret = make_token(admin)
    response = client.get("/api/v1/units", headers=bearer(secret))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    token = db.session.scalar(select(ApiToken))
    assert token.secret_hash == services.hash_secret(secret) and secret not in str(
        db.session.execute(select(ApiToken.__table__)).all())  # only the hash is kept
    assert token.last_used_at is not None

    db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get("/api/v1/units", headers=bearer(secret))
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert "error" in response.get_json()

    second = make_token(admin)
    services.revoke_token(db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc())), admin)
    db.session.commit()
    assert client.get("/api/v1/units", headers=bearer(second)).status_code == 401

    third = make_token(admin)
    admin.active = False
    db.session.commit()
    assert client.get("/api/v1/units", headers=bearer(third)).status_code == 401


def test_wrong_scope_and_a_scope_the_user_lost(client, tree):
    province = tree[0]
    admin = make_user("adm", roles=[Role.ADMIN], unit=province)
    secret = make_token(admin, ["courses:read"])
    assert client.get("/api/v1/courses", headers=bearer(secret)).status_code == 200
    response = client.get("/api/v1/accounts", headers=bearer(secret))
    assert response.status_code == 403 and "accounts:read" in response.get_json()["error"]

    full = make_token(admin, ["accounts:read"])
    assert client.get("/api/v1/accounts", headers=bearer(full)).status_code == 200
    admin.set_roles([Role.CADRE])  # the token never holds more than its user now does
    db.session.commit()
    assert client.get("/api/v1/accounts", headers=bearer(full)).status_code == 403


def test_a_user_cannot_give_a_token_a_scope_they_lack(app, tree):
    cadre = make_user("hv", unit=tree[2])
    with pytest.raises(services.TokenError):
        services.create_token(cadre, "x", ["accounts:write"], 30)
    with pytest.raises(services.TokenError):
        services.create_token(cadre, "x", ["courses:read"], 30, service=True)
    with pytest.raises(services.TokenError):
        services.create_token(cadre, "x", ["courses:read"], 3)  # not an offered lifetime
    with pytest.raises(services.TokenError):
        services.create_token(cadre, " ", ["courses:read"], 30)
    for _ in range(services.MAX_LIVE_TOKENS):
        services.create_token(cadre, "x", ["courses:read"], 30)
    with pytest.raises(services.TokenError, match="thu hồi"):
        services.create_token(cadre, "one too many", ["courses:read"], 30)


def test_manager_sees_their_subtree_only(client, tree):
    province, a, a1, b = tree
    manager = make_user("ql.an", roles=[Role.MANAGER], unit=a)
    make_user("hv.an1", unit=a1)
    secret = make_token(manager)
    units = client.get("/api/v1/units", headers=bearer(secret)).get_json()["items"]
    assert [u["code"] for u in units] == ["PA", "PA1"]
    assert client.get("/api/v1/units/PB", headers=bearer(secret)).status_code == 404
    assert client.get("/api/v1/units/PA1", headers=bearer(secret)).get_json()["parent_code"] == "PA"
    assert client.get("/api/v1/stats/units/PB/summary", headers=bearer(secret)).status_code == 404
    assert client.get("/api/v1/stats/units/P/summary", headers=bearer(secret)).status_code == 404
    assert client.get("/api/v1/stats/units/PA/summary", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/enrolments?unit=PB", headers=bearer(secret)).status_code == 404
    # A manager's token has no account scopes at all.
    assert client.get("/api/v1/accounts", headers=bearer(secret)).status_code == 403


def test_service_token_narrowed_to_a_unit(client, tree):
    province, a, a1, b = tree
    admin = make_user("adm", roles=[Role.ADMIN], unit=province)
    make_user("hv.binh", unit=b)
    make_user("hv.an", unit=a1)
    secret = make_token(admin, service=True, unit=a)
    headers = bearer(secret)
    assert [u["code"] for u in client.get("/api/v1/units", headers=headers).get_json()["items"]] == ["PA", "PA1"]
    names = [u["username"] for u in client.get("/api/v1/accounts", headers=headers).get_json()["items"]]
    assert names == ["hv.an"]
    assert client.get("/api/v1/accounts/hv.binh", headers=headers).status_code == 404
    assert client.get("/api/v1/accounts/hv.an", headers=headers).status_code == 200
    assert client.get("/api/v1/stats/units/PB/summary", headers=headers).status_code == 404

    # Writing: a unit, or an existing account, outside the token's units refuses the whole request.
    body = {"accounts": [{"username": "moi.an", "full_name": "Trần Văn Mới", "unit_code": "PA1"},
                         {"username": "hv.binh", "full_name": "Lê Thị Bình", "unit_code": "PA1"},
                         {"username": "moi.binh", "full_name": "Phạm Văn Khác", "unit_code": "PB"}]}
    response = client.post("/api/v1/accounts/bulk", headers=headers, json=body)
    assert response.status_code == 400
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert fields == ["accounts[1].username", "accounts[2].unit_code"]
    assert db.session.scalar(select(func.count(User.id)).where(User.username.like("moi.%"))) == 0


def test_bulk_upsert_is_all_or_nothing_with_field_paths(client, tree):
    province, a, a1, b = tree
    admin = make_user("adm", roles=[Role.ADMIN], unit=province)
    make_user("co.san", unit=a1, full_name="Nguyễn Văn Cũ")
    headers = bearer(make_token(admin))
    before = db.session.scalar(select(func.count(User.id)))

    bad = {"accounts": [
        {"username": "moi.mot", "full_name": "Đỗ Thị Một", "unit_code": "PA1", "roles": ["cadre"]},
        {"username": "moi.hai", "full_name": "Vũ Văn Hai", "unit_code": "KHONG-CO", "roles": ["cadre"]},
        {"username": "moi.mot", "full_name": "Lặp Lại", "unit_code": "PA1", "roles": ["cadre"]}]}
    response = client.post("/api/v1/accounts/bulk", headers=headers, json=bad)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert {e["field"] for e in errors} == {"accounts[1].unit_code", "accounts[2].username"}
    assert all(e["message"] for e in errors)
    assert db.session.scalar(select(func.count(User.id))) == before

    good = {"accounts": [
        {"username": "moi.mot", "full_name": "Đỗ Thị Một", "unit_code": "PA1", "roles": ["cadre"]},
        {"username": "co.san", "full_name": "Nguyễn Văn Đổi", "unit_code": "PB", "roles": ["cadre", "trainer"]}]}
    response = client.post("/api/v1/accounts/bulk", headers=headers, json=good)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": 1, "updated": 1, "handout": True}
    changed = db.session.scalar(select(User).where(User.username == "co.san"))
    db.session.refresh(changed)
    assert changed.full_name == "Nguyễn Văn Đổi" and changed.unit.code == "PB"
    assert changed.roles == {Role.CADRE, Role.TRAINER}
    # The new account's temporary password waits for the admin, once; it is not in the answer.
    assert db.session.scalar(select(CredentialHandout.accounts).where(CredentialHandout.created_by_id == admin.id)) == 1
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "users.import"))
    assert entry.details["via"] == "api" and entry.actor_id == admin.id

    # Optional fields must be the same for every account (a missing one would clear that field).
    mixed = {"accounts": [{"username": "x.y", "full_name": "A B", "unit_code": "PA", "email": "a@b.vn"},
                          {"username": "y.z", "full_name": "C D", "unit_code": "PA"}]}
    response = client.post("/api/v1/accounts/bulk", headers=headers, json=mixed)
    assert response.status_code == 400 and response.get_json()["errors"][0]["field"] == "accounts[1]"


@pytest.mark.parametrize("body, field", [
    ({"accounts": "nope"}, "accounts"),
    ({"accounts": []}, "accounts"),
    ({"accounts": [{"username": 5, "full_name": "A", "unit_code": "P"}]}, "accounts[0].username"),
    ({"accounts": [{"username": "a", "full_name": "A", "unit_code": "P", "roles": ["king"]}]}, "accounts[0].roles[0]"),
    ({"accounts": [{"username": "a", "full_name": "A", "unit_code": "P", "extra": 1}]}, "accounts[0].extra"),
    ({"accounts": [None]}, "accounts[0]"),
    ({"other": 1}, "other"),
])
def test_wrong_types_give_a_field_path(client, tree, body, field):
    admin = make_user("adm", roles=[Role.ADMIN], unit=tree[0])
    response = client.post("/api/v1/accounts/bulk", headers=bearer(make_token(admin)), json=body)
    assert response.status_code == 400
    assert field in [e["field"] for e in response.get_json()["errors"]], response.get_json()


@pytest.mark.parametrize("data, content_type, status", [
    (b"{bad json", "application/json", 400),
    (b"[1, 2]", "application/json", 400),
    (b"\xff\xfe", "application/json", 400),
    (b"accounts=1", "application/x-www-form-urlencoded", 415),
    (b"[" * 100_000, "application/json", 400),
    (b'{"accounts": ' + b"[" * 5000 + b"]" * 5000 + b"}", "application/json", 400),
    (b'{"accounts": [{"username": "a\\u0000b", "full_name": "A", "unit_code": "P"}]}', "application/json", 400),
])
def test_malformed_bodies(client, tree, data, content_type, status):
    admin = make_user("adm", roles=[Role.ADMIN], unit=tree[0])
    response = client.post("/api/v1/accounts/bulk", headers=bearer(make_token(admin)), data=data,
                           content_type=content_type)
    assert response.status_code == status and response.is_json


def test_messages_in_vietnamese(client, tree):
    admin = make_user("adm", roles=[Role.ADMIN], unit=tree[0])
    response = client.get("/api/v1/units?page=x&per_page=9999", headers={**bearer(make_token(admin)),
                                                                         "Accept-Language": "vi"})
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert errors == {"page": "Không phải số nguyên.", "per_page": "Ngoài khoảng cho phép."}


def test_courses_enrolments_and_statistics(client, app):
    p = Province()  # district A: anh (complete), duc (started), binh (none), xa (lesson); B: other (complete)
    course = p.course
    headers = bearer(make_token(p.manager_a))
    listed = client.get("/api/v1/courses", headers=headers).get_json()["items"]
    assert [c["slug"] for c in listed] == [course.slug]
    detail = client.get(f"/api/v1/courses/{course.slug}", headers=headers).get_json()
    assert [i["kind"] for i in detail["modules"][0]["items"]] == ["lesson", "quiz"]
    assert client.get("/api/v1/courses/khong-co", headers=headers).status_code == 404
    # Assigned to the province: outside district A's manager's subtree; a cadre below sees it reach them.
    assert client.get(f"/api/v1/courses/{course.slug}/assignments", headers=headers).get_json()["items"] == []
    reach = client.get(f"/api/v1/courses/{course.slug}/assignments", headers=bearer(make_token(p.duc))).get_json()
    assert [a["unit_code"] for a in reach["items"]] == ["P"]
    admin = client.get(f"/api/v1/courses/{course.slug}/assignments", headers=bearer(make_token(p.admin))).get_json()
    assert [a["unit_code"] for a in admin["items"]] == ["P"]

    rows = client.get("/api/v1/enrolments?per_page=2", headers=headers).get_json()
    assert len(rows["items"]) == 2 and rows["has_more"]
    rows = client.get("/api/v1/enrolments", headers=headers).get_json()["items"]
    assert sorted((r["username"], r["required_done"], r["required_items"]) for r in rows) == [
        ("anh", 2, 2), ("binh", 0, 2), ("duc", 0, 2), ("xa", 1, 2)]
    summary = client.get("/api/v1/stats/units/PA/summary", headers=headers).get_json()
    assert (summary["total"]["enrolled"], summary["total"]["completed"]) == (4, 1)
    assert summary["courses"] == [course.slug] and [c["code"] for c in summary["children"]] == ["PA1"]
    cadres = client.get("/api/v1/stats/units/PA1a/cadres", headers=headers).get_json()
    assert [(r["username"], r["progress"], r["passed"], r["certificate_code"] is not None) for r in cadres["items"]] \
        == [("anh", 100.0, True, False), ("binh", 0.0, False, False), ("duc", 0.0, False, False)]
    assert cadres["items"][0]["enrolled_on"] == "2023-03-01" and cadres["items"][0]["course"] == course.slug
    behind = client.get("/api/v1/stats/units/PA1a/cadres?behind=true&per_page=1", headers=headers).get_json()
    assert [r["username"] for r in behind["items"]] == ["binh"] and behind["has_more"]
    assert client.get("/api/v1/stats/units/PB/cadres", headers=headers).status_code == 404
    response = client.get("/api/v1/stats/units/PA/summary?from=2023-13-01", headers=headers)
    assert response.status_code == 400 and response.get_json()["errors"][0]["field"] == "from"

    own = client.get("/api/v1/me/enrolments", headers=bearer(make_token(p.duc))).get_json()["items"]
    assert [(r["course"], r["required_done"]) for r in own] == [(course.slug, 0)]
    assert client.get("/api/v1/enrolments", headers=bearer(make_token(p.duc))).status_code == 403
    assert client.get("/api/v1/stats/units/PA/summary", headers=bearer(make_token(p.duc))).status_code == 403


def test_certificates_verify_and_list(client, app):
    province = make_unit("Tỉnh", code="T")
    a, b = make_unit("A", province, code="TA"), make_unit("B", province, code="TB")
    course = make_quiz_course()
    mine = complete(make_user("hv.a", unit=a), course)
    theirs = complete(make_user("hv.b", unit=b), course)
    manager = make_user("ql.a", roles=[Role.MANAGER], unit=a)
    headers = bearer(make_token(manager))
    listed = client.get("/api/v1/certificates", headers=headers).get_json()["items"]
    assert [c["full_name"] for c in listed] == [mine.full_name]
    # Verification answers for any code, as the public page does; an unknown one is a 404.
    other = client.get(f"/api/v1/certificates/{theirs.code.lower()}", headers=headers).get_json()
    assert other["status"] == "valid"
    assert client.get("/api/v1/certificates/AAAA-BBBB", headers=headers).status_code == 404
    theirs.revoked_at = utcnow()
    db.session.commit()
    assert client.get(f"/api/v1/certificates/{theirs.code}", headers=headers).get_json()["status"] == "revoked"
    assert db.session.scalar(select(func.count(Certificate.id))) == 2


def test_an_address_no_route_matches_is_a_json_404(client):
    for url in ("/api/v1/nothing-here", "/api/v1/contests/-1/rounds/2/results", "/api/v1/contests/99999999999/rounds/1/results"):
        response = client.get(url)
        assert response.status_code == 404 and response.is_json and response.get_json()["error"]
    assert "text/html" in client.get("/no-such-page").content_type  # the pages keep their error page


def test_the_cli_makes_lists_and_revokes_service_tokens(app, runner, client, tree):
    make_user("adm", roles=[Role.ADMIN], unit=tree[0])
    result = runner.invoke(args=["api", "token", "--user", "adm", "--name", "Cổng thông tin", "--scope", "units:read",
                                 "--unit", "PA", "--days", "90"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("elt_")
    assert [u["code"] for u in client.get("/api/v1/units", headers=bearer(secret)).get_json()["items"]] == ["PA", "PA1"]
    listed = runner.invoke(args=["api", "tokens"]).output
    assert "service\tadm\tPA\tunits:read" in listed and secret not in listed
    token_id = listed.split("\t")[0]
    assert runner.invoke(args=["api", "revoke", token_id, "--by", "adm"]).exit_code == 0
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 401
    cadre = make_user("hv", unit=tree[1])
    refused = runner.invoke(args=["api", "token", "--user", cadre.username, "--name", "x", "--scope", "units:read"])
    assert refused.exit_code != 0 and db.session.scalar(select(func.count(ApiToken.id))) == 1
