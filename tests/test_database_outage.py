"""The database goes away in the middle of a multi-row write: the user gets the polite 503 page,
nothing of the operation is left behind, ``/healthz`` says 503 while the database is down and 200
once it is back, and the same operation then succeeds.

Two ways to lose the database mid-transaction, right after a chosen statement of the request:
- ``outage`` (SQLite and PostgreSQL): every later statement of a request, and its COMMIT, fails
  with the driver's OperationalError until the database is "restored";
- ``terminate`` (PostgreSQL): the request's own server process is killed with
  ``pg_terminate_backend`` from a second connection, a real connection loss.
"""
from __future__ import annotations

import io
import re

import pytest
from flask import has_request_context
from sqlalchemy import event, exc, select, text

from courses.certificates.models import Certificate
from elearn import db
from elearn.accounts.models import User
from elearn.db import Base
from quizzes import answering
from quizzes.bank.models import Question
from quizzes.models import AttemptState, QuizAttempt
from tests.conftest import TEST_DATABASE_URL
from tests.hostile_world import make_world, start_attempt
from tests.quizzes.bank.factories import make_category
from tests.quizzes.factories import right_answers

POLITE = "tạm thời không truy cập được"


class Outage:
    """Loses the database for requests right after a statement matching ``after`` runs in one."""

    def __init__(self, engine, after: str, mode: str):
        self.engine, self.after, self.mode, self.down = engine, re.compile(after), mode, False
        self.dbapi_error = engine.dialect.loaded_dbapi.OperationalError
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._commit)

    def _before(self, conn, cursor, statement, *args):
        if self.down and has_request_context():
            raise self.dbapi_error("server closed the connection unexpectedly")

    def _after(self, conn, cursor, statement, *args):
        if not has_request_context() or self.down or not self.after.match(statement.lstrip()):
            return
        if self.mode == "terminate":
            pid = conn.connection.dbapi_connection.info.backend_pid
            with self.engine.dialect.loaded_dbapi.connect(self.engine.url.render_as_string(hide_password=False)
                                                          .replace("+psycopg", ""), autocommit=True) as killer:
                killer.execute("SELECT pg_terminate_backend(%s)", [pid])
            self.after = re.compile(r"(?!)")  # once
        else:
            self.down = True

    def _commit(self, conn):
        if self.down and has_request_context():
            raise exc.OperationalError("COMMIT", None, self.dbapi_error("server closed the connection unexpectedly"))

    def restore(self):
        self.down = False
        for name, fn in (("before_cursor_execute", self._before), ("after_cursor_execute", self._after),
                         ("commit", self._commit)):
            event.remove(self.engine, name, fn)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: what "nothing half-written" is compared against."""
    db.session.rollback()
    return {t.name: sorted(map(tuple, db.session.execute(text(f'SELECT * FROM "{t.name}"')).all()), key=repr)
            for t in Base.metadata.sorted_tables}


MODES = ["outage", pytest.param("terminate", marks=pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="pg_terminate_backend: PostgreSQL only"))]


@pytest.fixture
def world(app, login):
    world = make_world()
    login(world.admin)
    return world


def interrupted(client, engine, after: str, mode: str, do):
    """Run ``do()`` with the database lost after ``after``; check the page, that nothing was
    written, and /healthz down then up. Returns what ``do()`` answers once the database is back."""
    before = snapshot()
    outage = Outage(engine, after, mode)
    try:
        response = do()
        assert response.status_code == 503, response.status_code
        page = response.get_data(as_text=True)
        assert POLITE in page and "Traceback" not in page and "OperationalError" not in page
        if mode == "outage":  # a signed-in user's next page, and the health check
            page = client.get("/my-courses")
            assert page.status_code == 503 and POLITE in page.get_data(as_text=True)
            assert client.get("/healthz").status_code == 503
    finally:
        outage.restore()
    assert client.get("/healthz").status_code == 200
    assert snapshot() == before, "the interrupted operation left rows behind"
    return do()


@pytest.mark.parametrize("mode", MODES)
def test_account_import(app, client, world, mode):
    rows = "\n".join(f"matdien{n},Trần Văn Điện {n},{world.district.code}" for n in range(5))
    content = f"username,full_name,unit_code\n{rows}\n".encode()

    def do():
        return client.post("/admin/users/import", data={"file": (io.BytesIO(content), "can-bo.csv")},
                           content_type="multipart/form-data")

    response = interrupted(client, db.engine(), r"INSERT INTO user_account", mode, do)
    assert response.status_code == 302
    assert len(db.session.scalars(select(User).where(User.username.like("matdien%"))).all()) == 5


@pytest.mark.parametrize("mode", MODES)
def test_question_import(app, client, world, mode):
    category = make_category("Nhập khi mất kết nối", owner=world.admin)
    content = "\n\n".join(f"::C{n}::Câu hỏi {n}?{{=Đúng ~Sai}}" for n in range(5)).encode()

    def do():
        return client.post("/questions/import", data={"format": "gift", "category": category.id,
                                                      "file": (io.BytesIO(content), "cau-hoi.gift.txt")})

    response = interrupted(client, db.engine(), r"INSERT INTO question_version", mode, do)
    assert response.status_code == 200
    assert len(db.session.scalars(select(Question).where(Question.category_id == category.id)).all()) == 5


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("after", ["UPDATE quiz_attempt", "INSERT INTO certificate"])
def test_quiz_submit_grading_and_certificate(app, client, world, mode, after):
    """Lost after the attempt is marked finished, or after grading, progress and completion were
    written and only the certificate remained: the attempt is still open, no certificate."""
    attempt_id = start_attempt(client, world)
    attempt = db.session.get(QuizAttempt, attempt_id)
    answering.save_answers(attempt, world.admin, right_answers(attempt))
    db.session.commit()

    def do():
        return client.post(f"/quizzes/attempt/{attempt_id}/submit", data={"submit_key": "k1"})

    response = interrupted(client, db.engine(), after, mode, do)
    assert response.status_code == 302
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.percent == 100
    assert db.session.scalar(select(Certificate).where(Certificate.user_id == world.admin.id,
                                                       Certificate.revoked_at.is_(None))) is not None
