"""The quizzes' periodic work for ``elearn jobs scheduler``: grade attempts whose time ran out
(what ``elearn quizzes sweep`` does from cron), every minute."""
from __future__ import annotations

from elearn import db
from elearn.jobs.scheduler import periodic

LIMIT = 500


@periodic("quizzes.sweep", "minute")
def sweep_attempts() -> int:
    from quizzes import attempts

    total = 0
    while True:  # batches, each committed: a long backlog never holds one huge transaction
        done = attempts.sweep(limit=LIMIT)
        db.session.commit()
        total += done
        if done < LIMIT:
            return total
