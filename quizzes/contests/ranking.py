"""Ranking a round, and the collective (unit) ranking.

``rank_round`` asks the database: window functions pick each entrant's counted entry and number
the ranks, Python only reads the ordered rows (``bench/bench_contest_scale.py`` measures a
450,000-entry week). ``compute`` states the same rules in Python; the tests hold the two equal.
The order is fully determined — after the organiser's criteria come the submission time
and the entry id — so two runs over the same entries always give the same ranks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text

from elearn import db
from elearn.accounts.models import User
from elearn.db import UTCDateTime
from elearn.units.models import OrgUnit
from quizzes.contests.models import (
    Contest,
    ContestEntrant,
    ContestEntry,
    ContestRound,
    ContestUnitSize,
    CountedEntry,
    PredictionKind,
)


@dataclass(frozen=True, slots=True)
class Ranked:
    rank: int
    entry_id: int
    entrant_id: int
    correct: int
    prediction: int
    distance: int      # |prediction - actual value|
    duration_ms: int
    submitted_at: datetime


@dataclass(frozen=True)
class Ranking:
    actual: int            # the true answer to the prediction question
    all_correct: int       # entrants whose counted entry answered every question correctly
    entries: int           # submitted entries
    entrants: int          # entrants with at least one submitted entry
    rows: list[Ranked]


# Sort keys over (id, entrant, correct, prediction, duration, submitted, distance): the organiser's
# criteria, then the earliest submission, then the lowest id. Written out (not composed) for speed.
_SORT_KEYS = {
    "correct,prediction,time": lambda r: (-r[2], r[6], r[4], r[5], r[0]),
    "correct,time,prediction": lambda r: (-r[2], r[4], r[6], r[5], r[0]),
}


def compute(rows, *, question_count: int, counted: CountedEntry, prediction_kind: PredictionKind,
            order: str) -> Ranking:
    """Rank ``rows`` of (entry id, entrant id, correct, prediction, duration ms, submitted at)."""
    best: dict[int, tuple] = {}
    for row in rows:
        held = best.get(row[1])
        if held is None:
            best[row[1]] = row
        elif counted is CountedEntry.FIRST:
            if (row[5], row[0]) < (held[5], held[0]):
                best[row[1]] = row
        elif (-row[2], row[5], row[0]) < (-held[2], held[5], held[0]):
            best[row[1]] = row
    counted_rows = best.values()
    all_correct = sum(1 for r in counted_rows if r[2] >= question_count)
    actual = all_correct if prediction_kind is PredictionKind.ALL_CORRECT else len(rows)
    keyed = [(*r, abs(r[3] - actual)) for r in counted_rows]  # index 6: distance
    keyed.sort(key=_SORT_KEYS[order])
    ranked = [Ranked(i, r[0], r[1], r[2], r[3], r[6], r[4], r[5]) for i, r in enumerate(keyed, start=1)]
    return Ranking(actual=actual, all_correct=all_correct, entries=len(rows), entrants=len(best), rows=ranked)


# The same rules as ``compute``, in the database: one window picks each entrant's counted entry,
# an aggregate gives the true value, a second window gives the ranks (SQLite 3.25+, PostgreSQL).
_COUNTED_ORDER = {
    CountedEntry.BEST: "correct DESC, submitted_at, id",
    CountedEntry.FIRST: "submitted_at, id",
}
_RANK_ORDER = {
    "correct,prediction,time": "correct DESC, distance, duration_ms, submitted_at, id",
    "correct,time,prediction": "correct DESC, duration_ms, distance, submitted_at, id",
}
_RANK_SQL = """
WITH submitted AS (
    SELECT id, entrant_id, correct, prediction, duration_ms, submitted_at,
           ROW_NUMBER() OVER (PARTITION BY entrant_id ORDER BY {counted}) AS pick
    FROM contest_entry WHERE round_id = :round_id AND submitted_at IS NOT NULL
), totals AS (
    SELECT COUNT(*) AS entries,
           SUM(CASE WHEN pick = 1 THEN 1 ELSE 0 END) AS entrants,
           SUM(CASE WHEN pick = 1 AND correct >= :questions THEN 1 ELSE 0 END) AS all_correct
    FROM submitted
), counted AS (
    SELECT s.id, s.entrant_id, s.correct, s.prediction, s.duration_ms, s.submitted_at,
           ABS(s.prediction - (CASE WHEN :by_entries THEN t.entries ELSE t.all_correct END)) AS distance
    FROM submitted s CROSS JOIN totals t WHERE s.pick = 1
)
SELECT t.entries, t.entrants, t.all_correct, c.id, c.entrant_id, c.correct, c.prediction, c.distance,
       c.duration_ms, c.submitted_at, c.rank
