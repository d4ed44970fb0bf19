"""The landing page after sign-in: what this person can do, by role."""
from flask import Blueprint, render_template

from elearn.permissions import requires

bp = Blueprint("home", __name__)


@bp.get("/")
@requires()
def index():
    return render_template("home.html")
