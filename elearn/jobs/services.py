"""Enqueue, run, watch and expire background jobs.

A job kind is a function ``fn(ctx, **params) -> (download_name, mimetype)`` that writes
its result to ``ctx.path`` and reports ``ctx.progress(done, total)`` (or iterates through
``ctx.track(rows, total)``). It runs as the user who asked (``ctx.owner(permission)``),
never as whoever the params name. Kinds register with ``@job_kind("name", again=...)`` in
their own package (``again(params)`` is the URL that asks for the same file anew); the app
factory imports them all (``elearn.app.load_job_kinds``). A job is dispatched only when the
transaction that created it commits.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app
from sqlalchemy import and_, event, func, or_, select, update
from sqlalchemy.orm import Session

from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.errors import DomainError
from elearn.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)
KINDS: dict[str, Callable] = {}
AGAIN: dict[str, Callable[[dict], str]] = {}
MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(minutes=10)   # no heartbeat for this long: the worker died
RESULT_TTL = timedelta(hours=24)
_executor: ThreadPoolExecutor | None = None


T = TypeVar("T")


class JobError(DomainError):
    pass


class JobRefused(JobError):
    """The job may not (or can no longer) run as its owner: failed at once, never retried."""


def job_kind(name: str, again: Callable[[dict], str] | None = None):
    def register(fn):
        KINDS[name] = fn
        if again is not None:
            AGAIN[name] = again
        return fn
    return register


def again_url(job: Job) -> str | None:
    """Where the owner asks for the same file again (after a failure or expiry), if the kind says."""
    again = AGAIN.get(job.kind)
    return again(job.params) if again else None


class JobContext:
    def __init__(self, job: Job, path: Path):
        self.job_id, self.path, self.user_id = job.id, path, job.created_by_id

    def owner(self, permission) -> User:
        """The user who asked, if still active and still holding ``permission``; else refused."""
        user = db.session.get(User, self.user_id) if self.user_id is not None else None
        if user is None or not user.active or not user.can(permission):
            raise JobRefused("the owner may no longer run this job")
        return user

    def track(self, items: Iterable[T], total: int, steps: int = 100,
              size: Callable[[T], int] | None = None) -> Iterator[T]:
        """Yield ``items``, reporting progress about ``steps`` times along the way. ``size`` tells
        how many of the ``total`` an item stands for (a block of rows), when not one."""
        self.progress(0, total)
        every = max(1, total // steps)
        done = reported = 0
        for item in items:
            yield item
            done += size(item) if size else 1
            if done - reported >= every:
                reported = done
                self.progress(done, max(total, done))

    def progress(self, done: int, total: int | None = None) -> None:
        # Its own short transaction: the page polling the job sees it at once.
        with db.engine().begin() as conn:
            values = {"done": done, "heartbeat_at": utcnow()}
            if total is not None:
                values["total"] = total
            conn.execute(update(Job).where(Job.id == self.job_id).values(**values))


def enqueue(kind: str, params: dict, user: User | None) -> Job:
    if kind not in KINDS:
        raise JobError(f"unknown job kind {kind}")
    job = Job(id=secrets.token_hex(16), kind=kind, params=params, created_by_id=user.id if user else None,
              status=JobStatus.QUEUED)
    db.session.add(job)
    db.session.flush()
    db.session().info.setdefault("elearn.jobs", []).append(job.id)
    return job


def pending(kind: str, params: dict, user: User | None) -> Job | None:
    """``user``'s queued or running job of this kind and params: asking twice (a double click,
    a reload) joins it instead of doing the work again."""
    if user is None:
        return None
    jobs = db.session.scalars(select(Job).where(Job.kind == kind, Job.created_by_id == user.id,
                                                Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))))
    return next((job for job in jobs if job.params == params), None)


@event.listens_for(Session, "after_commit")
def _dispatch_committed(session: Session) -> None:
    for job_id in session.info.pop("elearn.jobs", []):
        try:
            dispatch(job_id)
        except Exception:  # noqa: BLE001 - e.g. Redis down: the job is committed, sweep() sends it later
            log.exception("job %s could not be dispatched; sweep() will retry", job_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("elearn.jobs", None)


def dispatch(job_id: str, app: Flask | None = None) -> None:
    _send(app or current_app._get_current_object(), "elearn.jobs.services.run_in_worker", _run_in_app, job_id)


def run_later(task: str, *args) -> None:
    """Run the function ``task`` ("package.module:function") with ``args`` in the job worker,
    never in the request that asks: a task without a download (``reports.rollup``'s refresh)."""
    _send(current_app._get_current_object(), "elearn.jobs.services.call_in_worker", _call_in_app, task, *args)


def _send(app: Flask, worker_entry: str, in_thread: Callable, *args) -> None:
    """To the RQ worker (``elearn jobs worker``) when Redis is configured, else to this process's
    job thread (one process in development)."""
    if app.config.get("REDIS_URL") and not app.config.get("JOBS_IN_THREAD"):
        from redis import Redis
        from rq import Queue

        queue = Queue("elearn", connection=Redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue(worker_entry, *args, job_timeout=3600, result_ttl=0)
    else:
        global _executor
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=app.config.get("JOB_THREADS", 1),
                                           thread_name_prefix="elearn-job")
        _executor.submit(in_thread, app, *args)


def _call_in_app(app: Flask, task: str, *args) -> None:
    import importlib

    module, name = task.split(":")
    with app.app_context():
        try:
            getattr(importlib.import_module(module), name)(*args)
        except Exception:  # noqa: BLE001 - logged; the task's own state says what is left to do
            log.exception("task %s%r failed", task, args)


def call_in_worker(task: str, *args) -> None:
    """Entry point for RQ workers of ``run_later`` tasks."""
    global _worker_app
    if _worker_app is None:
        from elearn.app import create_app
        _worker_app = create_app()
    _call_in_app(_worker_app, task, *args)


def _run_in_app(app: Flask, job_id: str) -> None:
    with app.app_context():
        run(job_id)


_worker_app: Flask | None = None


def run_in_worker(job_id: str) -> None:
    """Entry point for RQ workers (``elearn jobs worker``)."""
    global _worker_app
    if _worker_app is None:
        from elearn.app import create_app
        _worker_app = create_app()
    _run_in_app(_worker_app, job_id)


def result_dir() -> Path:
    path = Path(current_app.config["JOB_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def run(job_id: str) -> None:
    """Claim and run one job. Safe to call twice: only one caller claims it."""
    engine = db.engine()
    with engine.begin() as conn:
        claimed = conn.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, attempts=Job.attempts + 1, heartbeat_at=utcnow())).rowcount
    if not claimed:
        return
    job = db.session.get(Job, job_id)
    path = result_dir() / job.id
    try:
        name, mime = KINDS[job.kind](JobContext(job, path), **job.params)
    except Exception as error:  # noqa: BLE001 - any failure is recorded on the job, never lost
        if isinstance(error, JobRefused):
            log.warning("job %s (%s) refused: %s", job.id, job.kind, error)
        else:
            log.exception("job %s (%s) failed", job.id, job.kind)
        db.session.rollback()
        path.unlink(missing_ok=True)
        retry = job.attempts < MAX_ATTEMPTS and not isinstance(error, JobRefused)
        with engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job_id).values(
                status=JobStatus.QUEUED if retry else JobStatus.FAILED,
                error=f"{type(error).__name__}: {error}"[:2000], finished_at=None if retry else utcnow()))
        db.session.remove()
        if retry:
            dispatch(job_id)
        return
    db.session.rollback()  # the job only read; end its snapshot
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(
            status=JobStatus.DONE, result_path=str(path), result_name=name, result_mime=mime,
            finished_at=now, expires_at=now + RESULT_TTL, heartbeat_at=now))
    db.session.remove()


