"""A detail export larger than ``EXPORT_JOB_THRESHOLD`` rows is written by a background job.

The job stores only what was asked (kind, format, the filter's codes and dates) and resolves
the filter again *as its owner* when it runs: the owner's scope is checked again and every
query is narrowed to it in SQL, whatever the stored parameters say. It keeps the language it was
asked in, whose decimal mark the CSV numbers take. The export is recorded in
the audit log once, when it is asked for, in the transaction that creates the job.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import get_locale

from elearn.exports import XLSX_MIMETYPE, CsvBlocks, write_csv, write_xlsx
from elearn.i18n import LOCALES, decimal_mark
from elearn.jobs import services as jobs
from elearn.jobs.models import Job
from elearn.permissions import Permission
from reports import export, filters

KIND = "stats.export"
SHEET_NAME = "Thong ke"


def start(f: filters.StatsFilter, kind: str, fmt: str, rows: int) -> Job:
    """Queue the export for ``f.actor`` (flushed, not committed) and record it in the audit log;
    or the same export of theirs still under way."""
    params = {"kind": kind, "format": fmt, "locale": str(get_locale() or "vi"), **f.describe(),
              "programme_id": f.programme.id if f.programme else None}  # describe() names it, for the log
    job = jobs.pending(KIND, params, f.actor)
    if job is None:
        job = jobs.enqueue(KIND, params, f.actor)
        export.record(f, kind, fmt, rows, job=job.id)
    return job


def _again(params: dict) -> str:
    asked = {key: params.get(key) for key in ("unit", "course", "from", "to")}
    asked["programme"] = params.get("programme_id")
    return url_for("stats.export_file", kind=params["kind"], format=params["format"],
                   **{key: value for key, value in asked.items() if value})


@jobs.job_kind(KIND, again=_again)
def run_export(ctx: jobs.JobContext, kind: str, format: str, unit: str | None = None,
               course: str | None = None, locale: str = "vi", programme_id: int | None = None,
               **period) -> tuple[str, str]:
    if kind not in export.KINDS or format not in export.FORMATS:
        raise jobs.JobRefused(f"unknown export {kind}/{format}")
    actor = ctx.owner(Permission.EXPORT_STATS)
    try:
        f = filters.resolve(actor, unit, course, period.get("from"), period.get("to"), programme_id)
    except filters.ReportError as error:  # the unit left the owner's scope, or is gone
        raise jobs.JobRefused(str(error)) from None
    decimal = decimal_mark(locale if locale in LOCALES else "vi")
    columns, rows, total = export.table(f, kind, format, decimal=decimal)
    if isinstance(rows, CsvBlocks):
        tracked = CsvBlocks(ctx.track(rows, total, size=lambda block: block[0]))
    else:
        tracked = ctx.track(rows, total)
    if format == "csv":
        write_csv(ctx.path, columns, tracked, decimal=decimal)
        return export.filename(f, kind, format), "text/csv"
    write_xlsx(ctx.path, columns, tracked, sheet_name=SHEET_NAME)
    return export.filename(f, kind, format), XLSX_MIMETYPE
