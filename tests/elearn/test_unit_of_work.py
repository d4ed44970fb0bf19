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


def test_keep_discard_and_after_commit(app, client, tmp_path):
    """The framework's few calls for the rare view that needs them: ``keep`` (an error response that
    still records something), ``discard`` (a refused form shown again), ``after_commit`` (delete a
    file once the rows no longer name it)."""
    make_user("uow", position="before")
    gone = tmp_path / "old.pdf"
    gone.write_text("x")

    def keep_on_error():
        db.session.scalar(select(User).where(User.username == "uow")).position = "kept"
        db.keep()
        return "", 400

    def discard_then_write():
        user = db.session.scalar(select(User).where(User.username == "uow"))
        user.position = "dropped"
        db.discard()
        db.after_commit(gone.unlink)        # registered before discard would be dropped; this one after
        user = db.session.scalar(select(User).where(User.username == "uow"))
        user.email = "sau@example.vn"
        return "", 200

    for name, view in (("keep", keep_on_error), ("discard", discard_then_write)):
        app.add_url_rule(f"/_uow/{name}", name, public(view), methods=["POST"])
    assert client.post("/_uow/keep").status_code == 400 and _position() == "kept"
    assert client.post("/_uow/discard").status_code == 200 and _position() == "kept"
    assert db.session.scalar(select(User.email).where(User.username == "uow")) == "sau@example.vn"
    assert not gone.exists()


def test_no_view_manages_the_transaction():
    """Views leave the commit to the request (``elearn.db``): no commit, rollback or write-lock call."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    views = [p for pkg in ("elearn", "courses", "quizzes", "reports") for p in (root / pkg).rglob("*.py")
             if p.name in ("views.py", "manage.py", "home.py") or p.parent.name == "admin"]
    assert len(views) > 10
    offenders = [f"{p.relative_to(root)}: {needle}" for p in views for needle in
                 ("db.session.commit(", "db.session.rollback(", "begin_write(", "g.db_write")
                 if needle in p.read_text(encoding="utf-8")]
    assert offenders == []
