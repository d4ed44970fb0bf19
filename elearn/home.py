"""The landing page after sign-in: what this person can do, by role."""
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from elearn.permissions import Permission

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    # A cadre's home is "My courses" (when the courses package is installed); other roles get cards.
    if current_user.permissions == {Permission.STUDY} and "courses.my_courses" in current_app.view_functions:
        return redirect(url_for("courses.my_courses"))
    return render_template("home.html")
