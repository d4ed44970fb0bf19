"""Grades back to the platforms (LTI Assignment and Grade Services), through an outbox.

A domain that grades what a launch opened (``courses.lti``, ``quizzes.lti``) calls ``owe`` in its
own transaction: a row per line item the cadre was launched from. Once that commits, the job worker
sends what is due: pylti1p3 gets an access token (a JWT signed with the tool's key for the platform)
and POSTs the score to ``<lineitem>/scores``. A failure is tried again after a growing pause; no
request waits for a platform. A score is a state, not an event: sending one again is harmless.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import bindparam, delete, exists, func, select, update

from elearn import audit, db, outbox
from elearn.db import utcnow
from elearn.jobs.scheduler import periodic
from elearn.lti import tool
from elearn.lti.models import LtiLink, LtiNonce, LtiScore

log = logging.getLogger(__name__)
GIVE_UP_AFTER = 20                          # tries (about four days): then an administrator's retry
_SEND_TASK = "elearn.lti.grades:send_due"

_LINKS = select(LtiLink.id).where(LtiLink.user_id == bindparam("user_id"),
                                  LtiLink.target_kind == bindparam("kind"),
                                  LtiLink.target_id == bindparam("target_id"), LtiLink.ags.is_not(None))


def launched(kind: str, user_id, target_id):
    """A column for a statement the domain runs anyway (its quiz results, its completion check):
    whether a platform awaits this user's grade for the target. One indexed EXISTS, no statement of
    its own: most cadres never come through a platform, and a quiz submission counts its statements."""
    return exists().where(LtiLink.user_id == user_id, LtiLink.target_kind == kind, LtiLink.target_id == target_id,
                          LtiLink.ags.is_not(None))


def owe(user_id: int, kind: str, target_id: int, given: float, maximum: float = 100.0,
        at: datetime | None = None, completed: bool = True) -> int:
    """Keep the score for every line item that launched ``user_id`` into this target (called when
    ``launched`` said there is one). Returns the rows kept."""
    links = list(db.session.scalars(_LINKS, {"user_id": user_id, "kind": kind, "target_id": target_id}))
    for link_id in links:
        db.session.add(LtiScore(link_id=link_id, score_given=max(0.0, min(float(given), maximum)),
                                score_maximum=maximum, completed=completed, scored_at=at or utcnow()))
    if links:
        db.session.info["elearn.lti"] = True
    return len(links)


outbox.send_after_commit("elearn.lti", _SEND_TASK, log)


def _claim(now: datetime, limit: int) -> list[int]:
    return outbox.claim(LtiScore, now, limit, LtiScore.attempts < GIVE_UP_AFTER)


def _grade(row: LtiScore) -> Grade:
    return (Grade().set_score_given(row.score_given).set_score_maximum(row.score_maximum)
            .set_timestamp(row.scored_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
            .set_activity_progress("Completed" if row.completed else "InProgress")
            .set_grading_progress("FullyGraded").set_user_id(row.link.sub))


def _post(row: LtiScore, connectors: dict) -> str | None:
    """None once the platform has the score, else why not."""
    link = row.link
    if not link.platform.active:
        return "platform deactivated"
    connector = connectors.get(link.platform_id)
    if connector is None:  # one per platform and run: its access token serves every score
        connector = connectors[link.platform_id] = ServiceConnector(tool.registration(link.platform), tool.http())
    try:
        AssignmentsGradesService(connector, link.ags).put_grade(_grade(row))
    except Exception as error:  # noqa: BLE001 - the platform's refusal, a timeout, a broken answer
        response = getattr(error, "response", None)
        if response is not None:
            return f"HTTP {response.status_code}: {response.text[:500]}"
        return f"{type(error).__name__}: {error}"[:1000]
    return None


def send_due(limit: int = 200) -> dict[str, int]:
    """Send what is due; returns {"sent": n, "failed": n}. Safe in several workers at once."""
    now = utcnow()
    sent = failed = 0
    connectors: dict[int, ServiceConnector] = {}
    for row_id in _claim(now, limit):
        row = db.session.get(LtiScore, row_id)
        if outbox.settle(row, _post(row, connectors), log, f"LTI score {row.id}"):
            sent += 1
        else:
            failed += 1
        db.session.commit()
    return {"sent": sent, "failed": failed}


@periodic("lti.grades", "minute")
def _send_left():
    """Scores a platform that was down left behind (the job after each commit sends the rest)."""
    return send_due()


@periodic("lti.nonces", "day")
def _prune_nonces():
    return db.session.execute(delete(LtiNonce).where(LtiNonce.created_at < utcnow() - timedelta(days=1))).rowcount


def outbox_of(platform_id: int) -> dict:
    """For the platform's page: grades waiting, given up, and the last refusal."""
    waiting = select(LtiScore).join(LtiLink, LtiLink.id == LtiScore.link_id).where(
        LtiLink.platform_id == platform_id, LtiScore.sent_at.is_(None))
    count = db.session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    given_up = db.session.scalar(select(func.count()).select_from(
        waiting.where(LtiScore.attempts >= GIVE_UP_AFTER).subquery())) or 0
    last = db.session.scalar(waiting.where(LtiScore.last_error.is_not(None)).order_by(LtiScore.id.desc()).limit(1))
    sent = db.session.scalar(select(func.count(LtiScore.id)).join(LtiLink, LtiLink.id == LtiScore.link_id).where(
        LtiLink.platform_id == platform_id, LtiScore.sent_at.is_not(None))) or 0
    return {"waiting": count, "given_up": given_up, "sent": sent, "last_error": last.last_error if last else None}


def retry(platform_id: int, actor) -> int:
    """Every grade still owed to the platform due now, its tries counted afresh (an administrator
    fixed what the platform refused). Returns how many."""
    links = select(LtiLink.id).where(LtiLink.platform_id == platform_id)
    count = db.session.execute(update(LtiScore).where(LtiScore.sent_at.is_(None), LtiScore.link_id.in_(links))
                               .values(attempts=0, next_attempt_at=utcnow())).rowcount
    if count:
        db.session.info["elearn.lti"] = True
        audit.record("lti.grades.retry", target=str(platform_id), actor=actor, rows=count)
    return count


def counts() -> dict[str, int]:
    waiting = db.session.scalar(select(func.count(LtiScore.id)).where(LtiScore.sent_at.is_(None))) or 0
    sent = db.session.scalar(select(func.count(LtiScore.id)).where(LtiScore.sent_at.is_not(None))) or 0
    return {"waiting": waiting, "sent": sent}
