"""Admin pages for the organisation tree."""
from sqlalchemy import select

from elearn import db
from elearn.audit import AuditLog
from elearn.permissions import Role
from elearn.units.models import OrgUnit
from tests.factories import make_unit, make_user


def _admin(login, unit):
    login(make_user(roles=[Role.ADMIN], unit=unit))


def test_tree_page_indents_by_depth_and_escapes_names(app, client, login):
    province = make_unit("Tỉnh ủy", code="TB")
    district = make_unit("<script>alert(1)</script>", province, code="TB-X")
    make_unit("Xã Một", district, code="TB-X-1")
    _admin(login, province)
    page = client.get("/admin/units").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.index("TB-X<") < page.index("TB-X-1<")
    assert 'class="depth-2"' in page


def test_create_unit_with_parent_and_refuse_duplicate_code(app, client, login):
    province = make_unit(code="TB")
    _admin(login, province)
    form = client.get(f"/admin/units/new?parent={province.id}").get_data(as_text=True)
    assert '<option selected value="district">' in form
    data = {"code": "TB-VT", "name": "Huyện ủy Vũ Thư", "level": "district", "parent": province.id}
    assert client.post("/admin/units/new", data=data).status_code == 302
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == "TB-VT"))
    assert unit.parent_id == province.id and unit.path == f"{province.path}{unit.id}/"
    again = client.post("/admin/units/new", data=data)
    assert again.status_code == 200 and "Mã đơn vị TB-VT đã tồn tại." in again.get_data(as_text=True)


def test_rename_and_recode(app, client, login):
    province = make_unit(code="TB")
    unit = make_unit("Cũ", province, code="OLD")
    _admin(login, province)
    response = client.post(f"/admin/units/{unit.id}/rename", data={"code": "NEW", "name": "Huyện ủy Mới"})
    assert response.status_code == 302
    db.session.refresh(unit)
    assert (unit.code, unit.name) == ("NEW", "Huyện ủy Mới")
    clash = client.post(f"/admin/units/{unit.id}/rename", data={"code": "TB", "name": "X"})
    assert clash.status_code == 400


def test_move_with_subtree_and_refuse_own_descendant(app, client, login):
    province = make_unit(code="TB")
    a, b = make_unit("A", province), make_unit("B", province)
    commune = make_unit("A1", a)
    cell = make_unit("A1a", commune)
    _admin(login, province)
    page = client.get(f"/admin/units/{a.id}").get_data(as_text=True)
    assert f'<option value="{commune.id}"' not in page  # its own descendants are not offered
    refused = client.post(f"/admin/units/{a.id}/move", data={"parent": commune.id})
    assert refused.status_code == 400
    assert "Không thể chuyển một đơn vị vào chính nó" in refused.get_data(as_text=True)
    assert client.post(f"/admin/units/{commune.id}/move", data={"parent": b.id}).status_code == 302
    db.session.refresh(cell)
    assert cell.path.startswith(b.path)


def test_deactivate_then_reactivate_is_replay_safe(app, client, login):
    province = make_unit(code="TB")
    unit = make_unit(parent=province)
    _admin(login, province)
    for _ in range(2):  # a double click deactivates once
        assert client.post(f"/admin/units/{unit.id}/deactivate").status_code == 302
    db.session.refresh(unit)
    assert unit.active is False
    assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "unit.deactivate")).all()) == 1
    client.post(f"/admin/units/{unit.id}/activate")
    db.session.refresh(unit)
    assert unit.active is True


def test_unknown_unit_is_404(app, client, login):
    _admin(login, make_unit())
    assert client.get("/admin/units/9999").status_code == 404
