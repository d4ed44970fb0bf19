"""Administration: the index page; units, accounts and audit pages hang off it."""
from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from elearn.permissions import Permission

bp = Blueprint("admin", __name__, url_prefix="/admin")

ADMIN_PERMISSIONS = (Permission.MANAGE_UNITS, Permission.MANAGE_USERS, Permission.VIEW_AUDIT)


@bp.get("/")
@login_required
def index():
    if not any(current_user.can(p) for p in ADMIN_PERMISSIONS):
        abort(403)
    return render_template("admin/index.html")
