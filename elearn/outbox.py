"""What the outboxes share (xAPI statements, LTI grades): after one try at sending a row, mark it
sent or due again after a backoff that grows with the tries made."""
from __future__ import annotations

import logging
from datetime import timedelta

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
