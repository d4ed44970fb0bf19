import click
from flask import current_app
from flask.cli import with_appcontext

from elearn import db
from elearn.jobs import services


@click.group("jobs", help="Background jobs (large exports).")
def jobs_group():
    pass


@jobs_group.command("worker", help="Run jobs from Redis (needs REDIS_URL).")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst):
    from redis import Redis
    from rq import Queue, Worker

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: jobs run in the app process instead.")
    connection = Redis.from_url(url)
    Worker([Queue("elearn", connection=connection)], connection=connection).work(burst=burst)


@jobs_group.command("sweep", help="Requeue jobs whose worker died; expire old results.")
@with_appcontext
def sweep():
    db.set_write_intent(True)
    counts = services.sweep()
    db.session.commit()
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))


@jobs_group.command("scheduler", help="Run the periodic work (reminders, digests, mail, sweeps); safe to run twice.")
@click.option("--once", is_flag=True, help="Run what is due now and stop (for a cron line every minute).")
@click.option("--only", multiple=True, help="Only this task (repeatable).")
@click.option("--interval", default=60, show_default=True, help="Seconds between two ticks.")
@with_appcontext
def scheduler(once, only, interval):
    from elearn.jobs import scheduler as periodic

    if once or only:
        for name, result in periodic.run_due(only=list(only) or None).items():
            click.echo(f"{name}: {result}")
        return
    periodic.loop(interval=interval, echo=click.echo)
