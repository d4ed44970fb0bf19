"""Org-unit tree rules. Paths are kept right here and nowhere else."""
from __future__ import annotations

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from elearn import audit, db
from elearn.errors import DomainError
from elearn.units.models import LEVEL_DEPTH, OrgUnit, UnitLevel, subtree_of

#: A unit moved with its subtree: whatever is counted per unit (reports) is counted anew.
units_moved = Namespace().signal("units-moved")


class UnitError(DomainError):
    """A rule of the tree was broken; the message is shown to the user."""


def get_by_code(code: str) -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == code.strip()))


def create_unit(code: str, name: str, level: UnitLevel, parent: OrgUnit | None = None) -> OrgUnit:
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise UnitError(_("Code and name are required."))
    if get_by_code(code) is not None:
        raise UnitError(_("The unit code %(code)s already exists.", code=code))
    _check_level(level, parent)
    unit = OrgUnit(code=code, name=name, level=level, parent=parent, path="")
    db.session.add(unit)
    db.session.flush()  # the id is part of the path
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    audit.record("unit.create", target=code, name=name, parent=parent.code if parent else None)
    db.session.flush()
    return unit


def _check_level(level: UnitLevel, parent: OrgUnit | None) -> None:
    if parent is None:
        if level != UnitLevel.PROVINCE:
            raise UnitError(_("Only a province-level unit can be at the top of the tree."))
    elif LEVEL_DEPTH[level] <= LEVEL_DEPTH[parent.level]:
        raise UnitError(_("A unit must be at a lower level than its parent."))


def rename_unit(unit: OrgUnit, name: str, code: str | None = None) -> None:
    name = name.strip()
    if not name:
        raise UnitError(_("Code and name are required."))
    if code and code.strip() != unit.code:
        if get_by_code(code) is not None:
            raise UnitError(_("The unit code %(code)s already exists.", code=code))
        unit.code = code.strip()
    before, unit.name = unit.name, name
    audit.record("unit.rename", target=unit.code, before=before, after=name)
    db.session.flush()


def move_unit(unit: OrgUnit, new_parent: OrgUnit) -> int:
    """Move a unit with its whole subtree; returns how many units moved."""
    if new_parent.id == unit.id or unit.is_ancestor_of(new_parent):
        raise UnitError(_("A unit cannot be moved under itself or one of its own sub-units."))
    _check_level(unit.level, new_parent)
    old_prefix, new_prefix = unit.path, new_parent.path + f"{unit.id}/"
    # One UPDATE rewrites every path in the subtree: new prefix + the rest of the old path.
    moved = db.session.execute(
        update(OrgUnit)
        .where(subtree_of(old_prefix))
        .values(path=new_prefix + func.substr(OrgUnit.path, len(old_prefix) + 1))
        .execution_options(synchronize_session=False)
    ).rowcount
    unit.parent_id = new_parent.id
    audit.record("unit.move", target=unit.code, to=new_parent.code, units=moved)
    db.session.flush()
    units_moved.send(None, unit_id=unit.id)
    db.session.expire_all()
    return moved


def set_active(unit: OrgUnit, active: bool) -> None:
    unit.active = active
    audit.record("unit.activate" if active else "unit.deactivate", target=unit.code)
    db.session.flush()


def all_units(include_inactive: bool = True) -> list[OrgUnit]:
    """Every unit in tree order (parents before children, siblings by code)."""
    stmt = select(OrgUnit)
    if not include_inactive:
        stmt = stmt.where(OrgUnit.active.is_(True))
    units = list(db.session.scalars(stmt))
    return sort_tree(units)


def subtree(unit: OrgUnit) -> list[OrgUnit]:
    return sort_tree(list(db.session.scalars(select(OrgUnit).where(subtree_of(unit.path)))))


def sort_tree(units: list[OrgUnit]) -> list[OrgUnit]:
    """Depth-first order, siblings by code (path ids alone would sort by creation)."""
    by_id = {u.id: u for u in units}

    def key(u: OrgUnit):
        ids = [int(x) for x in u.path.strip("/").split("/") if x]
        return [by_id[i].code if i in by_id else str(i) for i in ids]

    return sorted(units, key=key)
