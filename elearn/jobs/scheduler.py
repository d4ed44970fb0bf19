"""The periodic work, run by one documented process: ``elearn jobs scheduler`` (or the same
command with ``--once`` from cron every minute).

Each package registers its periodic tasks (``@periodic("reminders", "hour")``); the app factory
imports them (``elearn.app.load_job_kinds``). A task runs once per period: the scheduler first
inserts a lease row (task, period) — ``INSERT .. ON CONFLICT DO NOTHING`` — and only the one whose
insert took runs it, so two schedulers (two servers, a cron line left behind) never run a task twice
in a period. A task that fails gives its lease back and is tried again at the next tick. Tasks must
also be safe to run again (the reminder pass and the digest make each message once, by its key).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update

from elearn import db
from elearn.db import utcnow
from elearn.i18n import LOCAL_TZ
from elearn.jobs.models import SchedulerLease

log = logging.getLogger(__name__)
EVERY = ("minute", "hour", "day", "week")
LEASES_KEPT = timedelta(days=30)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: str
    fn: Callable[[], object]


PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, every: str):
    if every not in EVERY:
        raise ValueError(f"every must be one of {EVERY}")

    def register(fn):
        PERIODIC[name] = Periodic(name, every, fn)
        return fn
    return register


def period_of(every: str, now: datetime) -> str:
    """The period ``now`` falls in, in Vietnam's time (a day is the local day)."""
    local = now.astimezone(LOCAL_TZ)
    if every == "minute":
        return local.strftime("%Y-%m-%dT%H:%M")
    if every == "hour":
        return local.strftime("%Y-%m-%dT%H")
    if every == "day":
        return local.strftime("%Y-%m-%d")
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def _take_lease(name: str, period: str) -> bool:
    with db.engine().begin() as conn:
        return conn.execute(db.insert_or_ignore(SchedulerLease).values(task=name, period=period, started_at=utcnow())
                            .execution_options(preserve_rowcount=True)).rowcount == 1


def _finish_lease(name: str, period: str, ok: bool) -> None:
    with db.engine().begin() as conn:
        where = (SchedulerLease.task == name, SchedulerLease.period == period)
        if ok:
            conn.execute(update(SchedulerLease).where(*where).values(finished_at=utcnow()))
        else:
            conn.execute(delete(SchedulerLease).where(*where))


def run_due(now: datetime | None = None, only: list[str] | None = None) -> dict[str, object]:
    """Run every task whose period has no lease yet; returns what each did ("skipped": another
    scheduler has it). Each task is its own transaction, committed when it returns."""
    now = now or utcnow()
    results: dict[str, object] = {}
    for task in PERIODIC.values():
        if only and task.name not in only:
            continue
        period = period_of(task.every, now)
        if not _take_lease(task.name, period):
            results[task.name] = "skipped"
            continue
        db.set_write_intent(True)
        try:
            results[task.name] = task.fn()
            db.session.commit()
        except Exception as error:  # noqa: BLE001 - logged; the lease is given back and the task tried again
            log.exception("periodic task %s failed", task.name)
            db.session.rollback()
            _finish_lease(task.name, period, ok=False)
            results[task.name] = f"failed: {type(error).__name__}"
        else:
            _finish_lease(task.name, period, ok=True)
        finally:
            db.set_write_intent(False)
            db.session.remove()
    return results


def loop(interval: float = 60, ticks: int | None = None, echo=print) -> None:
    """Run due tasks every ``interval`` seconds (``ticks`` times, or for ever)."""
    n = 0
    while ticks is None or n < ticks:
        started = time.monotonic()
        for name, result in run_due().items():
            if result != "skipped":
                echo(f"{utcnow():%Y-%m-%d %H:%M:%S} {name}: {result}")
        n += 1
        if ticks is None or n < ticks:
            time.sleep(max(0.0, interval - (time.monotonic() - started)))


@periodic("mail", "minute")
def _send_mail():
    from elearn.notifications.delivery import send_all
    return send_all()


@periodic("sms", "minute")
def _send_texts():
    from elearn.notifications.delivery import send_sms_batch
    total = {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    for _ in range(100):  # batches until none is left, or the provider is down
        counts = send_sms_batch()
        for key, value in counts.items():
            total[key] += value
        if not any(counts.values()) or counts["retry"]:
            break
    return total


@periodic("jobs.sweep", "minute")
def _sweep_jobs():
    from elearn.jobs.services import sweep
    return sweep()


@periodic("leases.prune", "day")
def _prune_leases():
    return db.session.execute(delete(SchedulerLease).where(SchedulerLease.started_at < utcnow() - LEASES_KEPT)).rowcount
