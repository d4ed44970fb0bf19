"""Test data factories: ``make_x(**overrides)`` adds, commits and returns one object."""
from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from elearn import db
from elearn.accounts.models import User
from elearn.permissions import Role
from elearn.units import services as units
from elearn.units.models import OrgUnit, UnitLevel

PASSWORD = "correct-horse-42"
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")  # tests need no key stretching
_seq = itertools.count(1)


def make_unit(name: str | None = None, parent: OrgUnit | None = None, level: UnitLevel | None = None,
              code: str | None = None) -> OrgUnit:
    n = next(_seq)
    if level is None:
        level = UnitLevel.PROVINCE if parent is None else {
            UnitLevel.PROVINCE: UnitLevel.DISTRICT, UnitLevel.DISTRICT: UnitLevel.COMMUNE,
            UnitLevel.COMMUNE: UnitLevel.CELL}[parent.level]
    unit = units.create_unit(code or f"U{n}", name or f"Đơn vị {n}", level, parent)
    db.session.commit()
    return unit


def make_user(username: str | None = None, *, roles=(Role.CADRE,), unit: OrgUnit | None = None,
              full_name: str | None = None, must_change_password: bool = False, active: bool = True,
              **fields) -> User:
    n = next(_seq)
    user = User(username=username or f"user{n}", password_hash=_FAST_HASH,
                must_change_password=must_change_password, active=active, unit=unit, **fields)
    user.set_full_name(full_name or f"Nguyễn Văn Thử {n}")
    user.set_roles(roles)
    db.session.add(user)
    db.session.commit()
    return user


def wait_for_job(job_id: str, statuses=None, timeout: float = 15):
    """Poll a background job (thread mode) until it reaches one of ``statuses`` (done or failed)."""
    import time

    from elearn.jobs.models import Job, JobStatus

    statuses = statuses or (JobStatus.DONE, JobStatus.FAILED)
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        db.session.refresh(job)
        if job.status in statuses:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job still {job.status}")
        time.sleep(0.05)
