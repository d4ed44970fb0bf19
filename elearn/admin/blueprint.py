"""The one ``admin`` blueprint; units, users, imports and audit modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
