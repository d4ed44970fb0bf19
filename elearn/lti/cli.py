import click
from flask.cli import with_appcontext

from elearn.lti import grades, services


@click.group("lti", help="LTI 1.3: the platforms that launch elearn and the grades owed to them.")
def lti_group():
    pass


@lti_group.command("platforms", help="Every registered platform, with the tool's key id for it.")
@with_appcontext
def platforms():
    for p in services.platforms():
        state = "active" if p.active else "inactive"
        click.echo(f"{p.id}\t{p.name}\t{p.issuer}\t{p.client_id}\t{p.kid}\t{state}")


@lti_group.command("send", help="Send the grades that are due (the scheduler does it every minute).")
@click.option("--limit", default=200, show_default=True)
@with_appcontext
def send(limit):
    result = grades.send_due(limit)
    click.echo(" ".join(f"{k}={v}" for k, v in {**result, **grades.counts()}.items()))
