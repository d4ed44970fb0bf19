"""Manager statistics: the dashboard with drill-down, and the exports. Thin: parse the
filters, let ``filters.resolve`` check the scope, call the services."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from elearn import db
from elearn.db import utcnow
from elearn.exports import csv_response, xlsx_response
from elearn.menu import Entry
from elearn.pagination import page_number
from elearn.permissions import Permission, requires
from reports import export, filters, jobs, programme, services

bp = Blueprint("stats", __name__, url_prefix="/stats", template_folder="templates")
MENU = [Entry("stats.dashboard", _l("Statistics"), (Permission.VIEW_STATS,))]


@bp.app_template_filter("certificate_code")
def certificate_code(code: str | None) -> str:
    """A certificate code as it is printed (7KQ2-M9XD-…), '' for none."""
    from courses.certificates.codes import grouped
    return grouped(code) if code else ""


def _filter() -> filters.StatsFilter:
    args = request.args
    try:
        return filters.resolve(current_user._get_current_object(), args.get("unit"), args.get("course"),
                               args.get("from"), args.get("to"), args.get("programme"))
    except filters.ReportForbidden:
        abort(403)


def _invalid(error: filters.ReportError):
    return render_template("reports/invalid.html", message=str(error)), 400


def _query_args(**changes) -> dict:
    """The current filters (for links that keep them), with ``changes`` applied."""
    keep = {k: v for k, v in request.args.items() if k in ("unit", "course", "programme", "from", "to", "behind") and v}
    for key, value in changes.items():
        if value is None:
            keep.pop(key, None)
        else:
            keep[key] = value
    return keep


@bp.get("/")
@requires(Permission.VIEW_STATS)
def dashboard():
    try:
        f = _filter()
    except filters.ReportError as error:
        return _invalid(error)
    behind = request.args.get("behind") == "1"
    page = page_number()
    board = services.dashboard(f)
    return render_template("reports/dashboard.html", board=board, f=f, page=services.cadres(f, behind=behind, page=page),
                           behind=behind, courses=filters.assigned_courses(f.unit),
                           programmes=filters.programmes_in_reach(f.unit),
                           programme_figures=programme.programme_completion(f),
                           programme_units=programme.by_unit(f) if f.programme else None,
                           programme_cadres=programme.cadres(f, page) if f.programme else None,
                           query_args=_query_args, today=filters.today_local())


@bp.get("/export")
@requires(Permission.EXPORT_STATS)
def export_file():
    kind = request.args.get("kind", "detail")
    fmt = request.args.get("format", "csv")
    if kind not in export.KINDS or fmt not in export.FORMATS:
        abort(404)
    try:
        f = _filter()
        columns, rows, count = export.table(f, kind, fmt)
    except filters.ReportError as error:
        return _invalid(error)
    if kind == "detail" and count > current_app.config["EXPORT_JOB_THRESHOLD"]:
        job = jobs.start(f, kind, fmt, count)
        db.write_now()  # the job is dispatched once committed
        return redirect(url_for("jobs.status", job_id=job.id))
    export.record(f, kind, fmt, count)
    db.write_now()  # recorded before the first byte leaves
    name = export.filename(f, kind, fmt)
    if fmt == "csv":
        return csv_response(name, columns, rows)
    return xlsx_response(name, columns, rows, sheet_name="Thong ke")


@bp.get("/renewals")
@requires(Permission.VIEW_STATS)
def renewals():
    """Who is due for renewal of a programme, in the manager's subtree (issue 20, item 2)."""
    try:
        f = _filter()
    except filters.ReportError as error:
        return _invalid(error)
    from courses.programmes.renewal import valid_until
    return render_template("reports/renewals.html", f=f, page=programme.due_for_renewal(f, page_number()),
                           programmes=[p for p in filters.programmes_in_reach(f.unit) if p.validity_months],
                           valid_until=valid_until, now=utcnow(), query_args=_query_args)
