"""Reads for the entrant's own pages: "my entries" and the proof that an entry was counted.

The rank of a published round comes from the round's ranking file (``proof``): the entrant's
line is found inside the stored file by the database (``instr``/``position`` on the bytes), so a
page does not load a 450,000-line file to show one rank.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text

from elearn import db
from quizzes.contests import proof
from quizzes.contests.models import ContestEntrant, ContestEntry, ContestRankingFile, ContestRound

_LINE_MAX = 160  # an entry line is under 100 bytes


@dataclass(frozen=True)
class Placed:
    line: str
    rank: int
    correct: int
    prediction: int
    distance: int
    duration_ms: int


@dataclass
class MyRound:
    round: ContestRound
    entries: list[ContestEntry] = field(default_factory=list)
    placed: Placed | None = None    # the counted entry's line once results are published
    published: bool = False

    @property
    def submitted(self) -> list[ContestEntry]:
        return [e for e in self.entries if e.submitted_at is not None]

    @property
    def best(self) -> int | None:
        return max((e.correct or 0 for e in self.submitted), default=None)


def _parse(line: str) -> Placed:
    parts = line.split(",")
    return Placed(line, int(parts[0]), int(parts[2]), int(parts[3]), int(parts[4]), int(parts[5]))


def placed(r: ContestRound, entrant: ContestEntrant) -> Placed | None:
    """The entrant's line in the round's published ranking file (None: not published, or not counted)."""
    salt = db.session.scalar(select(ContestRankingFile.salt).where(ContestRankingFile.round_id == r.id)) \
        if r.published_at is not None else None
    if salt is None:
        return None
    needle = f",{proof.pseudonym(salt, r.id, entrant.id)},".encode()
    if db.session.get_bind().dialect.name == "postgresql":
        find = text("SELECT position(:needle IN content) FROM contest_ranking_file WHERE round_id = :round_id")
    else:
        find = text("SELECT instr(content, :needle) FROM contest_ranking_file WHERE round_id = :round_id")
    found = db.session.scalar(find, {"needle": needle, "round_id": r.id})
    if not found:
        return None
    start = max(1, found - 12)  # the rank before the pseudonym: at most 7 digits and a newline
    chunk = db.session.scalar(select(func.substr(ContestRankingFile.content, start, _LINE_MAX))
                              .where(ContestRankingFile.round_id == r.id))
    text_ = bytes(chunk).decode("utf-8")
    offset = found - start
    line_start = text_.rfind("\n", 0, offset) + 1
    line_end = text_.find("\n", offset)
    return _parse(text_[line_start:line_end if line_end >= 0 else None])


def my_rounds(entrant: ContestEntrant) -> list[MyRound]:
    """Every round of the entrant's contest with the entrant's entries and, once published, their place."""
    rounds = list(db.session.scalars(select(ContestRound).where(ContestRound.contest_id == entrant.contest_id)
                                     .order_by(ContestRound.number)))
    mine = {r.id: MyRound(r, published=r.published_at is not None) for r in rounds}
    for entry in db.session.scalars(select(ContestEntry).where(ContestEntry.entrant_id == entrant.id)
                                    .order_by(ContestEntry.round_id, ContestEntry.seq)):
        mine[entry.round_id].entries.append(entry)
    for row in mine.values():
        if row.published and row.submitted:
            row.placed = placed(row.round, entrant)
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
    index = next((i for i, line in enumerate(lines) if line.split(",", 2)[1] == name), None)
    if index is None:
        return None
    leaves = [proof.leaf_hash(x) for x in lines]
    return EntryProof(lines[index], leaves[index].hex(), proof.merkle_proof(leaves, index), file.merkle_root,
                      file.entries, file.sha256, r.published_at)
