"""One scope rule: ``permissions.scope_of`` says in which unit subtree a user holds a permission,
and every query that narrows by units asks it (statistics, certificates, contests, assignments)."""
from elearn.permissions import Permission, Role, in_scope, loses, roles_with, scope_of
from tests.factories import make_unit, make_user


def test_scope_follows_the_role_and_the_unit(app):
    province = make_unit("Tỉnh", code="T")
    district = make_unit("Huyện", province, code="TH")
    other = make_unit("Huyện khác", province, code="TK")
    admin = make_user(roles=[Role.ADMIN], unit=district)
    manager = make_user(roles=[Role.MANAGER], unit=district)
    cadre = make_user(unit=district)
    homeless = make_user(roles=[Role.MANAGER])

    assert scope_of(None, Permission.VIEW_STATS) == "/"            # the command line
    assert scope_of(admin, Permission.VIEW_STATS) == "/"           # everywhere, whatever their own unit
    assert scope_of(manager, Permission.VIEW_STATS) == district.path
    assert scope_of(manager, Permission.VIEW_CERTIFICATES) == district.path
    assert scope_of(cadre, Permission.VIEW_STATS) is None
    assert scope_of(homeless, Permission.VIEW_STATS) is None       # a manager of no unit sees nothing
    assert in_scope(manager, Permission.VIEW_STATS, district) and not in_scope(manager, Permission.VIEW_STATS, other)
    assert in_scope(admin, Permission.VIEW_STATS, other)


def test_roles_are_read_only_through_permissions():
    assert roles_with(Permission.BE_ASSIGNED) == ["cadre"]           # an administrator alone is no learner
    assert loses(Permission.MANAGE_USERS, {Role.ADMIN, Role.CADRE}, {Role.CADRE})
    assert not loses(Permission.MANAGE_USERS, {Role.ADMIN}, {Role.ADMIN, Role.MANAGER})


def test_no_role_is_checked_outside_permissions():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(root)) for pkg in ("elearn", "courses", "quizzes", "reports")
                 for p in (root / pkg).rglob("*.py") if "has_role(" in p.read_text(encoding="utf-8")]
    assert offenders == []
