"""The ``elearn`` command: a thin shell over services (``elearn --help``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy.exc import DBAPIError

from elearn import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def main() -> None:
    from elearn.app import create_app

    cli = FlaskGroup(create_app=create_app, add_default_commands=True,
                     help="Cadre training platform: database, demo data, imports, exports.")
    try:
        cli.main(standalone_mode=False)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        click.echo("Aborted!", err=True)
        sys.exit(1)
    except DBAPIError as error:
        if not _not_set_up(error):
            raise
        click.echo(f"Error: the database is not set up for this version of elearn ({_first_line(error)}).\n"
                   "Run `elearn db upgrade` (with the same DATABASE_URL), then try again.", err=True)
        sys.exit(2)


# What a database that is missing, empty or older than the code answers (SQLite, PostgreSQL).
_NOT_SET_UP = ("no such table", "no such column", "does not exist", "unable to open database file",
               "undefinedtable", "undefinedcolumn")


def _not_set_up(error: DBAPIError) -> bool:
    text = f"{type(error.orig).__name__} {error.orig}".lower()
    return any(sign in text for sign in _NOT_SET_UP)


def _first_line(error: DBAPIError) -> str:
    return str(error.orig).splitlines()[0][:200]


def alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return cfg


def upgrade(revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(), revision)


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def register_commands(app: Flask) -> None:
    @app.cli.group("db", help="Database schema (Alembic).")
    def db_group():
        db.set_write_intent(True)

    @db_group.command("upgrade")
    @click.argument("revision", default="head")
    def db_upgrade(revision):
        upgrade(revision)
        click.echo(f"database at {revision}")

    @db_group.command("downgrade")
    @click.argument("revision", default="-1")
    def db_downgrade(revision):
        from alembic import command
        command.downgrade(alembic_config(), revision)

    @db_group.command("current")
    def db_current():
        from alembic import command
        command.current(alembic_config(), verbose=False)

    @db_group.command("revision")
    @click.option("-m", "--message", required=True)
    @click.option("--autogenerate/--empty", default=True)
    def db_revision(message, autogenerate):
        from alembic import command
        command.revision(alembic_config(), message=message, autogenerate=autogenerate)

    @app.cli.command("demo", help="Load the Vietnamese demo data (idempotent).")
    def demo_command():
        from elearn.demo import load_demo
        db.set_write_intent(True)
        accounts = load_demo()
        db.session.commit()
        click.echo("Demo data loaded. Demo accounts (username / password):")
        for username, password, roles in accounts:
            click.echo(f"  {username:<12} {password:<14} {roles}")

    from elearn.jobs.cli import jobs_group
    from elearn.units.cli import units_group
    app.cli.add_command(units_group)
    app.cli.add_command(jobs_group)
    from quizzes.contests.cli import contests_group
    app.cli.add_command(contests_group)
    from quizzes.cli import quizzes_group
    app.cli.add_command(quizzes_group)

    from elearn.accounts.cli import users_group
    app.cli.add_command(users_group)

    from quizzes.formats.cli import questions_group
    app.cli.add_command(questions_group)

    from reports.cli import stats_group
    app.cli.add_command(stats_group)

    from courses.cli import courses_group
    app.cli.add_command(courses_group)
    from courses.certificates.cli import certificates_group
    app.cli.add_command(certificates_group)
    from elearn.xapi.cli import xapi_group
    app.cli.add_command(xapi_group)
    from elearn.lti.cli import lti_group
    app.cli.add_command(lti_group)
    from elearn.api.cli import api_group
    app.cli.add_command(api_group)
