"""The ``elearn`` command: a thin shell over services (``elearn --help``)."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup

from elearn import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def main() -> None:
    from elearn.app import create_app

    cli = FlaskGroup(create_app=create_app, add_default_commands=True,
                     help="Cadre training platform: database, demo data, imports, exports.")
    cli.main()


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

    from elearn.reports.cli import stats_group
    app.cli.add_command(stats_group)

    from courses.cli import courses_group
    app.cli.add_command(courses_group)
    from courses.certificates.cli import certificates_group
    app.cli.add_command(certificates_group)
