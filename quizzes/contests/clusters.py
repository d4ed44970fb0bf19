"""Suspicious clusters in a round, for the organiser to look at (never acted on automatically).

* many entrants from one address: entries started from one client address by at least
  ``min_entrants`` different entrants (an office behind one router is normal; a hundred
  "members of the public" from one address is not);
* identical timings: at least ``min_entrants`` different entrants whose entries took the same
  milliseconds with the same score and the same prediction (a script replaying one answer sheet).

Both are one GROUP BY in the database over the round's submitted entries.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from elearn import db
from quizzes.contests.models import ContestEntry, ContestRound

LIMIT = 200


@dataclass(frozen=True)
class AddressCluster:
    address: str
    entrants: int
    entries: int
    all_correct: int


@dataclass(frozen=True)
class TimingCluster:
    duration_ms: int
    correct: int
    prediction: int
    entrants: int
    entrant_ids: list[int]


def by_address(r: ContestRound, min_entrants: int = 5) -> list[AddressCluster]:
    entrants = func.count(func.distinct(ContestEntry.entrant_id))
    perfect = func.sum(case((ContestEntry.correct >= r.question_count, 1), else_=0))
    stmt = (select(ContestEntry.client_addr, entrants, func.count(ContestEntry.id), perfect)
            .where(ContestEntry.round_id == r.id, ContestEntry.submitted_at.is_not(None),
                   ContestEntry.client_addr.is_not(None))
            .group_by(ContestEntry.client_addr).having(entrants >= min_entrants)
            .order_by(entrants.desc(), ContestEntry.client_addr).limit(LIMIT))
    return [AddressCluster(a, n, e, int(p or 0)) for a, n, e, p in db.session.execute(stmt)]


def same_timings(r: ContestRound, min_entrants: int = 3) -> list[TimingCluster]:
    entrants = func.count(func.distinct(ContestEntry.entrant_id))
    key = (ContestEntry.duration_ms, ContestEntry.correct, ContestEntry.prediction)
    stmt = (select(*key, entrants)
            .where(ContestEntry.round_id == r.id, ContestEntry.submitted_at.is_not(None))
            .group_by(*key).having(entrants >= min_entrants)
            .order_by(entrants.desc(), *key).limit(LIMIT))
    groups = db.session.execute(stmt).all()
    found = []
    for duration, correct, prediction, n in groups:
        ids = db.session.scalars(select(ContestEntry.entrant_id).distinct().where(
            ContestEntry.round_id == r.id, ContestEntry.submitted_at.is_not(None),
            ContestEntry.duration_ms == duration, ContestEntry.correct == correct,
            ContestEntry.prediction == prediction).order_by(ContestEntry.entrant_id).limit(20)).all()
        found.append(TimingCluster(duration, correct, prediction, n, list(ids)))
    return found
