"""The two statistics tables (detail by cadre, summary by unit) as export columns and rows.

Headers are Vietnamese whatever the page language: the files go into Vietnamese reports. The
numbers of a CSV take the decimal mark of the language asked in ('44,4'; English '44.4').
Every export is recorded in the audit log with its filters and row count.
"""
from __future__ import annotations

from collections.abc import Iterator

from flask_babel import force_locale
from flask_babel import gettext as _

from courses.certificates.codes import grouped
from elearn import audit
from elearn.exports import Column, CsvBlocks
from reports import detail, detail_csv, programme, queries
from reports.filters import ReportError, StatsFilter

KINDS = ("detail", "summary", "programme", "programme_units")
PROGRAMME_KINDS = ("programme", "programme_units")  # need a programme chosen
FORMATS = ("csv", "xlsx")


def detail_columns() -> list[Column]:
    with force_locale("vi"):
        return [
            Column(_("Unit path"), width=45), Column(_("Unit"), width=30), Column(_("Username"), width=18),
            Column(_("Full name"), width=26), Column(_("Position"), width=30), Column(_("Course"), width=40),
            Column(_("Enrolled on"), "date"), Column(_("Due"), "date"),
            Column(_("Progress (%)"), "number", decimals=0), Column(_("Completed on"), "date"),
            Column(_("Best score"), "number"), Column(_("Passed"), width=10),
            Column(_("Certificate code"), width=24),
        ]


def summary_columns() -> list[Column]:
    with force_locale("vi"):
        return [
            Column(_("No."), width=9), Column(_("Unit"), width=45), Column(_("Row kind"), width=12),
            Column(_("Cadres enrolled"), "int"), Column(_("Cadres started"), "int"), Column(_("Cadres completed"), "int"),
            Column(_("Completion rate (%)"), "number"), Column(_("Overdue"), "int"),
            Column(_("Average best quiz score"), "number"), Column(_("Certificates issued"), "int"),
        ]


def _passed_text() -> dict:
    with force_locale("vi"):
        return {True: _("Passed"), False: _("Not passed"), None: ""}


def detail_table(f: StatsFilter) -> Iterator[tuple]:
    passed_text = _passed_text()
    path_cache: dict[int, str] = {}

    def shape(batch: list[detail.DetailRow]) -> list[tuple]:
        out = []
        for r in batch:
            path = path_cache.get(r.unit.id)
            if path is None:
                path = path_cache[r.unit.id] = " / ".join(queries.ancestor_names(r.unit))
            out.append((path, r.unit.name, r.username, r.full_name, r.position, r.course_title, r.enrolled_on,
                        r.due_on, r.progress, r.completed_on, r.best_score, passed_text[r.passed],
                        grouped(r.certificate_code) if r.certificate_code else None))
        return out

    return detail.detail_rows(f, shape)


def _figures(c: queries.Counts) -> tuple:
    return (c.enrolled, c.started, c.completed, c.rate, c.overdue, c.avg_score, c.certificates)


def summary_table(f: StatsFilter) -> list[tuple]:
    """The unit tree in order, names indented by level; a unit with units below it carries its
    subtree's subtotal ('Cộng'), its own cadres get a 'Trực thuộc' row, and a total closes it."""
    units = queries.subtree_units(f)
    figures = queries.roll_up(units, queries.counts_by_unit(f))
    with force_locale("vi"):
        subtotal, direct, total = _("Subtotal"), _("Directly under"), _("Total")
    rows: list[tuple] = []
    numbers: dict[int, str] = {f.unit.id: ""}
    child_count: dict[int, int] = {}
    base = f.unit.depth
    for unit in units:
        fig = figures[unit.id]
        indent = "    " * max(unit.depth - base - 1, 0)
        if unit.id != f.unit.id:
            parent_no = numbers.get(unit.parent_id, "")
            child_count[unit.parent_id] = child_count.get(unit.parent_id, 0) + 1
            numbers[unit.id] = f"{parent_no}.{child_count[unit.parent_id]}".lstrip(".")
            kind = subtotal if fig.has_children else ""
            rows.append((numbers[unit.id], indent + unit.name, kind,
                         *_figures(fig.total if fig.has_children else fig.own)))
        if fig.has_children and fig.own.enrolled:
            inner = "    " * (unit.depth - base) if unit.id != f.unit.id else ""
            rows.append(("", f"{inner}{direct} {unit.name}", direct, *_figures(fig.own)))
    rows.append(("", f"{total}: {f.unit.name}", total, *_figures(figures[f.unit.id].total)))
    return rows


def table(f: StatsFilter, kind: str, fmt: str = "xlsx", count: bool = True, decimal: str | None = None
          ) -> tuple[list[Column], object, int | None]:
    """(columns, rows, row count) for an export. Detail rows are a lazy stream (for CSV, blocks of
    lines written by the database, with ``decimal`` as their decimal mark: the current language's
    by default); the count comes from the same scoped query, so a page can record the export
    before streaming."""
    if kind in PROGRAMME_KINDS:
        if f.programme is None:
            raise ReportError(_("Choose a programme to download its progress."))
        if kind == "programme_units":
            rows = programme.unit_table(f)
            return programme.unit_columns(), rows, len(rows)
        return programme.cadre_columns(), programme.cadre_table(f), programme.cadre_count(f) if count else None
    if kind == "summary":
        rows = summary_table(f)
        return summary_columns(), rows, len(rows)
    columns = detail_columns()
    rows = CsvBlocks(detail_csv.blocks(f, columns, _passed_text(), decimal)) if fmt == "csv" else detail_table(f)
    return columns, rows, detail.count_detail_rows(f) if count else None


def record(f: StatsFilter, kind: str, fmt: str, rows: int, **extra) -> None:
    audit.record("stats.export", target=f.unit.code, actor=f.actor, kind=kind, format=fmt, rows=rows,
                 **f.describe(), **extra)


_FILE_KINDS = {"detail": "chi-tiet", "summary": "tong-hop", "programme": "chuong-trinh-hoc-vien",
               "programme_units": "chuong-trinh-don-vi"}


def filename(f: StatsFilter, kind: str, fmt: str) -> str:
    parts = ["thong-ke", _FILE_KINDS[kind], f.unit.code]
    if f.course:
        parts.append(f.course.slug)
    if f.programme and kind in PROGRAMME_KINDS:
        parts.append(f"chuong-trinh-{f.programme.id}")
    if f.date_from:
        parts.append(f.date_from.strftime("%Y%m%d"))
    if f.date_to:
        parts.append(f.date_to.strftime("%Y%m%d"))
    return "-".join(parts) + "." + fmt