FROM totals t LEFT JOIN (
    SELECT counted.*, ROW_NUMBER() OVER (ORDER BY {ranked}) AS rank FROM counted
) c ON TRUE
ORDER BY c.rank
{page}"""


def rank_round(round_: ContestRound) -> Ranking:
    """``compute``'s ranking, done by the database (window functions): Python only reads the rows in order."""
    contest = round_.contest
    sql = _RANK_SQL.format(counted=_COUNTED_ORDER[contest.counted_entry], ranked=_RANK_ORDER[contest.ranking_order],
                           page="")
    by_entries = contest.prediction_kind is PredictionKind.ENTRIES
    result = db.session.execute(
        text(sql).columns(submitted_at=UTCDateTime()),
        {"round_id": round_.id, "questions": round_.question_count, "by_entries": by_entries})
    rows = result.all()
    entries, entrants, all_correct = (int(v or 0) for v in rows[0][:3]) if rows else (0, 0, 0)
    actual = entries if by_entries else all_correct
    ranked = [Ranked(rank, r[3], r[4], r[5], r[6], r[7], r[8], r[9])
              for rank, r in enumerate((r for r in rows if r[3] is not None), start=1)]
    return Ranking(actual=actual, all_correct=all_correct, entries=entries, entrants=entrants, rows=ranked)


def rank_page(round_: ContestRound, offset: int, limit: int) -> Ranking:
    """One page of ``rank_round`` (the totals and ``limit`` rows from ``offset``): the database still
    ranks every entry, but only the page comes back to Python."""
    contest = round_.contest
    sql = _RANK_SQL.format(counted=_COUNTED_ORDER[contest.counted_entry], ranked=_RANK_ORDER[contest.ranking_order],
                           page="LIMIT :limit OFFSET :offset")
    by_entries = contest.prediction_kind is PredictionKind.ENTRIES
    params = {"round_id": round_.id, "questions": round_.question_count, "by_entries": by_entries}
    query = text(sql).columns(submitted_at=UTCDateTime())
    rows = db.session.execute(query, {**params, "limit": limit, "offset": offset}).all()
    totals = rows[0] if rows else db.session.execute(query, {**params, "limit": 1, "offset": 0}).first()
    entries, entrants, all_correct = (int(v or 0) for v in totals[:3]) if totals else (0, 0, 0)
    return Ranking(actual=entries if by_entries else all_correct, all_correct=all_correct, entries=entries,
                   entrants=entrants, rows=[Ranked(r[10], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
                                            for r in rows if r[3] is not None])


@dataclass
class UnitRow:
    unit: OrgUnit
    entrants: int = 0
    entries: int = 0
    members: int = 0

    @property
    def per_member(self) -> float:
        """Entrants per member, in percent (0 when the unit has no members on record)."""
        return 100.0 * self.entrants / self.members if self.members else 0.0


@dataclass
class UnitParticipation:
    rows: list[UnitRow]         # by entrants, most first
    outside_entrants: int       # entrants who typed an organisation not in the tree
    outside_entries: int

    def by_share(self) -> list[UnitRow]:
        return sorted(self.rows, key=lambda r: (-r.per_member, -r.entrants, r.unit.code))


def _ancestor_at(path: str, depth: int) -> int | None:
    ids = [int(x) for x in path.strip("/").split("/") if x]
    return ids[depth] if len(ids) > depth else None


def unit_participation(round_: ContestRound) -> UnitParticipation:
    """Entrants and entries of a round by unit at the contest's level, absolute and per member.

    Members are the unit subtree's active accounts, unless the organiser configured a count.
    """
    contest: Contest = round_.contest
    depth = contest.unit_depth
    units = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.active.is_(True)))}
    rows = {uid: UnitRow(u) for uid, u in units.items() if u.depth == depth}

    def target(unit_id: int | None) -> int | None:
        unit = units.get(unit_id) if unit_id is not None else None
        return _ancestor_at(unit.path, depth) if unit is not None else None

    counts = db.session.execute(
        select(ContestEntrant.unit_id, func.count(func.distinct(ContestEntry.entrant_id)), func.count(ContestEntry.id))
        .join(ContestEntrant, ContestEntrant.id == ContestEntry.entrant_id)
        .where(ContestEntry.round_id == round_.id, ContestEntry.submitted_at.is_not(None))
        .group_by(ContestEntrant.unit_id)
    )
    outside_entrants = outside_entries = 0
    for unit_id, entrants, entries in counts:
        row = rows.get(target(unit_id))
        if row is None:
            outside_entrants += entrants
            outside_entries += entries
        else:
            row.entrants += entrants
            row.entries += entries
    members = db.session.execute(
        select(User.unit_id, func.count(User.id)).where(User.active.is_(True), User.unit_id.is_not(None))
        .group_by(User.unit_id))
    for unit_id, n in members:
        row = rows.get(target(unit_id))
        if row is not None:
            row.members += n
    for size in db.session.scalars(select(ContestUnitSize).where(ContestUnitSize.contest_id == contest.id)):
        if size.unit_id in rows:
            rows[size.unit_id].members = size.members
    ordered = sorted(rows.values(), key=lambda r: (-r.entrants, -r.entries, r.unit.code))
    return UnitParticipation(ordered, outside_entrants, outside_entries)
