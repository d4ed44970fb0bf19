"""One unit of work per request (issue 16): the request commits once when it succeeds, an error
response or a refused action keeps nothing, and a service's refusal reaches the user through one
handler (a message and back to the form's page; JSON for scripts; a 400 page for a GET)."""
from __future__ import annotations

from sqlalchemy import select

from elearn import db
from elearn.accounts.models import User
from elearn.errors import DomainError
from elearn.permissions import public
from tests.factories import make_user


def _routes(app):
    def rename(status: int):
        user = db.session.scalar(select(User).where(User.username == "uow"))
        user.position = "changed"
        db.session.flush()
        return "", status

    @public
    def kept():
        return rename(200)

    @public
    def error_status():
        return rename(404)

    @public
    def refused():
        rename(200)
        raise DomainError("Không được phép làm việc này.")

    for name, view in (("kept", kept), ("error_status", error_status), ("refused", refused)):
        app.add_url_rule(f"/_uow/{name}", name, view, methods=["GET", "POST"])


def _position() -> str:
    db.session.rollback()
    return db.session.scalar(select(User.position).where(User.username == "uow"))


def test_a_successful_request_commits_without_the_view_committing(app, client):
    make_user("uow", position="before")
    _routes(app)
    assert client.post("/_uow/kept").status_code == 200 and _position() == "changed"


def test_an_error_response_keeps_nothing(app, client):
    make_user("uow", position="before")
    _routes(app)
    assert client.post("/_uow/error_status").status_code == 404 and _position() == "before"


def test_a_refusal_is_a_message_back_on_the_form_page_and_keeps_nothing(app, client):
    make_user("uow", position="before")
    _routes(app)
    response = client.post("/_uow/refused", headers={"Referer": "http://localhost/courses/x"})
    assert response.status_code == 302 and response.location.endswith("/courses/x") and _position() == "before"
    assert "Không được phép làm việc này." in client.get("/login").get_data(as_text=True)  # the flash
    away = client.post("/_uow/refused", headers={"Referer": "https://elsewhere.example/"})
    assert away.location.endswith("/_uow/refused")  # never back to another site
    as_json = client.post("/_uow/refused", headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and as_json.json == {"ok": False, "error": "Không được phép làm việc này."}
    page = client.get("/_uow/refused")
    assert page.status_code == 400 and "Không được phép làm việc này." in page.get_data(as_text=True)
    assert _position() == "before"
