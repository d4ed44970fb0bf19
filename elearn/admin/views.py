"""Administration: the index page; units, accounts, imports and the audit log hang off it."""
from flask import abort, render_template
from flask_login import current_user, login_required

from elearn.admin import audit_log, imports, units, users  # noqa: F401 - their routes join the blueprint
from elearn.admin.blueprint import bp
from elearn.permissions import Permission

ADMIN_PERMISSIONS = (Permission.MANAGE_UNITS, Permission.MANAGE_USERS, Permission.VIEW_AUDIT)


@bp.get("/")
@login_required
def index():
    if not any(current_user.can(p) for p in ADMIN_PERMISSIONS):
        abort(403)
    return render_template("admin/index.html")
