"""xAPI statements through the outbox, against a real LRS started here (Ralph, which Open edX uses,
with its file backend): sent by the job worker, read back and checked against the xAPI rules;
an LRS that is down keeps them for later; a statement sent again is stored once."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta

import bcrypt
import pytest
import requests
from sqlalchemy import func, select, update

from courses import enrolment
from courses.progress import record_open
from elearn import db
from elearn.db import utcnow
from elearn.xapi import services as xapi
from elearn.xapi.models import XapiOutbox
from tests.courses.certificates.factories import complete, make_quiz_course
from tests.courses.factories import items_of
from tests.factories import make_unit, make_user
from tests.servers import free_port

USER, PASSWORD = "elearn", "mat-khau-lrs"
IRI = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s]+$")


# Ralph 5.1's file backend writes its one file with the "create" mode, which refuses a second
# statement ("already exists and overwrite is not allowed"); its own append mode is what an LRS
# needs. Everything else is Ralph as released: its validation, routes, authentication, and answers.
RALPH = """
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
uvicorn.run("ralph.api:app", host="127.0.0.1", port={port}, workers=1, log_level="warning")
"""


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    """A Ralph LRS on loopback (uvicorn), statements in a file, one account with every scope."""
    home = tmp_path_factory.mktemp("ralph")
    auth = home / "auth.json"
    auth.write_text(json.dumps([{"agent": {"mbox": "mailto:elearn@example.vn"}, "scopes": ["all"],
                                 "username": USER,
                                 "hash": bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()}]))
    port = free_port()
    env = {**os.environ, "RALPH_APP_DIR": str(home), "RALPH_AUTH_FILE": str(auth), "RALPH_RUNSERVER_BACKEND": "fs",
           "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(home / "data"), "RALPH_SENTRY_DSN": ""}
    (home / "data").mkdir()
    with open(home / "ralph.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", RALPH.format(port=port)], env=env, stdout=log, stderr=log,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}/xAPI"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/whoami", auth=(USER, PASSWORD), timeout=1).ok:
                break
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("Ralph did not start: " + (home / "ralph.log").read_text()[-2000:])
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def app_config(lrs, request):
    return {"XAPI_LRS_URL": lrs, "XAPI_LRS_USERNAME": USER, "XAPI_LRS_PASSWORD": PASSWORD,
            "BASE_URL": "https://hoctap.tinhuy.vn"}


@pytest.fixture
def no_worker(monkeypatch):
    """Sends run only when the test says (the job thread would race the assertions)."""
    monkeypatch.setattr("elearn.jobs.services.run_later", lambda *args: None)


def _stored(lrs: str, statement_id: str) -> dict | None:
    response = requests.get(f"{lrs}/statements", params={"statementId": statement_id}, auth=(USER, PASSWORD),
                            headers={"X-Experience-API-Version": "1.0.3"}, timeout=10)
    if response.status_code != 200:
        return None
    body = response.json()
    if "statements" in body:  # Ralph answers a statementId query with a one-statement list
        assert len(body["statements"]) == 1
        body = body["statements"][0]
    return body


def _all_stored(lrs: str) -> list[dict]:
    response = requests.get(f"{lrs}/statements", params={"limit": 500}, auth=(USER, PASSWORD),
                            headers={"X-Experience-API-Version": "1.0.3"}, timeout=10)
    return response.json()["statements"]


def check_xapi_rules(s: dict) -> None:
    """The rules of an xAPI 2.0 statement (xAPI-Data 2.4) that our statements use."""
    assert str(uuid.UUID(s["id"])) == s["id"]
    assert datetime.fromisoformat(s["timestamp"]).tzinfo is not None  # ISO 8601 with a time zone
    actor = s["actor"]
    assert actor["objectType"] == "Agent" and set(actor["account"]) == {"homePage", "name"}
    assert IRI.match(actor["account"]["homePage"]) and actor["account"]["name"]
    assert "mbox" not in actor  # one inverse functional identifier, and no e-mail leaves the platform
    assert IRI.match(s["verb"]["id"]) and all(isinstance(v, str) and v for v in s["verb"]["display"].values())
    obj = s["object"]
    assert obj["objectType"] == "Activity" and IRI.match(obj["id"])
    assert IRI.match(obj["definition"]["type"]) and obj["definition"]["name"]["vi-VN"]
    for parent in s.get("context", {}).get("contextActivities", {}).get("parent", []):
        assert IRI.match(parent["id"])
    score = s.get("result", {}).get("score")
    if score is not None:
        assert -1 <= score["scaled"] <= 1 and score["min"] <= score["raw"] <= score["max"]


def test_completing_a_course_sends_checked_statements_through_the_worker(app, lrs):
    cadre = make_user("hang", full_name="Nguyễn Thị Thu Hằng", unit=make_unit("Chi bộ Một"))
    course = make_quiz_course()
    complete(cadre, course, score=85.0)  # the lesson, the quiz (85 %), the course, the certificate
    ids = list(db.session.scalars(select(XapiOutbox.statement_id).order_by(XapiOutbox.id)))
    assert len(ids) == 4
    deadline = time.monotonic() + 20  # the job worker (a thread here) was asked when the work committed
    while db.session.scalar(select(func.count(XapiOutbox.id)).where(XapiOutbox.sent_at.is_(None))):
        assert time.monotonic() < deadline, "the worker did not send the statements"
        time.sleep(0.1)
        db.session.rollback()
    stored = [_stored(lrs, i) for i in ids]
    for statement in stored:
        check_xapi_rules(statement)
        assert statement["stored"] and statement["authority"]  # set by the LRS: it has them
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in stored]
    assert verbs == ["completed", "passed", "completed", "earned"]
    quiz = stored[1]
    assert quiz["result"]["score"]["scaled"] == 0.85 and quiz["result"]["success"] is True
    assert quiz["actor"]["account"] == {"homePage": "https://hoctap.tinhuy.vn", "name": "hang"}
    assert quiz["context"]["contextActivities"]["parent"][0]["id"] == f"https://hoctap.tinhuy.vn/courses/{course.slug}"
    assert stored[2]["object"]["definition"]["name"]["vi-VN"] == course.title


def test_an_lrs_that_is_down_keeps_the_statements_and_none_is_stored_twice(app, lrs, no_worker):
    cadre = make_user("duc", unit=make_unit("Chi bộ Hai"))
    course = make_quiz_course(title="Chuyên đề năm 2023")
    enrolment.enroll(cadre, course)
    record_open(cadre, items_of(course)[0])
    db.session.commit()
    row = db.session.scalar(select(XapiOutbox))
    assert row.statement["verb"]["id"].endswith("/experienced")

    app.config["XAPI_LRS_URL"] = f"http://127.0.0.1:{free_port()}/xAPI"  # nothing listens there
    assert xapi.send_due() == {"sent": 0, "failed": 1}
    db.session.refresh(row)
    assert row.sent_at is None and row.attempts == 1 and "ConnectionError" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=30)  # not tried again at once
    assert xapi.send_due() == {"sent": 0, "failed": 0}

    app.config["XAPI_LRS_URL"] = lrs
    db.session.execute(update(XapiOutbox).values(next_attempt_at=utcnow()))
    db.session.commit()
    assert xapi.send_due() == {"sent": 1, "failed": 0}
    assert _stored(lrs, row.statement_id)["id"] == row.statement_id

    # A worker that dies after the LRS stored the statement but before it recorded so sends it
    # again: the LRS has it once.
    db.session.execute(update(XapiOutbox).values(sent_at=None, next_attempt_at=utcnow()))
    db.session.commit()
    assert xapi.send_due() == {"sent": 1, "failed": 0}
    assert [s["id"] for s in _all_stored(lrs)].count(row.statement_id) == 1
    assert xapi.send_due() == {"sent": 0, "failed": 0}
    # Sent a month ago: the outbox forgets it (the LRS keeps it).
    db.session.execute(update(XapiOutbox).values(sent_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    assert xapi.purge() == 1 and db.session.scalar(select(func.count(XapiOutbox.id))) == 0


def test_a_claimed_statement_is_not_sent_by_a_second_worker(app, no_worker):
    cadre = make_user("binh", unit=make_unit("Chi bộ Ba"))
    course = make_quiz_course(title="Chuyên đề ba")
    enrolment.enroll(cadre, course)
    record_open(cadre, items_of(course)[0])
    db.session.commit()
    now = utcnow()
    assert len(xapi._claim(now, 10)) == 1
    assert xapi._claim(now, 10) == []  # held by the first for its lease


def test_nothing_is_kept_for_work_rolled_back_or_without_an_lrs(app, no_worker):
    cadre = make_user("xa", unit=make_unit("Chi bộ Bốn"))
    course = make_quiz_course(title="Chuyên đề bốn")
    enrolment.enroll(cadre, course)
    db.session.commit()
    record_open(cadre, items_of(course)[0])
    db.session.rollback()
    assert db.session.scalar(select(func.count(XapiOutbox.id))) == 0
    app.config["XAPI_LRS_URL"] = ""
    record_open(cadre, items_of(course)[0])
    db.session.commit()
    assert db.session.scalar(select(func.count(XapiOutbox.id))) == 0


def test_the_cli_sends_and_counts(app, runner, lrs, no_worker):
    cadre = make_user("anh", unit=make_unit("Chi bộ Năm"))
    course = make_quiz_course(title="Chuyên đề năm")
    enrolment.enroll(cadre, course)
    record_open(cadre, items_of(course)[0])
    db.session.commit()
    assert "waiting=1" in runner.invoke(args=["xapi", "status"]).output
    result = runner.invoke(args=["xapi", "send"])
    assert result.exit_code == 0 and "sent=1" in result.output and "waiting=0" in result.output


def test_each_quiz_attempt_is_a_statement_passed_or_failed(app, lrs, no_worker):
    from quizzes import answering, attempts
    from tests.quizzes.factories import enrolled_cadre, make_quiz, right_answers

    quiz = make_quiz(2, pass_percent=60.0)
    cadre = enrolled_cadre(quiz, username="thi.sinh", unit=make_unit("Chi bộ Sáu"))
    first = attempts.start_attempt(quiz, cadre)
    attempts.submit_attempt(first, cadre)  # nothing answered: 0 %
    db.session.commit()
    second = attempts.start_attempt(quiz, cadre)
    answering.save_answers(second, cadre, right_answers(second))
    attempts.submit_attempt(second, cadre)
    db.session.commit()
    assert xapi.send_due()["sent"] == 10
    stored = [_stored(lrs, i) for i in db.session.scalars(select(XapiOutbox.statement_id).order_by(XapiOutbox.id))]
    for statement in stored:
        check_xapi_rules(statement)
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in stored]
    assert verbs == ["attempted", "answered", "answered", "failed", "attempted", "answered", "answered", "passed",
                     "completed", "earned"]
    failed, passed = stored[3], stored[7]
    assert failed["result"]["success"] is False and passed["result"]["success"] is True
    assert failed["result"]["score"]["scaled"] == 0 and re.fullmatch(r"PT\d+S", failed["result"]["duration"])
    assert passed["result"]["score"]["scaled"] == 1
    assert failed["object"]["id"] == passed["object"]["id"] == stored[0]["object"]["id"]  # one quiz, two attempts
    session = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
    assert {s["context"]["extensions"][session] for s in stored[:4]} == {f"attempt-{first.id}"}
    wrong, right = stored[1], stored[5]
    assert wrong["result"] == {"score": {"scaled": 0.0, "raw": 0.0, "min": 0, "max": 100}, "success": False,
                               "completion": False}  # not answered at all
    assert right["result"]["success"] is True and right["result"]["completion"] is True
    assert wrong["object"]["id"] == right["object"]["id"] != failed["object"]["id"]  # the same question
    assert wrong["context"]["contextActivities"]["parent"][0]["id"] == failed["object"]["id"]
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in stored].count("completed") == 1  # the course


def test_completing_a_programme_adds_its_own_statement(app, no_worker):
    from courses.programmes import services as programmes
    from courses.programmes.models import ProgrammeEnrollment
    from courses.progress import complete_item
    from tests.courses.programmes.factories import make_programme

    unit = make_unit("Chi bộ Năm")
    programme = make_programme(required=1, lessons=1)
    cadre = make_user("nam", unit=unit)
    programmes.assign(programme, unit, None, programme.owner)  # the cadre is put on it and its course
    db.session.commit()
    course = programme.courses[0].course
    complete_item(cadre, items_of(course)[0])  # the course's one lesson: the course, and so the programme
    db.session.commit()
    done = db.session.scalar(select(ProgrammeEnrollment).where(ProgrammeEnrollment.user_id == cadre.id))
    assert done.completed_at is not None
    statements = [row.statement for row in db.session.scalars(select(XapiOutbox).order_by(XapiOutbox.id))]
    mine = [s for s in statements if s["object"]["id"].endswith(f"/my-programmes#programme-{programme.id}")]
    assert len(mine) == 1 and mine[0]["verb"]["id"].endswith("/completed")
    assert mine[0]["object"]["definition"]["name"]["vi-VN"] == programme.title
    check_xapi_rules(mine[0])
