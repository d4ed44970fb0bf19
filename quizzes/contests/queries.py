"""Reads for the entrant's own pages: "my entries" and the proof that an entry was counted.

The rank of a published round is read from ``contest_ranked`` (the ranking file's lines, indexed,
written with it), so "My entries" never reads the file; the proof reads it once to hash it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from elearn import cache, db
from quizzes.contests import proof
from quizzes.contests.models import (
    ContestEntrant,
    ContestEntry,
    ContestRanked,
    ContestRankingFile,
    ContestRound,
    PredictionKind,
)
from quizzes.contests.ranking import Ranked, Ranking, rank_page


@dataclass(frozen=True)
class Placed:
    rank: int
    correct: int
    prediction: int
    distance: int
    duration_ms: int


@dataclass
class MyRound:
    round: ContestRound
    entries: list[ContestEntry] = field(default_factory=list)
    placed: Placed | None = None    # the counted entry's place once results are published
    published: bool = False

    @property
    def submitted(self) -> list[ContestEntry]:
        return [e for e in self.entries if e.submitted_at is not None]

    @property
    def best(self) -> int | None:
        return max((e.correct or 0 for e in self.submitted), default=None)


def _places(entrant: ContestEntrant, round_ids: list[int]) -> dict[int, tuple[int, int]]:
    """round id -> (rank, counted entry id) in the published rounds (one indexed read)."""
    return {round_id: (rank, entry_id) for round_id, rank, entry_id in db.session.execute(
        select(ContestRanked.round_id, ContestRanked.rank, ContestRanked.entry_id)
        .where(ContestRanked.entrant_id == entrant.id, ContestRanked.round_id.in_(round_ids or [0])))}


def my_rounds(entrant: ContestEntrant) -> list[MyRound]:
    """Every round of the entrant's contest with the entrant's entries and, once published, their place."""
    rounds = list(db.session.scalars(select(ContestRound).where(ContestRound.contest_id == entrant.contest_id)
                                     .order_by(ContestRound.number)))
    mine = {r.id: MyRound(r, published=r.published_at is not None) for r in rounds}
    for entry in db.session.scalars(select(ContestEntry).where(ContestEntry.entrant_id == entrant.id)
                                    .order_by(ContestEntry.round_id, ContestEntry.seq)):
        mine[entry.round_id].entries.append(entry)
    places = _places(entrant, [r.id for r in rounds if r.published_at is not None])
    for round_id, (rank, entry_id) in places.items():
        row = mine[round_id]
        entry = next((e for e in row.entries if e.id == entry_id), None)
        if entry is not None and entry.correct is not None and entry.prediction is not None:
            row.placed = Placed(rank, entry.correct, entry.prediction,
                                abs(entry.prediction - (row.round.actual_value or 0)), entry.duration_ms or 0)
    return list(mine.values())


@dataclass(frozen=True)
class EntryProof:
    line: str
    leaf: str
    path: list[tuple[str, str]]   # (side, sibling hash), from the leaf up
    root: str
    entries: int
    sha256: str
    published_at: datetime


def entry_proof(r: ContestRound, entrant: ContestEntrant) -> EntryProof | None:
    """The entrant's line, its leaf and the Merkle path to the published root (None: not counted)."""
    file = db.session.get(ContestRankingFile, r.id) if r.published_at is not None else None
    if file is None:
        return None
    _meta, lines = proof.lines_of(file.content)
    name = proof.pseudonym(file.salt, r.id, entrant.id)
    place = _places(entrant, [r.id]).get(r.id)
    index = place[0] - 1 if place is not None and 0 < place[0] <= len(lines) else None
    if index is None or lines[index].split(",", 2)[1] != name:
        return None
    leaves = [proof.leaf_hash(x) for x in lines]
    return EntryProof(lines[index], leaves[index].hex(), proof.merkle_proof(leaves, index), file.merkle_root,
                      file.entries, file.sha256, r.published_at)


# --- the organiser's results page ---------------------------------------------------------------

def results_page(r: ContestRound, page: int, per_page: int) -> Ranking:
    """The totals and one page of a closed round's ranking, for the organiser.

    Published: the stored ranking (``contest_ranked``, by its (round, rank) index), the result as it
    was published, never ranked again. Before publication, a preview: ranked by the database one
    page at a time and cached per round until a submitted entry or a ranking rule changes (ranking a
    450,000-entry week takes seconds; the page is read again and again while the organiser checks)."""
    offset = (max(1, page) - 1) * per_page
    if r.published_at is not None:
        return _published_page(r, offset, per_page)
    submitted, last = db.session.execute(select(func.count(ContestEntry.id), func.max(ContestEntry.submitted_at)).where(
        ContestEntry.round_id == r.id, ContestEntry.submitted_at.is_not(None))).one()
    contest = r.contest
    key = (f"preview:{submitted}:{last.isoformat() if last else '-'}:{contest.counted_entry.value}:"
           f"{contest.prediction_kind.value}:{contest.ranking_order}:{r.question_count}:{offset}:{per_page}")
    return cache.cached(f"contest-round:{r.id}", key, lambda: rank_page(r, offset, per_page))


def _published_page(r: ContestRound, offset: int, limit: int) -> Ranking:
    actual = r.actual_value or 0
    rows = [Ranked(rank, entry_id, entrant_id, correct or 0, prediction or 0, abs((prediction or 0) - actual),
                   duration_ms or 0, submitted_at)
            for rank, entry_id, entrant_id, correct, prediction, duration_ms, submitted_at in db.session.execute(
                select(ContestRanked.rank, ContestRanked.entry_id, ContestRanked.entrant_id, ContestEntry.correct,
                       ContestEntry.prediction, ContestEntry.duration_ms, ContestEntry.submitted_at)
                .join(ContestEntry, ContestEntry.id == ContestRanked.entry_id)
                # Ranks are 1..n without gaps: a page is a range of the (round, rank) index, no OFFSET scan.
                .where(ContestRanked.round_id == r.id, ContestRanked.rank > offset,
                       ContestRanked.rank <= offset + limit).order_by(ContestRanked.rank))]
    if r.contest.prediction_kind is PredictionKind.ALL_CORRECT:
        all_correct = actual  # the true value of the prediction is this count
    else:
        all_correct = cache.cached(f"contest-round:{r.id}", f"all-correct:{r.published_at.isoformat()}",
                                   lambda: _all_correct(r))
    return Ranking(actual=actual, all_correct=all_correct, entries=r.entry_total or 0,
                   entrants=r.entrant_total or 0, rows=rows)


def _all_correct(r: ContestRound) -> int:
    return db.session.scalar(select(func.count()).select_from(ContestRanked)
                             .join(ContestEntry, ContestEntry.id == ContestRanked.entry_id)
                             .where(ContestRanked.round_id == r.id, ContestEntry.correct >= r.question_count)) or 0
