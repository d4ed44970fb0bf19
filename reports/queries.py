"""The statistics' figures. Every query is narrowed, in SQL, to the asker's subtree
(``StatsFilter.scope_path``) and the chosen unit, courses and enrolment period.

Aggregates are grouped by the cadre's own unit and rolled up the tree in Python (the
tree of a province is a few thousand units; the enrolments are millions). The per-cadre rows
of the detail are in ``reports.detail``; a programme's figures in ``reports.programme``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select

from courses.certificates.models import Certificate
from courses.models import Enrollment, Item, ItemKind, Progress
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.units.models import OrgUnit, subtree_of
from elearn.units.services import sort_tree
from reports import csv_sql, rollup
from reports.filters import StatsFilter
from reports.models import StatsDaily, StatsRollup


@dataclass(slots=True)
class Counts:
    enrolled: int = 0
    started: int = 0
    completed: int = 0
    overdue: int = 0
    score_sum: float = 0.0
    score_n: int = 0
    certificates: int = 0

    def add(self, other: Counts) -> None:
        self.enrolled += other.enrolled
        self.started += other.started
        self.completed += other.completed
        self.overdue += other.overdue
        self.score_sum += other.score_sum
        self.score_n += other.score_n
        self.certificates += other.certificates

    @property
    def rate(self) -> float | None:
        """Completion rate in percent."""
        return 100.0 * self.completed / self.enrolled if self.enrolled else None

    @property
    def avg_score(self) -> float | None:
        return self.score_sum / self.score_n if self.score_n else None


def conditions(f: StatsFilter) -> list:
    """WHERE clauses over Enrollment, User and OrgUnit: the scope is always among them
    (unless it is the whole tree, when no unit needs reading at all)."""
    conds = [Enrollment.unenrolled_at.is_(None), Enrollment.course_id.in_(f.course_ids)]
    conds += [subtree_of(path) for path in sorted({f.scope_path, f.unit.path}) if path != "/"]
    if f.start is not None:
        conds.append(Enrollment.enrolled_at >= f.start)
    if f.end is not None:
        conds.append(Enrollment.enrolled_at < f.end)
    return conds


def scoped(stmt, f: StatsFilter):
    """``stmt`` (which joins User) narrowed to the filter; OrgUnit joined when the scope needs it."""
    if {f.scope_path, f.unit.path} != {"/"}:
        stmt = stmt.join(OrgUnit, OrgUnit.id == User.unit_id)
    return stmt.where(*conditions(f))


def scoped_enrollments(f: StatsFilter, *columns):
    return scoped(select(*columns).select_from(Enrollment).join(User, User.id == Enrollment.user_id), f)


def whole_tree(course_ids: list[int]) -> StatsFilter:
    """The filter of everything on these courses: what the rollup is computed over."""
    return StatsFilter(actor=None, scope_path="/", unit=OrgUnit(path="/"), course=None, course_ids=list(course_ids))


def counts_by_unit(f: StatsFilter) -> dict[int, Counts]:
    """Figures per cadre's own unit, over the filter's subtree.

    Without a period they are read from the rollup (``reports.rollup``: kept per unit and
    course, recomputed by the job worker after changes) and summed over the chosen courses; with
    a period, or before the rollup was first computed, they are computed from the data."""
    if f.start is not None or f.end is not None or rollup.ensure_fresh(f.course_ids) is None:
        return _counts_by_unit(f)
    R = StatsRollup
    stmt = (select(R.unit_id, func.sum(R.enrolled), func.sum(R.started), func.sum(R.completed), func.sum(R.overdue),
                   func.sum(R.score_sum), func.sum(R.score_n), func.sum(R.certificates))
            .join(OrgUnit, OrgUnit.id == R.unit_id)
            .where(R.course_id.in_(f.course_ids), subtree_of(f.scope_path), subtree_of(f.unit.path))
            .group_by(R.unit_id))
    return {unit_id: Counts(int(enrolled), int(started), int(completed), int(overdue), float(score_sum or 0),
                            int(score_n), int(certs))
            for unit_id, enrolled, started, completed, overdue, score_sum, score_n, certs in db.session.execute(stmt)}


def _counts_by_unit(f: StatsFilter, now: datetime | None = None) -> dict[int, Counts]:
    out: dict[int, Counts] = {}
    for (unit_id, _course_id), counts in aggregate(f, now).items():
        out.setdefault(unit_id, Counts()).add(counts)
    return out


def aggregate(f: StatsFilter, now: datetime | None = None) -> dict[tuple[int, int], Counts]:
    """{(unit id, course id): figures} of the cadres whose own unit it is, computed from the data."""
    now = now or utcnow()
    started = or_(Enrollment.completed_at.is_not(None),
                  exists().where(Progress.user_id == Enrollment.user_id, Progress.course_id == Enrollment.course_id))
    overdue = and_(Enrollment.completed_at.is_(None), Enrollment.due_at < now)
    stmt = scoped_enrollments(
        f, User.unit_id, Enrollment.course_id, func.count(Enrollment.id), func.count(Enrollment.completed_at),
        func.sum(case((started, 1), else_=0)), func.sum(case((overdue, 1), else_=0)),
    ).group_by(User.unit_id, Enrollment.course_id)
    out: dict[tuple[int, int], Counts] = {}
    for unit_id, course_id, enrolled, completed, n_started, n_overdue in db.session.execute(stmt):
        out[(unit_id, course_id)] = Counts(enrolled, int(n_started or 0), completed, int(n_overdue or 0))

    scores = (select(User.unit_id, Enrollment.course_id, func.sum(Progress.best_score), func.count(Progress.best_score))
              .select_from(Progress).join(Item, Item.id == Progress.item_id)
              .join(Enrollment, and_(Enrollment.user_id == Progress.user_id, Enrollment.course_id == Progress.course_id))
              .join(User, User.id == Enrollment.user_id)
              .where(Item.kind == ItemKind.QUIZ, Progress.best_score.is_not(None)))
    scores = scoped(scores, f).group_by(User.unit_id, Enrollment.course_id)
    for unit_id, course_id, total, n in db.session.execute(scores):
        row = out.setdefault((unit_id, course_id), Counts())
        row.score_sum, row.score_n = float(total or 0), n

    certs = (select(User.unit_id, Enrollment.course_id, func.count(Certificate.id)).select_from(Certificate)
             .join(Enrollment, and_(Enrollment.user_id == Certificate.user_id, Enrollment.course_id == Certificate.course_id))
             .join(User, User.id == Enrollment.user_id).where(Certificate.live))
    certs = scoped(certs, f).group_by(User.unit_id, Enrollment.course_id)
    for unit_id, course_id, n in db.session.execute(certs):
        out.setdefault((unit_id, course_id), Counts()).certificates = n
    return out


@dataclass(slots=True)
class UnitRow:
    """A unit as the reports need it: plain values, no ORM identity (a province has thousands)."""

    id: int
    parent_id: int | None
    code: str
    name: str
    path: str

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


def subtree_units(f: StatsFilter) -> list[UnitRow]:
    """The filter's unit and everything below it, in tree order (within the scope)."""
    return sort_tree([UnitRow(*row) for row in db.session.execute(
        select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.code, OrgUnit.name, OrgUnit.path).where(subtree_of(f.scope_path), subtree_of(f.unit.path)))])


