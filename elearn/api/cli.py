"""``elearn api``: service tokens from the shell (a deployment script provisioning another system)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from elearn import db
from elearn.accounts.services import find_user
from elearn.api import services
from elearn.units.services import get_by_code


@click.group("api", help="JSON API tokens.")
def api_group():
    db.set_write_intent(True)  # SQLite: take the write lock at BEGIN (until the command ends)


@api_group.command("token")
@click.option("--user", "username", required=True, help="The administrator whose rights the token uses.")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(sorted(services.SCOPES)))
@click.option("--days", default=365, show_default=True, type=click.Choice([str(d) for d in services.LIFETIMES]))
@click.option("--unit", "unit_code", help="Narrow the token to this unit's subtree.")
@with_appcontext
def token_command(username, name, scopes, days, unit_code):
    """Make a service token; its secret is printed once, on standard output, and kept nowhere."""
    user = find_user(username)
    if user is None or not user.active:
        raise click.ClickException(f"no active account {username!r}")
    unit = None
    if unit_code:
        unit = get_by_code(unit_code)
        if unit is None:
            raise click.ClickException(f"no unit {unit_code!r}")
    try:
        token, secret = services.create_token(user, name, list(scopes), int(days), service=True, unit=unit)
    except services.TokenError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"token {token.id} ({token.scopes}), expires {token.expires_at:%Y-%m-%d}", err=True)
    click.echo(secret)


@api_group.command("tokens")
@with_appcontext
def tokens_command():
    """Every token (never a secret): id, kind, user, scopes, state."""
    from elearn.db import utcnow

    now = utcnow()
    for t in services.every_token():
        state = "revoked" if t.revoked_at else ("expired" if t.expires_at <= now else "active")
        click.echo(f"{t.id}\t{t.kind.value}\t{t.user.username}\t{t.unit.code if t.unit else '*'}\t{t.scopes}\t"
                   f"{t.prefix}…\t{state}\t{t.name}")


@api_group.command("revoke")
@click.argument("token_id", type=int)
@click.option("--by", "username", required=True, help="The administrator who revokes it (audited).")
@with_appcontext
def revoke_command(token_id, username):
    actor = find_user(username)
    if actor is None:
        raise click.ClickException(f"no account {username!r}")
    token = services.token_for(actor, token_id, any_user=True)
    if token is None:
        raise click.ClickException(f"no token {token_id} that {username} may revoke")
    services.revoke_token(token, actor)
    db.session.commit()
    click.echo(f"token {token_id} revoked")
