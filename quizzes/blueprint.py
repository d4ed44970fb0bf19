"""The one ``quizzes`` blueprint: the learner's pages (``views``) and the trainer's (``manage``) add
their routes to it; the app factory imports both and registers it."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes", template_folder="templates", static_folder="static",
               static_url_path="/static/quizzes")
