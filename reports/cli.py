"""``elearn stats export``: the same exports as the page, to a file."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from elearn import db
from elearn.exports import write_csv, write_xlsx
from reports import export, filters


@click.group("stats", help="Learning statistics.")
def stats_group():
    pass


@stats_group.command("export")
@click.option("--format", "fmt", type=click.Choice(export.FORMATS), default="csv", show_default=True)
@click.option("--unit", "unit_code", help="Unit code (default: the whole tree, or the user's unit).")
@click.option("--course", "course_slug", help="Course slug (default: every course assigned in reach).")
@click.option("--from", "date_from", help="Enrolled on or after (dd/mm/yyyy or yyyy-mm-dd).")
@click.option("--to", "date_to", help="Enrolled on or before.")
@click.option("--summary", is_flag=True, help="Summary by unit instead of one row per cadre and course.")
@click.option("--programme", "programme_id", help="Programme id: its courses only.")
@click.option("--programme-progress", type=click.Choice(["cadre", "unit"]),
              help="The chosen programme's progress by cadre or by unit, instead of its courses' rows.")
@click.option("--as", "username", help="Export as this manager: only their subtree.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(fmt, unit_code, course_slug, date_from, date_to, summary, programme_id, programme_progress,
                   username, output):
    """Write the detail (or --summary, or --programme-progress) export; nothing is left behind on error."""
    kind = {"cadre": "programme", "unit": "programme_units"}.get(programme_progress) or (
        "summary" if summary else "detail")
    written, f = _export(fmt, unit_code, course_slug, date_from, date_to, programme_id, kind, username, output)
    db.session.rollback()  # end the (long) read; only the audit entry takes the write lock
    db.set_write_intent(True)
    export.record(f, kind, fmt, written)
    db.session.commit()
    click.echo(_("%(rows)s rows written to %(file)s", rows=written, file=output))


def _export(fmt, unit_code, course_slug, date_from, date_to, programme_id, kind, username, output):
    from elearn.accounts.services import find_user

    actor = None
    if username:
        actor = find_user(username)
        if actor is None:
            raise click.ClickException(_("No account %(username)s.", username=username))
    try:
        f = filters.resolve(actor, unit_code, course_slug, date_from, date_to, programme_id)
        columns, rows, _count = export.table(f, kind, fmt, count=False)
    except filters.ReportError as error:
        raise click.ClickException(str(error)) from None
    partial = output.with_name(output.name + ".part")
    try:
        writer = write_csv if fmt == "csv" else write_xlsx
        written = writer(partial, columns, rows)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return written, f


@stats_group.command("warm")
@click.option("--all", "everything", is_flag=True, help="Every course, changed or not.")
@with_appcontext
def warm_command(everything):
    """Recompute the statistics of every course that changed (cron: every few minutes, so that
    no manager's page has to start it)."""
    from sqlalchemy import select

    from courses.models import Course
    from reports import rollup

    course_ids = list(db.session.scalars(select(Course.id)))
    done = rollup.refresh(course_ids, force=everything)
    click.echo(_("Figures of %(n)s courses refreshed.", n=len(done)))
