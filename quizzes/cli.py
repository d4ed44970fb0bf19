"""``elearn quizzes``: closing attempts whose time ran out (run ``sweep`` from cron every minute)."""
import click
from flask.cli import with_appcontext

from elearn import db


@click.group("quizzes", help="Quizzes and attempts.")
def quizzes_group():
    pass


@quizzes_group.command("sweep", help="Grade every attempt whose time ran out, with the answers saved in time.")
@click.option("--limit", default=500, show_default=True, help="Attempts per transaction.")
@with_appcontext
def sweep(limit):
    from quizzes import attempts

    db.set_write_intent(True)
    total = 0
    while True:  # batches, each committed: a long backlog never holds one huge transaction
        done = attempts.sweep(limit=limit)
        db.session.commit()
        total += done
        if done < limit:
            break
    click.echo(f"{total} attempts graded")
