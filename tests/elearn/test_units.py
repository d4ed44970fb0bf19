import pytest
from sqlalchemy import select

from elearn import db
from elearn.accounts.models import users_in_subtree
from elearn.units import services
from elearn.units.models import OrgUnit, UnitLevel, subtree_of
from tests.factories import make_unit, make_user


def _tree():
    province = make_unit("Tỉnh ủy")
    a, b = make_unit("Huyện A", province), make_unit("Huyện B", province)
    commune = make_unit("Xã A1", a)
    cell = make_unit("Chi bộ A1a", commune)
    return province, a, b, commune, cell


def test_paths_and_subtree_query(app):
    province, a, b, commune, cell = _tree()
    assert cell.path == f"/{province.id}/{a.id}/{commune.id}/{cell.id}/"
    codes = set(db.session.scalars(select(OrgUnit.code).where(subtree_of(a.path))))
    assert codes == {a.code, commune.code, cell.code}


def test_subtree_does_not_match_sibling_with_longer_id(app):
    province = make_unit()
    units = [make_unit(parent=province) for _ in range(12)]  # ids 2 and 12 share a prefix
    first = units[0]
    found = set(db.session.scalars(select(OrgUnit.id).where(subtree_of(first.path))))
    assert found == {first.id}


def test_move_carries_the_subtree(app):
    province, a, b, commune, cell = _tree()
    services.move_unit(commune, b)
    db.session.commit()
    db.session.refresh(cell)
    assert cell.path.startswith(b.path)
    assert set(db.session.scalars(select(OrgUnit.id).where(subtree_of(a.path)))) == {a.id}


def test_move_under_own_descendant_is_refused(app):
    province, a, b, commune, cell = _tree()
    with pytest.raises(services.UnitError):
        services.move_unit(a, commune)
    with pytest.raises(services.UnitError):
        services.move_unit(a, a)


def test_level_rules(app):
    province = make_unit()
    with pytest.raises(services.UnitError):
        services.create_unit("X", "Xã lạc", UnitLevel.COMMUNE, None)
    with pytest.raises(services.UnitError):
        services.create_unit("Y", "Tỉnh con", UnitLevel.PROVINCE, province)


def test_users_in_subtree(app):
    province, a, b, commune, cell = _tree()
    inside, outside = make_user(unit=cell), make_user(unit=b)
    found = set(db.session.scalars(users_in_subtree(a.path)).all())
    assert inside in found and outside not in found


def test_units_list_json(app, runner):
    import json

    province, a, *_ = _tree()
    result = runner.invoke(args=["units", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    by_code = {r["code"]: r for r in rows}
    assert by_code[a.code] == {"code": a.code, "name": "Huyện A", "level": "district",
                               "parent_code": province.code, "active": True}
    assert rows[0]["code"] == province.code
