"""A scheduler killed mid-task (issue 20, item 5): its lease expires, the next scheduler takes it
over and runs the period's task, and the task, idempotent per period, sends nothing twice."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import delete, func, select

from courses import enrolment
from courses.forms import local_day_end
from elearn import db
from elearn.db import utcnow
from elearn.i18n import LOCAL_TZ
from elearn.jobs import scheduler
from elearn.jobs.models import SchedulerLease
from elearn.notifications.models import Notification
from elearn.permissions import Role
from tests.courses.factories import make_course, make_trainer
from tests.factories import make_unit, make_user


def _overdue_world():
    province = make_unit("Tỉnh ủy")
    vu_thu = make_unit("Huyện ủy Vũ Thư", parent=province)
    trainer = make_trainer(unit=province)
    make_user(unit=vu_thu, full_name="Trần Văn Lương")
    course = make_course(trainer, title="Kỹ năng tuyên truyền", lessons=1)
    enrolment.assign(course, province, local_day_end((utcnow() - timedelta(days=3)).astimezone(LOCAL_TZ).date()), trainer)
    # the district's manager gets the digest (the province's only after 14 days overdue)
    managers = [make_user(unit=vu_thu, roles=(Role.MANAGER,)), make_user(unit=province, roles=(Role.MANAGER,))]
    db.session.commit()
    return managers


def _left_by_a_dead_scheduler(task: str, period: str, *, expired: bool) -> None:
    now = utcnow()
    db.session.add(SchedulerLease(task=task, period=period, started_at=now - timedelta(hours=1), owner="dead",
                                  expires_at=now + (-timedelta(minutes=1) if expired else timedelta(minutes=5))))
    db.session.commit()


def _digests() -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "digest"))


def test_a_killed_schedulers_digest_is_sent_by_the_next_exactly_once(app):
    _overdue_world()
    now = utcnow()
    period = scheduler.period_of("week", now)
    _left_by_a_dead_scheduler("digest", period, expired=False)
    assert scheduler.run_due(now, only=["digest"]) == {"digest": "skipped"}  # still alive, maybe
    db.session.execute(delete(SchedulerLease))
    db.session.commit()

    _left_by_a_dead_scheduler("digest", period, expired=True)  # killed before its transaction committed
    result = scheduler.run_due(now, only=["digest"])
    assert result["digest"]["new"] == 1 and _digests() == 1
    lease = db.session.get(SchedulerLease, ("digest", period))
    assert lease.finished_at is not None and lease.owner != "dead" and lease.takeovers == 1
    assert scheduler.run_due(now, only=["digest"]) == {"digest": "skipped"}
    assert _digests() == 1


def test_a_scheduler_killed_after_its_commit_sends_nothing_twice(app):
    _overdue_world()
    now = utcnow()
    period = scheduler.period_of("week", now)
    from courses.reminders import digest_pass
    assert digest_pass(period=period)["new"] == 1  # its work committed, then killed before the lease was closed
    db.session.commit()
    _left_by_a_dead_scheduler("digest", period, expired=True)
    assert scheduler.run_due(now, only=["digest"])["digest"]["new"] == 0
    assert _digests() == 1


def test_a_running_task_renews_its_lease(app):
    seen = {}

    def slow():
        time.sleep(0.8)  # longer than the lease: only its renewal keeps the others out
        now = utcnow()
        seen["other"] = scheduler._take_lease("test.slow", scheduler.period_of("hour", now), "other",
                                              timedelta(seconds=0.3))
        return "done"

    scheduler.PERIODIC["test.slow"] = scheduler.Periodic("test.slow", "hour", slow)
    try:
        assert scheduler.run_due(only=["test.slow"], ttl=timedelta(seconds=0.3)) == {"test.slow": "done"}
        assert seen == {"other": False}
    finally:
        del scheduler.PERIODIC["test.slow"]


def test_only_the_holder_closes_its_lease(app):
    now = utcnow()
    _left_by_a_dead_scheduler("test.x", "p", expired=True)
    assert scheduler._take_lease("test.x", "p", "second", timedelta(minutes=1))
    scheduler._finish_lease("test.x", "p", "dead", ok=False)  # the first wakes up and fails: not its lease now
    scheduler._finish_lease("test.x", "p", "dead", ok=True)
    db.session.expire_all()
    lease = db.session.get(SchedulerLease, ("test.x", "p"))
    assert lease.owner == "second" and lease.finished_at is None and lease.expires_at > now
