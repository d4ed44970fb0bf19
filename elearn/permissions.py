"""Roles, permissions, and the one table that joins them.

Views declare what they need with ``@requires(Permission.X)``; queries then narrow to the units
where the user holds it (``scope_of``). Both places, every time. Roles are read here and nowhere
else: the rest of the code asks about permissions.
"""
from __future__ import annotations

import enum
from functools import lru_cache, wraps

from flask import abort
from flask_login import current_user, login_required


class Role(str, enum.Enum):
    ADMIN = "admin"
    MANAGER = "manager"
    TRAINER = "trainer"
    CADRE = "cadre"


class Permission(str, enum.Enum):
    STUDY = "study"                      # enrol, read lessons, take quizzes, own certificates
    AUTHOR_COURSES = "author_courses"    # write courses, lessons, question banks, quizzes
    ASSIGN_COURSES = "assign_courses"    # assign a course to a unit subtree
    VIEW_RESULTS = "view_results"        # quiz results and statistics of one's courses
    MANAGE_CONTESTS = "manage_contests"
    VIEW_STATS = "view_stats"            # dashboards of one's unit subtree
    EXPORT_STATS = "export_stats"
    EDIT_ANY_COURSE = "edit_any_course"
    MANAGE_UNITS = "manage_units"
    MANAGE_USERS = "manage_users"        # accounts, roles, bulk imports
    VIEW_AUDIT = "view_audit"
    REVOKE_CERTIFICATES = "revoke_certificates"
    VIEW_CERTIFICATES = "view_certificates"  # certificates of one's unit subtree (download, zip)
    MANAGE_ANY_CONTEST = "manage_any_contest"  # every contest, not only one's own
    EVERY_UNIT = "every_unit"            # what one holds, one holds in every unit, not only one's subtree
    BE_ASSIGNED = "be_assigned"          # counted as a learner: courses assigned to one's unit enrol one


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CADRE: frozenset({Permission.STUDY, Permission.BE_ASSIGNED}),
    Role.TRAINER: frozenset({
        Permission.STUDY, Permission.AUTHOR_COURSES, Permission.ASSIGN_COURSES,
        Permission.VIEW_RESULTS, Permission.MANAGE_CONTESTS,
    }),
    Role.MANAGER: frozenset({Permission.STUDY, Permission.VIEW_STATS, Permission.EXPORT_STATS,
                             Permission.VIEW_CERTIFICATES}),
    # Everything, in every unit; an administrator is a learner only with the cadre role as well.
    Role.ADMIN: frozenset(Permission) - {Permission.BE_ASSIGNED},
}


def permissions_for(roles) -> frozenset[Permission]:
    return _permissions_for(frozenset(roles))


@lru_cache(maxsize=64)  # asked many times a page (every menu entry), by a handful of role sets
def _permissions_for(roles: frozenset) -> frozenset[Permission]:
    perms: set[Permission] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(perms)


def scope_of(user, permission: Permission) -> str | None:
    """The unit subtree (a path prefix for ``elearn.units.models.subtree_of``) in which ``user`` holds
    ``permission``: ``"/"`` for whoever holds it in every unit (an administrator), their own unit's
    subtree for anyone else who holds it, None where they hold it nowhere. ``None`` as the user is
    the command line, which acts everywhere."""
    if user is None:
        return "/"
    if not user.can(permission):
        return None
    if user.can(Permission.EVERY_UNIT):
        return "/"
    return user.unit.path if user.unit is not None else None


def only_learns(user) -> bool:
    """Whether ``user`` can do no more than a cadre (their home is "My courses")."""
    return user.permissions <= ROLE_PERMISSIONS[Role.CADRE]


def roles_with(permission: Permission) -> list[str]:
    """The roles (their stored values) that give ``permission``: for queries over many users."""
    return sorted(role.value for role, held in ROLE_PERMISSIONS.items() if permission in held)


def loses(permission: Permission, old_roles, new_roles) -> bool:
    """Whether going from ``old_roles`` to ``new_roles`` takes ``permission`` away (an administrator
    may not lock themselves out: ``MANAGE_USERS``)."""
    return permission in permissions_for(old_roles) and permission not in permissions_for(new_roles)


def in_scope(user, permission: Permission, unit) -> bool:
    """Whether ``unit`` lies in the subtree where ``user`` holds ``permission``."""
    scope = scope_of(user, permission)
    return scope is not None and unit is not None and unit.path.startswith(scope)


def requires(*needed: Permission, any_of: bool = False):
    """Sign-in required, then every listed permission (or one of them, ``any_of``), else 403.

    ``@requires()`` with no permission means: any signed-in user. Every view declares either
    this or ``@public``; ``tests/test_authorization.py`` walks the URL map to make sure.
    """
    check = any if any_of else all

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if needed and not check(current_user.can(p) for p in needed):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permissions = frozenset(needed)
        wrapped.any_permission = any_of
        return wrapped

    return decorator


def public(view):
    """Declare a view open to anonymous visitors (sign-in page, certificate verification)."""
    view.public = True
    return view
