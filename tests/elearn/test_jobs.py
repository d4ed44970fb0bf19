import time
import uuid

import pytest
import redis
from sqlalchemy import select

from elearn import db
from elearn.jobs import services
from elearn.jobs.models import Job, JobStatus
from elearn.permissions import Role
from tests.factories import make_user
from tests.factories import wait_for_job as _wait
from tests.servers import redis_url

CALLS: list[str] = []


@services.job_kind("test.numbers")
def numbers_job(ctx, count: int, fail_times: int = 0):
    CALLS.append(ctx.job_id)
    if CALLS.count(ctx.job_id) <= fail_times:
        raise RuntimeError("boom")
    with open(ctx.path, "w", encoding="utf-8") as f:
        for i in range(count):
            f.write(f"{i}\n")
            if i % 10 == 0:
                ctx.progress(i, count)
    return "so.csv", "text/csv"


def test_job_runs_after_commit_and_owner_downloads(app, client, login):
    owner = make_user(roles=[Role.MANAGER])
    job = services.enqueue("test.numbers", {"count": 50}, owner)
    job_id = job.id
    time.sleep(0.2)
    assert db.session.get(Job, job_id).status == JobStatus.QUEUED  # not dispatched before commit
    db.session.commit()
    job = _wait(job_id)
    assert job.status == JobStatus.DONE and job.percent == 100
    login(owner)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "so.csv" in page
    response = client.get(f"/jobs/{job_id}/download")
    assert response.status_code == 200 and response.get_data(as_text=True).splitlines()[-1] == "49"
    assert "attachment" in response.headers["Content-Disposition"]


def test_rolled_back_job_never_runs(app):
    job_id = services.enqueue("test.numbers", {"count": 1}, None).id
    db.session.rollback()
    time.sleep(0.2)
    assert db.session.get(Job, job_id) is None and job_id not in CALLS


def test_another_user_cannot_see_or_download(app, client, login):
    owner, other, admin = make_user(), make_user(), make_user(roles=[Role.ADMIN])
    job_id = services.enqueue("test.numbers", {"count": 3}, owner).id
    db.session.commit()
    _wait(job_id)
    for someone in (other, admin):  # only the owner: an admin's role does not make the file theirs
        login(someone)
        for url in (f"/jobs/{job_id}", f"/jobs/{job_id}.json", f"/jobs/{job_id}/download"):
            assert client.get(url).status_code == 404


def test_failures_are_retried_then_reported(app):
    ok_id = services.enqueue("test.numbers", {"count": 3, "fail_times": 2}, None).id
    bad_id = services.enqueue("test.numbers", {"count": 3, "fail_times": 5}, None).id
    db.session.commit()
    ok, bad = _wait(ok_id), _wait(bad_id)
    assert ok.status == JobStatus.DONE and ok.attempts == 3
    assert bad.status == JobStatus.FAILED and "boom" in bad.error and bad.attempts == services.MAX_ATTEMPTS


def test_sweep_requeues_dead_workers_and_expires_results(app, client, login):
    from elearn.db import utcnow

    owner = make_user()
    dead = Job(id=uuid.uuid4().hex, kind="test.numbers", params={"count": 2}, status=JobStatus.RUNNING,
               attempts=1, heartbeat_at=utcnow() - services.STALE_AFTER * 2, created_by_id=owner.id)
    old = Job(id=uuid.uuid4().hex, kind="test.numbers", params={}, status=JobStatus.DONE, attempts=1,
              expires_at=utcnow() - services.RESULT_TTL, created_by_id=owner.id)
    db.session.add_all([dead, old])
    db.session.commit()
    assert services.sweep() == {"requeued": 1, "failed": 0, "expired": 1}
    db.session.commit()
    assert _wait(dead.id).status == JobStatus.DONE
    login(owner)
    assert client.get(f"/jobs/{old.id}/download").status_code == 410


def test_jobs_run_through_redis_and_rq(app, monkeypatch):
    from rq import Queue, SimpleWorker

    url = redis_url()
    connection = redis.Redis.from_url(url)
    connection.ping()
    app.config["REDIS_URL"] = url
    Queue("elearn", connection=connection).empty()
    job_id = services.enqueue("test.numbers", {"count": 5}, None).id
    db.session.commit()
    assert Queue("elearn", connection=connection).count == 1
    monkeypatch.setattr(services, "_worker_app", app)  # the worker runs this app, as `elearn jobs worker` would
    SimpleWorker([Queue("elearn", connection=connection)], connection=connection).work(burst=True)
    assert _wait(job_id).status == JobStatus.DONE


def test_unknown_kind_is_refused(app):
    with pytest.raises(services.JobError):
        services.enqueue("nope", {}, None)
    assert db.session.scalars(select(Job)).all() == []


def test_a_lost_dispatch_is_sent_again_by_the_sweep(app, monkeypatch):
    """Redis down at commit, or the thread lost with its process: the job stays queued, the sweep sends it."""
    from elearn.db import utcnow

    def down(job_id, app=None):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(services, "dispatch", down)
    job_id = services.enqueue("test.numbers", {"count": 2}, None).id
    db.session.commit()  # the commit stands; the failure is logged
    monkeypatch.undo()
    assert services.sweep()["requeued"] == 0  # not stale yet: a worker may still pick it up
    db.session.get(Job, job_id).created_at = utcnow() - services.STALE_AFTER * 2
    db.session.commit()
    assert services.sweep()["requeued"] == 1
    db.session.commit()
    assert _wait(job_id).status == JobStatus.DONE
