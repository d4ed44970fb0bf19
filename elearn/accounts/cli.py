"""``elearn users``: import, create and list accounts from the shell."""
from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from elearn import db
from elearn.accounts import handouts, services
from elearn.accounts.importing import import_users
from elearn.permissions import Role


@click.group("users", help="Accounts: bulk import, create, list.")
def users_group():
    db.set_write_intent(True)  # SQLite: take the write lock at BEGIN (until the command ends)


@users_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--passwords-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the temporary passwords of new accounts (default: under instance/).")
@with_appcontext
def import_command(file: Path, as_json: bool, passwords_out: Path | None):
    """Create or update accounts from a CSV or XLSX FILE; all rows or none."""
    from elearn.cli import echo_json

    limit = current_app.config["IMPORT_MAX_MB"] * 1024 * 1024
    with file.open("rb") as f:
        data = f.read(limit + 1)  # never read more than one byte past the limit
    try:
        result = import_users(data, file.name, actor=None, via=f"cli:{getpass.getuser()}")
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException("another import or edit changed the same accounts; run it again") from None
    if result.errors:
        db.session.rollback()
        if as_json:
            echo_json(result.as_json())
        else:
            for e in result.errors:
                where = f"row {e.row}" if e.row else "file"
                click.echo(f"{where}{', ' + e.column if e.column else ''}: {e.message}", err=True)
        sys.exit(2)
    path = _write_passwords(result.credentials, passwords_out) if result.credentials else None
    db.session.commit()
    if as_json:
        echo_json({**result.as_json(), "passwords_file": str(path) if path else None})
    else:
        click.echo(f"created: {result.created}, updated: {result.updated}")
        if path:
            click.echo(f"temporary passwords: {path} (hand them out, then delete the file)")


def _write_passwords(credentials, path: Path | None) -> Path:
    if path is None:
        folder = Path(current_app.instance_path) / "passwords"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"import-{db.utcnow():%Y%m%d-%H%M%S}-{os.getpid()}.csv"
    # Created 0600 from the start (no window where others can read it); never overwrites.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
        f.write(handouts.render_csv(credentials))
    return path.resolve()


@users_group.command("create")
@click.argument("username")
@click.option("--full-name", required=True)
@click.option("--unit", "unit_code", help="Code of the account's unit (optional: a new server has no units yet).")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]),
              help="Repeat for several roles (default: cadre).")
@click.option("--position", default="")
@click.option("--email", default=None)
@with_appcontext
def create_command(username, full_name, unit_code, roles, position, email):
    """Create one account and print its temporary password (e.g. the first admin)."""
    from elearn.units.services import get_by_code

    unit = get_by_code(unit_code) if unit_code else None
    if unit_code and unit is None:
        raise click.ClickException(f"no unit with code {unit_code} (see: elearn units list)")
    try:
        user, password = services.create_user(username, full_name, unit=unit, roles=roles or (Role.CADRE,),
                                              position=position, email=email)
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"created {user.username}; temporary password (must be changed at first sign-in): {password}")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def list_command(as_json):
    from elearn.cli import echo_json

    users = db.session.scalars(services.search_users()).all()
    rows = [{"username": u.username, "full_name": u.full_name, "unit_code": u.unit.code if u.unit else None,
             "position": u.position, "roles": sorted(r.value for r in u.roles), "email": u.email,
             "active": u.active} for u in users]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        flag = "" if r["active"] else "  (inactive)"
        click.echo(f"{r['username']:<24} {r['full_name']:<32} {r['unit_code'] or '-':<20} "
                   f"{','.join(r['roles'])}{flag}")
