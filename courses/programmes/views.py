"""The cadre's page: "My programmes" (Chương trình của tôi)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses.certificates import codes
from courses.certificates import programme as certificates
from courses.programmes import queries, services
from elearn import db
from elearn.menu import Entry
from elearn.permissions import Permission, requires

bp = Blueprint("programmes", __name__, template_folder="templates")
MENU = [Entry("programmes.mine", _l("My programmes"), (Permission.STUDY,))]


@bp.get("/my-programmes")
@requires(Permission.STUDY)
def mine():
    me = current_user._get_current_object()
    if services.apply_assignments(me):  # a cadre who joined an assigned unit after the assignment
        db.write_now()  # before rendering: SQLite's write lock is not held while the page renders
    return render_template("programmes/mine.html", cards=queries.my_programmes(me),
                           certificates=certificates.programme_certificates(me), grouped=codes.grouped)