def ancestor_names(unit: OrgUnit) -> list[str]:
    ids = [int(i) for i in unit.path.strip("/").split("/") if i]
    names = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(ids))).all())
    return [names[i] for i in ids if i in names]


@dataclass
class UnitFigures:
    """A unit with its own cadres' figures and its whole subtree's."""

    unit: UnitRow
    own: Counts = field(default_factory=Counts)
    total: Counts = field(default_factory=Counts)
    has_children: bool = False


def roll_up(units: list[UnitRow], by_unit: dict[int, Counts]) -> dict[int, UnitFigures]:
    figures = {u.id: UnitFigures(u) for u in units}
    for u in units:
        if u.parent_id in figures:
            figures[u.parent_id].has_children = True
    for unit_id, counts in by_unit.items():
        if unit_id in figures:
            figures[unit_id].own = counts
            figures[unit_id].total.add(counts)
    for u in reversed(units):  # tree order reversed: every unit is complete before its parent takes it
        if u.parent_id in figures:
            figures[u.parent_id].total.add(figures[u.id].total)
    return figures


def completions_by_day(f: StatsFilter) -> list[tuple[str, int]]:
    """(yyyy-mm-dd in Vietnam time, completions) for the filter's cohort. The province and the
    districts read the rollup (their subtrees are large); a commune or cell is counted live."""
    if (f.start is None and f.end is None and f.unit.depth <= rollup.TOP_DEPTH
            and rollup.ensure_fresh(f.course_ids) is not None):
        D = StatsDaily
        stmt = (select(D.day, func.sum(D.completions)).where(D.unit_id == f.unit.id, D.course_id.in_(f.course_ids))
                .group_by(D.day).order_by(D.day))
        return [(d, int(n)) for d, n in db.session.execute(stmt)]
    return _completions_by_day(f)


def _completions_by_day(f: StatsFilter) -> list[tuple[str, int]]:
    day = local_day(Enrollment.completed_at)
    stmt = scoped_enrollments(f, day.label("day"), func.count(Enrollment.id)).where(
        Enrollment.completed_at.is_not(None)).group_by(day).order_by(day)
    return [(d, n) for d, n in db.session.execute(stmt)]


def completions_by_course_day(f: StatsFilter, path: str, direct_only: bool) -> list[tuple[int, str, int]]:
    """(course id, day, completions) of the subtree at ``path`` (``direct_only``: its own cadres)."""
    day = local_day(Enrollment.completed_at)
    stmt = (select(Enrollment.course_id, day, func.count(Enrollment.id)).select_from(Enrollment).join(User, User.id == Enrollment.user_id)
            .join(OrgUnit, OrgUnit.id == User.unit_id).where(Enrollment.completed_at.is_not(None), *conditions(f)))
    stmt = stmt.where(OrgUnit.path == path) if direct_only else stmt.where(subtree_of(path))
    return [(c, d, n) for c, d, n in db.session.execute(stmt.group_by(Enrollment.course_id, day))]


def local_day(column):
    """SQL: the Vietnam-time calendar day of a UTC timestamp column as 'yyyy-mm-dd'. Reading
    days as text spares a million rows their datetime parsing and time-zone arithmetic."""
    return csv_sql.local_text(column, db.engine().dialect.name, "%Y-%m-%d")
