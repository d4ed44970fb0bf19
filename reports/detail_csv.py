"""The detail export as CSV, written by the database: one query per batch of units returns
the batch's (cadre, course) rows as finished CSV lines in one string, and two readers on one
snapshot (``reports.readers.first_rows``) run the batches on both cores.

The lines are the same, byte for byte, as ``exports.iter_csv`` makes of ``export.detail_table``
(a test holds the two together); this path exists because a million rows formatted in
Python took 25 s and the issue asks for 15.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import aggregate_order_by

from courses.certificates.codes import GROUP, LENGTH
from courses.certificates.models import Certificate
from courses.models import Course, Enrollment, Progress
from elearn import db
from elearn.accounts.models import User
from elearn.exports import Column, iter_csv
from elearn.i18n import decimal_mark
from elearn.units.models import OrgUnit
from reports import csv_sql, queries, readers, rules
from reports.filters import StatsFilter

CRLF = "\r\n"
READERS = 2  # one per core of a small server; more would only queue for the same cores
UNITS_PER_BATCH = 32  # some 10,000 rows, 3 MB of CSV: several batches are in memory at once


def blocks(f: StatsFilter, columns: list[Column], passed_text: dict, decimal: str | None = None
           ) -> Iterator[tuple[int, bytes]]:
    """Every (cadre, course) row of the filter as CSV, in tree then Vietnamese name order: one
    block of lines per batch of units (``exports.CsvBlocks``). ``decimal``: the decimal mark of
    the numbers, the current language's by default (taken now, not when the blocks are read)."""
    return _blocks(f, columns, passed_text, decimal or decimal_mark())


def _blocks(f: StatsFilter, columns: list[Column], passed_text: dict, decimal: str) -> Iterator[tuple[int, bytes]]:
    units = queries.subtree_units(f)
    batches = [units[start:start + UNITS_PER_BATCH] for start in range(0, len(units), UNITS_PER_BATCH)]
    dialect = db.engine().dialect.name
    prefixes = _unit_cells(units, columns[:2])
    line, joins = _line(columns[2:], passed_text, rules.course_items(f.course_ids), dialect, decimal)

    def statement(batch: list[queries.UnitRow]):
        # The batch's units as a small table (id, tree position, their cells) the rows join:
        # cheaper than looking each row's unit up in a CASE list.
        table = union_all(*[select(literal(u.id).label("id"), literal(i).label("pos"),
                                   literal(prefixes[u.id]).label("cells")) for i, u in enumerate(batch)]).subquery()
        prefix = table.c.cells
        order = (table.c.pos, User.sort_name, User.id, Course.title, Course.id)
        rows = (queries.scoped_enrollments(f, csv_sql.concat(prefix, line).label("line"))
                .join(table, table.c.id == User.unit_id).join(Course, Course.id == Enrollment.course_id))
        for target, on in joins:
            rows = rows.outerjoin(target, on)
        if dialect == "postgresql":  # text: bytea would travel hex-encoded, twice the size
            return rows.with_only_columns(func.count(), func.string_agg(
                csv_sql.concat(prefix, line), aggregate_order_by(literal(CRLF), *order)))
        # SQLite concatenates in the order of an ordered subquery (which it does not flatten)
        ordered = rows.order_by(*order).subquery()
        return select(func.count(), func.group_concat(ordered.c.line, literal(CRLF)))

    # A batch comes back as one string (of UTF-8 bytes, written as they are): row by row, the
    # readers would hand Python's lock back and forth a million times.
    for n, data in readers.first_rows([statement(batch) for batch in batches], workers=READERS):
        yield n, data or b""  # None: no rows


def _unit_paths(units: list[queries.UnitRow]) -> dict[int, tuple[str, str]]:
    """{unit id: (unit path, unit name)}."""
    ids = {int(i) for u in units for i in u.path.strip("/").split("/") if i}
    names = {u.id: u.name for u in units}
    missing = ids - names.keys()
    if missing:  # the ancestors above the chosen unit
        names.update(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(missing))).all())
    return {u.id: (" / ".join(names[int(i)] for i in u.path.strip("/").split("/") if i and int(i) in names), u.name)
            for u in units}


def _unit_cells(units: list[queries.UnitRow], columns: list[Column]) -> dict[int, str]:
    """{unit id: 'unit path,unit name,'}, formatted once per unit by the CSV writer itself."""
    out = {}
    for unit_id, (path, name) in _unit_paths(units).items():
        header_and_row = b"".join(iter_csv(columns, [(path, name)])).decode("utf-8").split("\r\n")
        out[unit_id] = header_and_row[1] + ","
    return out


def _line(columns: list[Column], passed_text: dict, items: rules.CourseItems, dialect: str, decimal: str):
    """SQL for the rest of the line: username .. certificate code (``export.detail_columns()[2:]``),
    and the outer joins it needs."""
    username, full_name, position, course, enrolled, due, progress, completed, score, passed, code = columns
    done, quizzes_done, best = rules.aggregates(items)
    joins = [(Certificate, rules.live_certificate())]
    # One correlated subquery gives the cells of the progress figures (SQLite: a grouped join
    # measured slower)
    figures = (select(_figure_cells(columns, passed_text, dialect, items, done, quizzes_done, best, decimal))
               .where(Progress.user_id == Enrollment.user_id, Progress.course_id == Enrollment.course_id).scalar_subquery())
    line = csv_sql.line([
        csv_sql.text_cell(User.username, dialect), csv_sql.text_cell(User.full_name, dialect),
        csv_sql.text_cell(User.position, dialect), csv_sql.text_cell(Course.title, dialect),
        csv_sql.cell(enrolled, Enrollment.enrolled_at, dialect), csv_sql.cell(due, Enrollment.due_at, dialect),
        figures, _grouped_code()], dialect)

    return line, joins


def _figure_cells(columns: list[Column], passed_text: dict, dialect: str, items: rules.CourseItems, done, quizzes_done, best,
                  decimal: str):
    """'progress,completed on,best score,passed' from the progress aggregates."""
    progress, completed, score = columns[6], columns[7], columns[8]
    percent, passed = rules.figures(items, done, quizzes_done)
    passed_cell = case((passed.is_(None), literal(passed_text[None])), (passed == 1, literal(passed_text[True])),
                       else_=literal(passed_text[False]))
    return csv_sql.line([csv_sql.cell(progress, percent, dialect, nullable=False, decimal=decimal),
                         csv_sql.cell(completed, Enrollment.completed_at, dialect),
                         csv_sql.cell(score, best, dialect, decimal=decimal),
                         csv_sql.text_cell(passed_cell, dialect)], dialect)


def _grouped_code():
    """The certificate code as people read it (7KQ2-M9XD-…, ``codes.grouped``), '' without one
    (outer joined). Its alphabet has no quote, comma or formula start: no quoting needed."""
    parts = []
    for start in range(1, LENGTH + 1, GROUP):
        parts += [func.substr(Certificate.code, start, GROUP), literal("-")]
    return func.coalesce(csv_sql.concat(*parts[:-1]), literal(""))
