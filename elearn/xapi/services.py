"""Statements: build (the xAPI 2.0 shape), keep in the outbox in the caller's transaction, send.

Nothing waits for the LRS: a service adds its statement to the outbox (written, or rolled back,
with what it records), and once that commits the job worker is asked to send what is due. A send
claims each row with a conditional UPDATE (two workers never send the same row at once), PUTs it
under its own id (an LRS stores a statement id once: a statement sent again after a crash between
the LRS's answer and our commit is not stored twice), and marks it sent; a failure leaves it for a
later try, after a growing pause. ``elearn xapi send`` (cron) sends what an LRS that was down left.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

import requests
from flask import current_app, has_app_context
from sqlalchemy import delete, func, select

from elearn import db, outbox
from elearn.db import utcnow
from elearn.xapi.models import XapiOutbox

log = logging.getLogger(__name__)
VERSION = "2.0.0"
LANGUAGE = "vi-VN"
VERBS = {
    "experienced": ("http://adlnet.gov/expapi/verbs/experienced", "đã xem"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "đã hoàn thành"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "đã đạt"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "chưa đạt"),
    "attempted": ("http://adlnet.gov/expapi/verbs/attempted", "đã làm bài"),
    "answered": ("http://adlnet.gov/expapi/verbs/answered", "đã trả lời"),
    "earned": ("http://id.tincanapi.com/verb/earned", "đã được cấp"),
}
TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "certificate": "https://w3id.org/xapi/cmi5/activitytype/block",
    "programme": "https://w3id.org/xapi/elearn/v1/activitytype/programme",  # courses to complete together
}
_SEND_TASK = "elearn.xapi.services:send_due"


def enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("XAPI_LRS_URL"))


def base_iri() -> str:
    return (current_app.config.get("BASE_URL") or "http://localhost").rstrip("/")


def agent(user) -> dict:
    """The cadre as an account of this platform (no e-mail address leaves it)."""
    return {"objectType": "Agent", "name": user.full_name,
            "account": {"homePage": base_iri(), "name": user.username}}


def activity(path: str, name: str, kind: str) -> dict:
    return {"objectType": "Activity", "id": f"{base_iri()}{path}",
            "definition": {"name": {LANGUAGE: name}, "type": TYPES[kind]}}


def statement(user, verb: str, obj: dict, *, at: datetime | None = None, result: dict | None = None,
              parent: dict | None = None) -> dict:
    iri, display = VERBS[verb]
    built = {"id": str(uuid.uuid4()), "actor": agent(user), "verb": {"id": iri, "display": {LANGUAGE: display}},
             "object": obj, "timestamp": (at or utcnow()).isoformat(timespec="milliseconds"),
             "context": {"platform": "elearn", "language": LANGUAGE,
                         "contextActivities": {"category": [{"id": "https://w3id.org/xapi/elearn/v1",
                                                             "objectType": "Activity"}]}}}
    if parent is not None:
        built["context"]["contextActivities"]["parent"] = [{"id": parent["id"], "objectType": "Activity"}]
    if result is not None:
        built["result"] = result
    return built


def score(percent: float | None, passed: bool | None = None, completed: bool = True) -> dict:
    result: dict = {"completion": completed}
    if percent is not None:
        p = max(0.0, min(100.0, float(percent)))
        result["score"] = {"scaled": round(p / 100, 4), "raw": round(p, 2), "min": 0, "max": 100}
    if passed is not None:
        result["success"] = passed
    return result


def add(built: dict) -> None:
    """Keep ``built`` in the outbox, in the caller's transaction; the worker is asked to send once
    that commits (nothing is sent for a transaction that rolls back)."""
    if not enabled():
        return
    db.session.add(XapiOutbox(statement_id=built["id"], statement=built))
    db.session.info["elearn.xapi"] = True


outbox.send_after_commit("elearn.xapi", _SEND_TASK, log)


def _claim(now: datetime, limit: int) -> list[int]:
    return outbox.claim(XapiOutbox, now, limit)


def _put(row: XapiOutbox, http: requests.Session) -> str | None:
    """None when the LRS has the statement, else why not."""
    config = current_app.config
    try:
        response = http.put(config["XAPI_LRS_URL"].rstrip("/") + "/statements",
                            params={"statementId": row.statement_id}, json=row.statement,
                            auth=(config.get("XAPI_LRS_USERNAME") or "", config.get("XAPI_LRS_PASSWORD") or ""),
                            headers={"X-Experience-API-Version": VERSION},
                            timeout=float(config.get("XAPI_TIMEOUT", 10)))
    except requests.RequestException as error:
        return f"{type(error).__name__}: {error}"[:1000]
    if response.status_code in (200, 204):
        return None  # stored now, or stored before (the same statement): either way the LRS has it
    return f"HTTP {response.status_code}: {response.text[:500]}"


def send_due(limit: int = 500) -> dict[str, int]:
    """Send what is due; returns {"sent": n, "failed": n}. Safe to run in several workers at once."""
    if not current_app.config.get("XAPI_LRS_URL"):
        return {"sent": 0, "failed": 0}
    now = utcnow()
    sent = failed = 0
    with requests.Session() as http:
        for row_id in _claim(now, limit):
            row = db.session.get(XapiOutbox, row_id)
            if outbox.settle(row, _put(row, http), log, f"xAPI statement {row.statement_id}"):
                sent += 1
            else:
                failed += 1
            db.session.commit()
    purge()
    return {"sent": sent, "failed": failed}


def purge() -> int:
    """Forget statements the LRS has had for ``XAPI_KEEP_DAYS`` (it keeps them; the outbox need not)."""
    before = utcnow() - timedelta(days=int(current_app.config.get("XAPI_KEEP_DAYS", 30)))
    gone = db.session.execute(delete(XapiOutbox).where(XapiOutbox.sent_at.is_not(None),
                                                       XapiOutbox.sent_at < before)).rowcount
    db.session.commit()
    return gone


def counts() -> dict[str, int]:
    waiting = db.session.scalar(select(func.count(XapiOutbox.id)).where(XapiOutbox.sent_at.is_(None))) or 0
    sent = db.session.scalar(select(func.count(XapiOutbox.id)).where(XapiOutbox.sent_at.is_not(None))) or 0
    return {"waiting": waiting, "sent": sent}
