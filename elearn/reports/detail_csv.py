"""The detail export as CSV, written by the database: one query per batch of units returns
each (cadre, course) row as its finished CSV line, and two readers on one snapshot
(``elearn.readers``) run the batches on both cores.

The lines are the same, byte for byte, as ``exports.iter_csv`` makes of ``export.detail_table``
(a test holds the two together); this path exists because a million rows formatted in
Python took 25 s and the issue asks for 15.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from courses.certificates.models import Certificate
from courses.models import Course, Enrollment, Item, ItemKind, Progress
from elearn import csv_sql, db, readers
from elearn.exports import Column, iter_csv
from elearn.models import OrgUnit, User
from elearn.reports import queries
from elearn.reports.filters import StatsFilter

E, U, P, I = Enrollment, User, Progress, Item
CRLF = "\r\n"
READERS = 2  # one per core of a small server; more would only queue for the same cores


def blocks(f: StatsFilter, columns: list[Column], passed_text: dict) -> Iterator[tuple[int, str]]:
    """Every (cadre, course) row of the filter as CSV, in tree then Vietnamese name order: one
    block of lines per batch of units (``exports.CsvBlocks``)."""
    units = queries.subtree_units(f)
    prefixes = _unit_cells(units, columns[:2])
    line = _line_expression(f, columns[2:], passed_text)
    batches = [units[start:start + queries.UNITS_PER_BATCH]
               for start in range(0, len(units), queries.UNITS_PER_BATCH)]
    dialect = db.engine().dialect.name

    def read(batch: list[queries.UnitRow]) -> tuple[int, str]:
        # The batch comes back as one string: a row at a time, the readers would hand Python's
        # lock back and forth a million times and barely run side by side.
        prefix = case({u.id: literal(prefixes[u.id]) for u in batch}, value=U.unit_id)
        order = (case({u.id: i for i, u in enumerate(batch)}, value=U.unit_id), U.sort_name, U.id,
                 Course.title, Course.id)
        rows = (queries.scoped_enrollments(f, csv_sql.concat(prefix, line).label("line"))
                .join(Course, Course.id == E.course_id).where(U.unit_id.in_([u.id for u in batch])))
        if dialect == "postgresql":
            stmt = rows.with_only_columns(func.count(), func.string_agg(
                csv_sql.concat(prefix, line), aggregate_order_by(literal(CRLF), *order)))
        else:  # SQLite concatenates in the order of an ordered subquery (it is not flattened)
            ordered = rows.order_by(*order).subquery()
            stmt = select(func.count(), func.group_concat(ordered.c.line, literal(CRLF)))
        n, text = db.session.connection().execute(stmt).one()
        return n, text or ""

    yield from readers.read_ahead(read, batches, workers=READERS)


def _unit_cells(units: list[queries.UnitRow], columns: list[Column]) -> dict[int, str]:
    """{unit id: 'unit path,unit name,'}, formatted once per unit by the CSV writer itself."""
    ids = {int(i) for u in units for i in u.path.strip("/").split("/") if i}
    names = {u.id: u.name for u in units}
    missing = ids - names.keys()
    if missing:  # the ancestors above the chosen unit
        names.update(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(missing))).all())
    out = {}
    for u in units:
        path = " / ".join(names[int(i)] for i in u.path.strip("/").split("/") if i and int(i) in names)
        header_and_row = b"".join(iter_csv(columns, [(path, u.name)])).decode("utf-8").split("\r\n")
        out[u.id] = header_and_row[1] + ","
    return out


def _line_expression(f: StatsFilter, columns: list[Column], passed_text: dict):
    """SQL for the rest of the line: username .. certificate code (``export.detail_columns()[2:]``)."""
    dialect = db.engine().dialect.name
    username, full_name, position, course, enrolled, due, progress, completed, score, passed, code = columns
    required_ids, quiz_ids, required_n, quiz_n = _items(f.course_ids)
    # Progress, best score and passed come from the cadre's progress rows on the course: one
    # correlated subquery gives their cells, and completed-on between them (separate subqueries
    # would read the rows once each).
    done = func.coalesce(func.sum(case((and_(P.item_id.in_(required_ids), P.completed_at.is_not(None)), 1),
                                       else_=0)), 0)
    quizzes_done = func.coalesce(func.sum(case((and_(P.item_id.in_(quiz_ids), P.completed_at.is_not(None)), 1),
                                               else_=0)), 0)
    best = func.max(case((P.item_id.in_(quiz_ids), P.best_score)))
    required = case(required_n, value=E.course_id, else_=0) if required_n else literal(0)
    quizzes = case(quiz_n, value=E.course_id, else_=0) if quiz_n else literal(0)
    percent = case((E.completed_at.is_not(None), 100.0), (required == 0, 0.0), (done >= required, 100.0),
                   else_=100.0 * done / required)
    passed_cell = case((quizzes == 0, literal(passed_text[None])), (quizzes_done >= quizzes, literal(passed_text[True])),
                       else_=literal(passed_text[False]))
    figures = (select(csv_sql.line([csv_sql.cell(progress, percent, dialect), csv_sql.cell(completed, E.completed_at, dialect),
                                    csv_sql.cell(score, best, dialect), csv_sql.text_cell(passed_cell, dialect)]))
               .where(P.user_id == E.user_id, P.course_id == E.course_id).scalar_subquery())
    certificate = (select(csv_sql.text_cell(Certificate.code, dialect))
                   .where(Certificate.user_id == E.user_id, Certificate.course_id == E.course_id,
                          Certificate.revoked_at.is_(None)).scalar_subquery())
    return csv_sql.line([
        csv_sql.text_cell(U.username, dialect), csv_sql.text_cell(U.full_name, dialect),
        csv_sql.text_cell(U.position, dialect), csv_sql.text_cell(Course.title, dialect),
        csv_sql.cell(enrolled, E.enrolled_at, dialect), csv_sql.cell(due, E.due_at, dialect),
        figures, func.coalesce(certificate, literal(""))])


def _items(course_ids: list[int]) -> tuple[list[int], list[int], dict[int, int], dict[int, int]]:
    """Ids of the required items and of the quizzes of the courses, and their counts per course."""
    required_ids, quiz_ids, required_n, quiz_n = [], [], {}, {}
    for item_id, course_id, is_required, kind in db.session.execute(
            select(I.id, I.course_id, I.required, I.kind).where(I.course_id.in_(course_ids))):
        if is_required:
            required_ids.append(item_id)
            required_n[course_id] = required_n.get(course_id, 0) + 1
        if kind == ItemKind.QUIZ:
            quiz_ids.append(item_id)
            quiz_n[course_id] = quiz_n.get(course_id, 0) + 1
    return required_ids, quiz_ids, required_n, quiz_n
