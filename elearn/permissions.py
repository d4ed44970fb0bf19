"""Roles, permissions, and the one table that joins them.

Views declare what they need with ``@requires(Permission.X)``; queries then
narrow to what the user may see (``scope_units``). Both places, every time.
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


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CADRE: frozenset({Permission.STUDY}),
    Role.TRAINER: frozenset({
        Permission.STUDY, Permission.AUTHOR_COURSES, Permission.ASSIGN_COURSES,
        Permission.VIEW_RESULTS, Permission.MANAGE_CONTESTS,
    }),
    Role.MANAGER: frozenset({Permission.STUDY, Permission.VIEW_STATS, Permission.EXPORT_STATS}),
    Role.ADMIN: frozenset(Permission),
}


def permissions_for(roles) -> frozenset[Permission]:
    return _permissions_for(frozenset(roles))


@lru_cache(maxsize=64)  # asked many times a page (every menu entry), by a handful of role sets
def _permissions_for(roles: frozenset) -> frozenset[Permission]:
    perms: set[Permission] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(perms)


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
