"""Administration: the index page; units, accounts and audit pages hang off it."""
from flask import Blueprint, render_template

from elearn.permissions import Permission, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")

ADMIN_PERMISSIONS = (Permission.MANAGE_UNITS, Permission.MANAGE_USERS, Permission.VIEW_AUDIT)


@bp.get("/")
@requires(*ADMIN_PERMISSIONS, any_of=True)
def index():
    return render_template("admin/index.html")