def sweep() -> dict[str, int]:
    """Requeue jobs whose worker died, send again queued jobs nobody picked up (a dispatch that
    failed, a thread lost with its process), and expire old results. Idempotent: ``run`` claims
    a job once however often it is sent."""
    now = utcnow()
    requeued = failed = expired = 0
    stale = db.session.scalars(select(Job).where(or_(
        and_(Job.status == JobStatus.RUNNING, Job.heartbeat_at < now - STALE_AFTER),
        and_(Job.status == JobStatus.QUEUED, func.coalesce(Job.heartbeat_at, Job.created_at) < now - STALE_AFTER),
    ))).all()
    for job in stale:
        if job.status == JobStatus.QUEUED or job.attempts < MAX_ATTEMPTS:
            job.status, job.heartbeat_at = JobStatus.QUEUED, now  # sent again now; not again until stale
            db.session().info.setdefault("elearn.jobs", []).append(job.id)
            requeued += 1
        else:
            job.status, job.error, job.finished_at = JobStatus.FAILED, "worker stopped responding", now
            failed += 1
    for job in db.session.scalars(select(Job).where(Job.status == JobStatus.DONE, Job.expires_at < now)):
        if job.result_path:
            Path(job.result_path).unlink(missing_ok=True)
        job.status, job.result_path = JobStatus.EXPIRED, None
        expired += 1
    db.session.flush()
    return {"requeued": requeued, "failed": failed, "expired": expired}


def get_job_for(job_id: str, user: User) -> Job | None:
    """The job if ``user`` asked for it; else None. Only the owner: the file holds what was
    exported for them, and an admin's role does not make someone else's download theirs."""
    job = db.session.get(Job, job_id)
    if job is None or job.created_by_id is None or job.created_by_id != user.id:
        return None
    return job
