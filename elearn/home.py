"""The landing page after sign-in: what this person can do, by role."""
from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from elearn.menu import Entry
from elearn.permissions import only_learns, requires

bp = Blueprint("home", __name__)
MENU = [Entry("home.index", _l("Home"))]


@bp.get("/")
@requires()
def index():
    # A cadre's home is "My courses" (when the courses package is installed); other roles get cards.
    my_courses = current_app.view_functions.get("courses.my_courses")
    if my_courses is not None and only_learns(current_user):
        return my_courses()
    return render_template("home.html")
