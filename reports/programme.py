"""A programme's progress in the statistics (issue 20, item 1): per unit (cadres on it, of whom
completed, overdue) and per cadre (courses done of those needed, completed on, due, overdue), for
the dashboard and the two programme exports; and who is due for renewal (the renewals page).

A cadre's courses done count as the programme's rule does (``courses.programmes.queries``): every
required course completed, and optional ones up to ``optional_needed``; a recorded completion is
all of them. Figures are of the active cadres of the unit's subtree, within the asker's scope.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from courses.models import Enrollment
from courses.programmes.models import Programme, ProgrammeCourse, ProgrammeEnrollment
from courses.programmes.renewal import add_months
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.exports import Column
from elearn.pagination import Page, paginate
from elearn.units.models import OrgUnit, subtree_of
from reports import queries
from reports.filters import StatsFilter

UNITS_PER_BATCH = 64


@dataclass(slots=True)
class ProgrammeCounts:
    on: int = 0
    completed: int = 0
    overdue: int = 0

    def add(self, other: ProgrammeCounts) -> None:
        self.on += other.on
        self.completed += other.completed
        self.overdue += other.overdue

    @property
    def rate(self) -> float | None:
        return 100.0 * self.completed / self.on if self.on else None


@dataclass
class UnitProgramme:
    unit: queries.UnitRow
    own: ProgrammeCounts = field(default_factory=ProgrammeCounts)
    total: ProgrammeCounts = field(default_factory=ProgrammeCounts)


@dataclass(slots=True)
class CadreProgramme:
    unit_id: int
    username: str
    full_name: str
    position: str
    done: int
    needed: int
    due_on: date | None
    completed_on: date | None
    overdue: bool


def _scoped(stmt, f: StatsFilter):
    return (stmt.join(User, User.id == ProgrammeEnrollment.user_id).join(OrgUnit, OrgUnit.id == User.unit_id)
            .where(ProgrammeEnrollment.programme_id == f.programme.id, User.active.is_(True),
                   subtree_of(f.scope_path), subtree_of(f.unit.path)))


def _overdue(now):
    return and_(ProgrammeEnrollment.completed_at.is_(None), ProgrammeEnrollment.due_at < now)


def counts_by_unit(f: StatsFilter) -> dict[int, ProgrammeCounts]:
    """{cadre's own unit id: figures}: one grouped query."""
    stmt = _scoped(select(User.unit_id, func.count(ProgrammeEnrollment.id), func.count(ProgrammeEnrollment.completed_at),
                          func.sum(case((_overdue(utcnow()), 1), else_=0))).select_from(ProgrammeEnrollment), f)
    return {unit_id: ProgrammeCounts(on, done, int(late or 0))
            for unit_id, on, done, late in db.session.execute(stmt.group_by(User.unit_id))}


def by_unit(f: StatsFilter) -> dict[int, UnitProgramme]:
    """Every unit of the subtree (tree order) with its own cadres' and its whole subtree's figures."""
    units = queries.subtree_units(f)
    figures = {u.id: UnitProgramme(u) for u in units}
    for unit_id, counts in counts_by_unit(f).items():
        if unit_id in figures:
            figures[unit_id].own = counts
            figures[unit_id].total.add(counts)
    for u in reversed(units):  # children before their parent
        if u.parent_id in figures:
            figures[u.parent_id].total.add(figures[u.id].total)
    return figures


def programme_completion(f: StatsFilter) -> tuple[int, int] | None:
    """(cadres on the chosen programme, of whom completed) among the active cadres of the unit's
    subtree (within the asker's scope); None when no programme is chosen. One query."""
    if f.programme is None:
        return None
    on, done = db.session.execute(
        select(func.count(ProgrammeEnrollment.id), func.count(ProgrammeEnrollment.completed_at))
        .join(User, User.id == ProgrammeEnrollment.user_id).join(OrgUnit, OrgUnit.id == User.unit_id)
        .where(ProgrammeEnrollment.programme_id == f.programme.id, User.active.is_(True),
               subtree_of(f.scope_path), subtree_of(f.unit.path))).one()
    return on, done


RENEWAL_WINDOW_DAYS = 30


def due_for_renewal(f: StatsFilter, page: int = 1, per_page: int = 100):
    """One page of the cadres of the unit's subtree whose completion of the chosen programme has
    ended or ends within RENEWAL_WINDOW_DAYS, earliest first: rows of (full name, unit name,
    completed at, on a renewal edition?). None when no programme with a validity is chosen."""
    if f.programme is None or not f.programme.validity_months:
        return None
    horizon = add_months(utcnow() + timedelta(days=RENEWAL_WINDOW_DAYS), -f.programme.validity_months)
    editions = select(Programme.id).where(Programme.renews_id == f.programme.id)
    renewed = aliased(ProgrammeEnrollment)
    on_edition = exists().where(renewed.user_id == ProgrammeEnrollment.user_id, renewed.programme_id.in_(editions))
    stmt = (select(User.full_name, OrgUnit.name, ProgrammeEnrollment.completed_at, on_edition)
            .join(User, User.id == ProgrammeEnrollment.user_id).join(OrgUnit, OrgUnit.id == User.unit_id)
            .where(ProgrammeEnrollment.programme_id == f.programme.id, ProgrammeEnrollment.completed_at <= horizon,
                   User.active.is_(True), subtree_of(f.scope_path), subtree_of(f.unit.path))
            .order_by(ProgrammeEnrollment.completed_at, User.sort_name))
    return paginate(stmt, page, per_page, rows=True)


def _cadre_select(f: StatsFilter):
    """Rows of (unit id, user id, username, full name, position, due day, completed day)."""
    return _scoped(select(User.unit_id, User.id, User.username, User.full_name, User.position,
                          queries.local_day(ProgrammeEnrollment.due_at), queries.local_day(ProgrammeEnrollment.completed_at))
                   .select_from(ProgrammeEnrollment), f)


def _done(f: StatsFilter, unit_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{user id: (required courses completed, optional ones)} of the programme's cadres in these units:
    one grouped query over their enrolments only."""
    pc = ProgrammeCourse
    stmt = (select(Enrollment.user_id, func.sum(case((pc.required.is_(True), 1), else_=0)),
                   func.sum(case((pc.required.is_(True), 0), else_=1)))
            .join(pc, and_(pc.course_id == Enrollment.course_id, pc.programme_id == f.programme.id))
            .where(Enrollment.completed_at.is_not(None), Enrollment.user_id.in_(_users_of(unit_ids)))
            .group_by(Enrollment.user_id))
    return {user_id: (int(req or 0), int(opt or 0)) for user_id, req, opt in db.session.execute(stmt)}


def _users_of(unit_ids: list[int]):
    # Reads start from the units' accounts (an index on their unit), not from the whole programme's rows.
    return select(User.id).where(User.unit_id.in_(unit_ids))


def _needs(programme: Programme) -> tuple[int, int]:
    required = db.session.scalar(select(func.count()).where(ProgrammeCourse.programme_id == programme.id,
                                                            ProgrammeCourse.required.is_(True))) or 0
    return required, programme.optional_needed


def _shape(rows, done: dict[int, tuple[int, int]], needs: tuple[int, int], today: date) -> list[CadreProgramme]:
    required, optional = needs
    out = []
    for unit_id, user_id, username, full_name, position, due, completed in rows:
        due_on = date.fromisoformat(due) if due else None
        completed_on = date.fromisoformat(completed) if completed else None
        req, opt = done.get(user_id, (0, 0))
        counted = required + optional if completed_on else min(req, required) + min(opt, optional)
        out.append(CadreProgramme(unit_id, username, full_name, position or "", counted, required + optional,
                                  due_on, completed_on, completed_on is None and due_on is not None and due_on < today))
    return out


def cadres(f: StatsFilter, page: int = 1, per_page: int = 50) -> Page:
    """One page of the programme's cadres directly in the unit, by Vietnamese name order."""
    from reports.filters import today_local

    stmt = _cadre_select(f).where(User.unit_id == f.unit.id).order_by(User.sort_name, User.id)
    result = paginate(stmt, page, per_page, rows=True)
    result.items = _shape(result.items, _done(f, [f.unit.id]) if result.items else {}, _needs(f.programme),
                          today_local())
    return result


def cadre_rows(f: StatsFilter) -> Iterator[CadreProgramme]:
    """Every cadre of the subtree on the programme, in tree then name order, a batch of units at a time."""
    from reports.filters import today_local

    units = queries.subtree_units(f)
    needs, today = _needs(f.programme), today_local()
    for start in range(0, len(units), UNITS_PER_BATCH):
        ids = [u.id for u in units[start:start + UNITS_PER_BATCH]]
        order = case({unit_id: i for i, unit_id in enumerate(ids)}, value=User.unit_id)
        rows = db.session.execute(_cadre_select(f).where(ProgrammeEnrollment.user_id.in_(_users_of(ids)))
                                  .order_by(order, User.sort_name, User.id)).all()
        if rows:
            yield from _shape(rows, _done(f, ids), needs, today)


def cadre_count(f: StatsFilter) -> int:
    return db.session.scalar(_scoped(select(func.count(ProgrammeEnrollment.id)).select_from(ProgrammeEnrollment), f)) or 0


# ---------------------------------------------------------------- exports

def cadre_columns() -> list[Column]:
    with force_locale("vi"):
        return [Column(_("Unit path"), width=45), Column(_("Unit"), width=30), Column(_("Username"), width=18),
                Column(_("Full name"), width=26), Column(_("Position"), width=30), Column(_("Programme"), width=40),
                Column(_("Courses done"), "int"), Column(_("Courses needed"), "int"), Column(_("Due"), "date"),
                Column(_("Completed on"), "date"), Column(_("Overdue"), width=10)]


def cadre_table(f: StatsFilter) -> Iterator[tuple]:
    units = {u.id: u for u in queries.subtree_units(f)}
    names = {u.id: u.name for u in units.values()}
    names.update(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(
        OrgUnit.id.in_({int(i) for i in f.unit.path.strip("/").split("/") if i}))).all())
    paths: dict[int, str] = {}
    with force_locale("vi"):
        late = _("Overdue")
    for r in cadre_rows(f):
        path = paths.get(r.unit_id)
        if path is None:
            ids = [int(i) for i in units[r.unit_id].path.strip("/").split("/") if i]
            path = paths[r.unit_id] = " / ".join(names[i] for i in ids if i in names)
        yield (path, units[r.unit_id].name, r.username, r.full_name, r.position, f.programme.title, r.done, r.needed,
               r.due_on, r.completed_on, late if r.overdue else "")


def unit_columns() -> list[Column]:
    with force_locale("vi"):
        return [Column(_("No."), width=9), Column(_("Unit"), width=45), Column(_("Programme"), width=40),
                Column(_("Cadres on the programme"), "int"), Column(_("Cadres who completed it"), "int"),
                Column(_("Completion rate (%)"), "number"), Column(_("Overdue"), "int")]


def unit_table(f: StatsFilter) -> list[tuple]:
    """The subtree in tree order (names indented by level, numbered 1, 1.1 ...), each unit with its
    whole subtree's figures, and a total."""
    figures = by_unit(f)
    rows: list[tuple] = []
    numbers: dict[int, str] = {f.unit.id: ""}
    children: dict[int, int] = {}
    for fig in figures.values():
        unit = fig.unit
        if unit.id == f.unit.id:
            continue
        children[unit.parent_id] = children.get(unit.parent_id, 0) + 1
        numbers[unit.id] = f"{numbers.get(unit.parent_id, '')}.{children[unit.parent_id]}".lstrip(".")
        indent = "    " * max(unit.depth - f.unit.depth - 1, 0)
        rows.append((numbers[unit.id], indent + unit.name, f.programme.title, *_figures(fig.total)))
    with force_locale("vi"):
        total = _("Total")
    rows.append(("", f"{total}: {f.unit.name}", f.programme.title, *_figures(figures[f.unit.id].total)))
    return rows


def _figures(c: ProgrammeCounts) -> tuple:
    return (c.on, c.completed, c.rate, c.overdue)
