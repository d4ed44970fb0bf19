"""Administration: the index page; units, accounts, imports and the audit log hang off it."""
from flask import render_template
from flask_babel import lazy_gettext as _l

from elearn.admin import audit_log, imports, units, users  # noqa: F401 - their routes join the blueprint
from elearn.admin.blueprint import bp
from elearn.menu import Entry
from elearn.permissions import Permission, requires

ADMIN_PERMISSIONS = (Permission.MANAGE_UNITS, Permission.MANAGE_USERS, Permission.VIEW_AUDIT)
MENU = [Entry("admin.index", _l("Administration"), ADMIN_PERMISSIONS),
        Entry("admin.users", _l("Accounts"), (Permission.MANAGE_USERS,))]


@bp.get("/")
@requires(*ADMIN_PERMISSIONS, any_of=True)
def index():
    return render_template("admin/index.html")
