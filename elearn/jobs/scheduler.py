"""The periodic work, run by one documented process: ``elearn jobs scheduler`` (or the same
command with ``--once`` from cron every minute).

Each package registers its periodic tasks (``@periodic("reminders", "hour")``); the app factory
imports them (``elearn.app.load_job_kinds``). A task runs once per period: the scheduler first
inserts a lease row (task, period) — ``INSERT .. ON CONFLICT DO NOTHING`` — and only the one whose
insert took runs it, so two schedulers (two servers, a cron line left behind) never run a task twice
in a period. A task that fails gives its lease back and is tried again at the next tick.

A scheduler killed mid-task (a restart, the OOM killer) cannot give its lease back: so a lease
expires. Its holder renews it every third of ``LEASE_TTL`` from a thread while the task runs; an
unfinished lease of the current period whose expiry has passed is taken over by the next scheduler
(a conditional UPDATE: one of two wins), which runs the period's task. Tasks are therefore
idempotent per period: a task that takes a ``period`` argument is given it and keys what it makes
by it (the weekly digest: one per manager and week), and the others make each message once by its
key (reminders: rule, enrolment, due day) or skip what is done (renewals), so the re-run sends
nothing twice.
"""
from __future__ import annotations

import inspect
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, update

from elearn import db
from elearn.db import utcnow
from elearn.i18n import LOCAL_TZ
from elearn.jobs.models import SchedulerLease

log = logging.getLogger(__name__)
EVERY = ("minute", "hour", "day", "week")
LEASES_KEPT = timedelta(days=30)
LEASE_TTL = timedelta(minutes=10)  # a lease not renewed for this long belonged to a scheduler that died


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


def _take_lease(name: str, period: str, owner: str, ttl: timedelta) -> bool:
    """Insert the lease, or take over one of this period left unfinished and expired. True: ours."""
    now = utcnow()
    with db.engine().begin() as conn:
        if conn.execute(db.insert_or_ignore(SchedulerLease).values(
                task=name, period=period, started_at=now, expires_at=now + ttl, owner=owner)
                .execution_options(preserve_rowcount=True)).rowcount == 1:
            return True
        expired = or_(SchedulerLease.expires_at < now,
                      and_(SchedulerLease.expires_at.is_(None), SchedulerLease.started_at < now - ttl))
        taken = conn.execute(update(SchedulerLease).where(
            SchedulerLease.task == name, SchedulerLease.period == period, SchedulerLease.finished_at.is_(None), expired)
            .values(owner=owner, expires_at=now + ttl, takeovers=SchedulerLease.takeovers + 1)
            .execution_options(preserve_rowcount=True)).rowcount == 1
    if taken:
        log.warning("periodic task %s (%s): lease of a scheduler that stopped taken over", name, period)
    return taken


def _ours(name: str, period: str, owner: str):
    return (SchedulerLease.task == name, SchedulerLease.period == period, SchedulerLease.owner == owner,
            SchedulerLease.finished_at.is_(None))


def _finish_lease(name: str, period: str, owner: str, ok: bool) -> None:
    """Record the task done, or give the lease back; only if it is still ours (not taken over)."""
    with db.engine().begin() as conn:
        if ok:
            conn.execute(update(SchedulerLease).where(*_ours(name, period, owner)).values(finished_at=utcnow()))
        else:
            conn.execute(delete(SchedulerLease).where(*_ours(name, period, owner)))


class _Renewal:
    """Pushes the lease's expiry on, every third of ``ttl``, while the task runs (a thread with its
    own connection: the task's transaction may hold SQLite's write lock, then the renewal waits)."""

    def __init__(self, name: str, period: str, owner: str, ttl: timedelta):
        self.engine, self.where, self.ttl = db.engine(), _ours(name, period, owner), ttl
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"elearn-lease-{name}", daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(self.ttl.total_seconds() / 3):
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(SchedulerLease).where(*self.where).values(expires_at=utcnow() + self.ttl))
            except Exception:  # noqa: BLE001 - a missed renewal is tried again; the lease outlives two
                log.warning("could not renew a scheduler lease", exc_info=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def _call(task: Periodic, period: str):
    """The task, given its period when it asks for it (to key what it makes by the period)."""
    if "period" in inspect.signature(task.fn).parameters:
        return task.fn(period=period)
    return task.fn()


def run_due(now: datetime | None = None, only: list[str] | None = None, ttl: timedelta | None = None
            ) -> dict[str, object]:
    """Run every task whose period has no lease yet, or an expired unfinished one; returns what each
    did ("skipped": another scheduler has it, or had it done). Each task is its own transaction,
    committed when it returns."""
    now = now or utcnow()
    ttl = ttl or LEASE_TTL
    owner = secrets.token_hex(8)
    results: dict[str, object] = {}
    for task in PERIODIC.values():
        if only and task.name not in only:
            continue
        period = period_of(task.every, now)
        if not _take_lease(task.name, period, owner, ttl):
            results[task.name] = "skipped"
            continue
        db.set_write_intent(True)
        try:
            with _Renewal(task.name, period, owner, ttl):
                results[task.name] = _call(task, period)
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - logged; the lease is given back and the task tried again
            log.exception("periodic task %s failed", task.name)
            db.session.rollback()
            _finish_lease(task.name, period, owner, ok=False)
            results[task.name] = f"failed: {type(error).__name__}"
        else:
            _finish_lease(task.name, period, owner, ok=True)
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
