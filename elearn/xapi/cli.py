import click
from flask import current_app
from flask.cli import with_appcontext

from elearn.xapi import services


@click.group("xapi", help="xAPI statements for the learning record store (LRS).")
def xapi_group():
    pass


@xapi_group.command("send", help="Send the statements that are due (run from cron: an LRS that was down).")
@click.option("--limit", default=500, show_default=True)
@with_appcontext
def send(limit):
    if not current_app.config.get("XAPI_LRS_URL"):
        raise click.ClickException("XAPI_LRS_URL is not set: no statements are kept or sent.")
    result = services.send_due(limit)
    click.echo(" ".join(f"{k}={v}" for k, v in {**result, **services.counts()}.items()))


@xapi_group.command("status", help="How many statements wait, and how many were sent.")
@with_appcontext
def status():
    click.echo(" ".join(f"{k}={v}" for k, v in services.counts().items()))
