"""A CLI command's write intent lasts exactly as long as the command."""
import click
from flask.cli import with_appcontext

from elearn import db
from elearn.db import _wants_write


def test_cli_write_intent_ends_with_the_command(app, runner):
    seen = []

    @click.command("probe-write")
    @with_appcontext
    def probe():
        db.set_write_intent(True)
        seen.append(_wants_write())

    app.cli.add_command(probe)
    assert runner.invoke(args=["probe-write"]).exit_code == 0
    assert seen == [True]
    assert _wants_write() is False
