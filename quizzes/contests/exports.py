"""Tables of a closed round for export: the full ranking and the unit participation.

Each returns ``(columns, rows)`` for ``elearn.exports`` (CSV with BOM and neutralized
formulas, or XLSX), the same writer the statistics exports use.
"""
from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from elearn import db
from elearn.exports import Column
from elearn.units.models import OrgUnit
from quizzes.contests.models import ContestEntrant, ContestRound
from quizzes.contests.ranking import rank_round, unit_participation
from quizzes.contests.results import require_closed

CHUNK = 5000


def ranking_table(r: ContestRound) -> tuple[list[Column], Iterator[tuple]]:
    require_closed(r)
    ranking = rank_round(r)
    columns = [Column(_("Rank"), "int", 8), Column(_("Full name"), width=28), Column(_("Unit"), width=36),
               Column(_("Phone"), width=14), Column(_("E-mail"), width=28), Column(_("Correct answers"), "int"),
               Column(_("Prediction"), "int"), Column(_("Distance from the actual value"), "int"),
               Column(_("Time (seconds)"), "number", decimals=1), Column(_("Submitted"), "datetime")]

    def rows():
        # The ranked entrants only, a chunk at a time (a contest registers many who never enter a round).
        for start in range(0, len(ranking.rows), CHUNK):
            chunk = ranking.rows[start:start + CHUNK]
            stmt = (select(ContestEntrant.id, ContestEntrant.full_name, OrgUnit.name, ContestEntrant.unit_text,
                           ContestEntrant.phone, ContestEntrant.email)
                    .outerjoin(OrgUnit, OrgUnit.id == ContestEntrant.unit_id)
                    .where(ContestEntrant.id.in_([row.entrant_id for row in chunk])))
            people = {eid: (name, unit_name or unit_text, phone or "", email or "")
                      for eid, name, unit_name, unit_text, phone, email in db.session.execute(stmt)}
            for row in chunk:
                name, unit, phone, email = people[row.entrant_id]
                yield (row.rank, name, unit, phone, email, row.correct, row.prediction, row.distance,
                       row.duration_ms / 1000, row.submitted_at)

    return columns, rows()


def units_table(r: ContestRound) -> tuple[list[Column], Iterator[tuple]]:
    require_closed(r)
    result = unit_participation(r)
    columns = [Column(_("Rank"), "int", 8), Column(_("Unit"), width=36), Column(_("Entrants"), "int"),
               Column(_("Entries"), "int"), Column(_("Members"), "int"),
               Column(_("Entrants per 100 members"), "number", decimals=2)]

    def rows():
        for i, row in enumerate(result.rows, start=1):
            yield (i, row.unit.name, row.entrants, row.entries, row.members, row.per_member)

    return columns, rows()
