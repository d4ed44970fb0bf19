"""The dashboard: figures for a unit and each unit directly below it, charts, and the
cadres directly in the unit (the bottom of the drill-down)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from elearn import db
from elearn.pagination import Page
from elearn.units.models import OrgUnit
from reports import charts, detail, queries, rollup, rules
from reports.filters import StatsFilter

CADRES_PER_PAGE = 50


@dataclass
class Dashboard:
    filter: StatsFilter
    unit: queries.UnitFigures              # the whole subtree
    children: list[queries.UnitFigures]    # each unit directly below
    direct: queries.Counts                 # cadres attached to the unit itself
    bars: charts.BarChart | None
    line: charts.LineChart | None
    path: list[tuple[str, str]]            # breadcrumb (code, name) within the asker's scope
    as_of: datetime | None = None          # when the (rollup) figures were computed; None: live


def dashboard(f: StatsFilter) -> Dashboard:
    as_of = rollup.ensure_fresh(f.course_ids) if f.start is None and f.end is None else None
    units = queries.subtree_units(f)
    figures = queries.roll_up(units, queries.counts_by_unit(f))
    children = [figures[u.id] for u in units if u.parent_id == f.unit.id]
    own = figures[f.unit.id]
    bars = charts.bar_chart([(c.unit.name, c.total.rate) for c in children]) if children else None
    return Dashboard(f, own, children, own.own, bars, charts.line_chart(queries.completions_by_day(f)),
                     breadcrumb(f), as_of)


def breadcrumb(f: StatsFilter) -> list[tuple[str, str]]:
    ids = [int(i) for i in f.unit.path.strip("/").split("/") if i]
    units = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}
    return [(units[i].code, units[i].name) for i in ids
            if i in units and units[i].path.startswith(f.scope_path)]


def cadres(f: StatsFilter, behind: bool = False, page: int = 1) -> Page:
    """One page (uncounted) of the cadres directly in the unit."""
    page = max(page, 1)
    result = Page.of_rows(detail.unit_detail(f, f.unit, rules.course_items(f.course_ids), behind=behind,
                                              limit=CADRES_PER_PAGE + 1, offset=(page - 1) * CADRES_PER_PAGE),
                          page, CADRES_PER_PAGE)
    for r in result.items:  # days for the page's |date filter
        r.enrolled_on, r.due_on, r.completed_on = (
            date.fromisoformat(d) if d else None for d in (r.enrolled_on, r.due_on, r.completed_on))
    return result
