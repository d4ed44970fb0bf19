"""The landing page after sign-in: what this person can do, by role."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("home.html")
