"""What the outboxes share (xAPI statements, LTI grades): the send queued once the rows commit, rows
claimed by one worker at a time, and after a try a row sent or due again after a growing backoff."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from elearn import db
from elearn.db import utcnow

BACKOFF = (60, 300, 900, 3600, 6 * 3600)  # seconds before the next try, by tries made


def settle(row, problem: str | None, log: logging.Logger, what: str) -> bool:
    """``row`` (``sent_at``, ``attempts``, ``next_attempt_at``, ``last_error``) after a try whose
    ``problem`` is None when it was sent. True when sent."""
    if problem is None:
        row.sent_at, row.last_error = utcnow(), None
        return True
    pause = BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
    row.next_attempt_at, row.last_error = utcnow() + timedelta(seconds=pause), problem
    log.warning("%s not sent (try %d): %s", what, row.attempts, problem)
    return False


LEASE = timedelta(minutes=5)  # a claimed row is one worker's for this long


def claim(model, now, limit: int, *due) -> list[int]:
    """Ids of ``model``'s due rows (``due``: further conditions) this worker now holds for LEASE, one
    conditional UPDATE each so two workers never take the same row; committed so others see it."""
    waiting = (model.sent_at.is_(None), model.next_attempt_at <= now)
    ids = list(db.session.scalars(select(model.id).where(*waiting, *due).order_by(model.id).limit(limit)))
    claimed = [row_id for row_id in ids if db.session.execute(update(model).where(model.id == row_id, *waiting)
               .values(next_attempt_at=now + LEASE, attempts=model.attempts + 1)).rowcount]
    db.session.commit()
    return claimed


def send_after_commit(key: str, task: str, log: logging.Logger) -> None:
    """Once a transaction that set ``session.info[key]`` commits, queue ``task`` (the send); a
    rollback forgets it. What was committed waits in the outbox if the queue is down."""
    @event.listens_for(Session, "after_commit")
    def _send_committed(session: Session) -> None:
        if session.info.pop(key, False):
            try:
                from elearn.jobs.services import run_later
                run_later(task)
            except Exception:  # noqa: BLE001 - committed: the next send (scheduler) takes them
                log.exception("%s: the send could not be queued; the rows wait in the outbox", key)

    @event.listens_for(Session, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(key, None)
