"""Certificate ZIPs above CERTIFICATE_ZIP_JOB_THRESHOLD run as background jobs (thread mode here)."""
import io
import zipfile

import pytest
from sqlalchemy import select

from elearn import db
from elearn.audit import AuditLog
from elearn.jobs import services as jobs
from elearn.jobs.models import Job, JobStatus
from elearn.permissions import Role
from tests.courses.certificates.factories import complete, make_quiz_course, tree
from tests.factories import make_user, wait_for_job


@pytest.fixture
def app_config():
    return {"CERTIFICATE_ZIP_JOB_THRESHOLD": 1}


@pytest.fixture
def world(app):
    province, a, a1, b = tree()
    course = make_quiz_course()
    for name, unit in (("Nguyễn Thị Thu Hằng", a1), ("Trần Đức Lưỡng", a), ("Vũ Anh Tuấn", b)):
        complete(make_user(full_name=name, unit=unit), course)
    manager = make_user(roles=(Role.MANAGER,), unit=a)
    return dict(units=(province, a, a1, b), course=course, manager=manager)


def _names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sorted(archive.namelist())


def _audit() -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "certificate.export_zip")))


def test_a_large_zip_becomes_a_job_then_a_download(world, login):
    province, a, a1, b = world["units"]
    client = login(world["manager"])
    response = client.get(f"/certificates/export.zip?unit={a.id}&course={world['course'].id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    job_id = response.headers["Location"].removeprefix("/jobs/")
    job = wait_for_job(job_id)
    assert job.status == JobStatus.DONE and (job.done, job.total) == (2, 2)
    assert "/download" in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    names = _names(download.data)
    assert len(names) == 2 and names[0].startswith("Nguyen-Thi-Thu-Hang") and names[1].startswith("Tran-Duc-Luong")
    (entry,) = _audit()
    assert entry.details["job"] == job_id and entry.details["certificates"] == 2
    for someone in (make_user(roles=(Role.MANAGER,), unit=a), make_user(roles=(Role.ADMIN,), unit=province)):
        assert login(someone).get(f"/jobs/{job_id}/download").status_code == 404


def test_a_small_zip_still_streams(world, login):
    province, a, a1, b = world["units"]
    response = login(world["manager"]).get(f"/certificates/export.zip?unit={a1.id}&course={world['course'].id}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert len(_names(response.data)) == 1
    assert db.session.scalar(select(Job)) is None and "job" not in _audit()[0].details


def test_the_job_re_checks_the_owners_scope(world):
    province, a, a1, b = world["units"]
    job_id = jobs.enqueue("certificates.zip", {"unit_id": b.id, "course_id": world["course"].id}, world["manager"]).id
    db.session.commit()
    job = wait_for_job(job_id)
    assert job.status == JobStatus.FAILED and job.attempts == 1 and job.result_path is None


def test_a_failed_zip_offers_to_ask_again(world, login, monkeypatch):
    province, a, a1, b = world["units"]

    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr("courses.certificates.pdf.render", broken)
    client = login(world["manager"])
    url = f"/certificates/export.zip?unit={a.id}&course={world['course'].id}"
    job_id = client.get(url).headers["Location"].removeprefix("/jobs/")
    job = wait_for_job(job_id)
    assert job.status == JobStatus.FAILED and job.attempts == jobs.MAX_ATTEMPTS
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "flash-error" in page and url.replace("&", "&amp;") in page and "font missing" not in page


def test_asking_twice_joins_the_zip_under_way(world, login, monkeypatch):
    province, a, a1, b = world["units"]
    monkeypatch.setattr(jobs, "dispatch", lambda job_id, app=None: None)  # no worker picks it up yet
    client = login(world["manager"])
    url = f"/certificates/export.zip?unit={a.id}&course={world['course'].id}"
    assert client.get(url).headers["Location"] == client.get(url).headers["Location"]
    assert len(_audit()) == 1 and db.session.scalar(select(Job)).status == JobStatus.QUEUED
