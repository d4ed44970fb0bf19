"""The statistics' detail: one row per (cadre, course) of the filter, with its dates, progress, best
score, passed and certificate, for the detail page, the exports and the API.

A room of its own because the detail is read differently from the figures in ``queries``: not
grouped and rolled up, but row by row in tree order then Vietnamese name order, a few dozen units
at a time (three queries a batch), read ahead in a thread (``readers.read_ahead``) while the caller
writes the previous batch, so memory follows the batch and not the province. A page of one unit
(``unit_detail``) uses the same select. The CSV written by the database (``detail_csv``) holds the
same lines.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import case, func

from courses.models import Course, Enrollment
from elearn import db
from elearn.accounts.models import User
from elearn.units.models import OrgUnit
from reports import readers, rules
from reports.filters import StatsFilter
from reports.queries import UnitRow, local_day, scoped_enrollments, subtree_units


@dataclass(slots=True)
class DetailRow:
    unit: UnitRow | OrgUnit
    user_id: int
    username: str
    full_name: str
    position: str
    course_id: int
    course_title: str
    enrolled_on: str             # local (Vietnam) days as yyyy-mm-dd: what reports show
    due_on: str | None
    completed_on: str | None
    progress: float | None = None      # percent of required items done
    best_score: float | None = None    # best quiz score of the course, percent
    passed: bool | None = None         # every quiz of the course passed; None if it has none
    certificate_code: str | None = None



def _detail_select(f: StatsFilter):
    return (scoped_enrollments(f, User.unit_id, Enrollment.user_id, User.username, User.full_name, User.position, Enrollment.course_id,
                               Course.title, local_day(Enrollment.enrolled_at), local_day(Enrollment.due_at),
                               local_day(Enrollment.completed_at), User.sort_name)
            .join(Course, Course.id == Enrollment.course_id))


def _complete(f: StatsFilter, rows: list[DetailRow], unit_ids: list[int], items: rules.CourseItems) -> list[DetailRow]:
    """Fill progress, best score, passed and certificate code (``reports.rules``): one query for the units."""
    if not rows:
        return rows
    figures = rules.row_figures(unit_ids, f.course_ids, items)
    for r in rows:
        r.progress, r.best_score, r.passed, r.certificate_code = figures.get((r.user_id, r.course_id),
                                                                             (0.0, None, None, None))
    return rows


def _rows(units: dict[int, OrgUnit], result) -> list[DetailRow]:
    return [DetailRow(units[unit_id], uid, username, name, position, cid, title, enrolled, due, completed)
            for unit_id, uid, username, name, position, cid, title, enrolled, due, completed, _ in result]


def unit_detail(f: StatsFilter, unit: OrgUnit, items: rules.CourseItems, *,
                behind: bool = False, limit: int | None = None, offset: int = 0) -> list[DetailRow]:
    """Rows of the cadres directly in ``unit``, by Vietnamese name order then course."""
    stmt = _detail_select(f).where(User.unit_id == unit.id).order_by(User.sort_name, User.id, Course.title, Course.id)
    if behind:
        stmt = stmt.where(Enrollment.completed_at.is_(None))
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return _complete(f, _rows({unit.id: unit}, db.session.execute(stmt)), [unit.id], items)


UNITS_PER_BATCH = 64


def detail_rows(f: StatsFilter, shape: Callable[[list[DetailRow]], list] | None = None) -> Iterator:
    """Every (cadre, course) row of the filter in tree order, then Vietnamese name order.

    Read a few dozen units at a time (three queries per batch), sorted here by the units'
    tree position: memory follows the batch, the query count stays small. The batches are read
    ahead in a thread (``readers.read_ahead``) while the caller writes the previous one; ``shape``
    (DetailRow batch -> rows) runs there too."""
    items = rules.course_items(f.course_ids)
    units = subtree_units(f)
    batches = [units[start:start + UNITS_PER_BATCH] for start in range(0, len(units), UNITS_PER_BATCH)]
    def read(batch: list[UnitRow]) -> list:
        rows = _batch_rows(f, batch, items)
        return shape(rows) if shape else rows

    for rows in readers.read_ahead(read, batches):
        yield from rows


def _batch_rows(f: StatsFilter, batch: list[UnitRow], items: rules.CourseItems) -> list[DetailRow]:
    by_id = {u.id: u for u in batch}
    tree_order = case({u.id: i for i, u in enumerate(batch)}, value=User.unit_id)  # sorted by the database, in C
    result = db.session.connection().execute(_detail_select(f).where(User.unit_id.in_(list(by_id)))
                                .order_by(tree_order, User.sort_name, User.id, Course.title, Course.id))
    return _complete(f, _rows(by_id, result), list(by_id), items)


def count_detail_rows(f: StatsFilter) -> int:
    return db.session.scalar(scoped_enrollments(f, func.count(Enrollment.id))) or 0
