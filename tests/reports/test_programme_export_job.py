"""A detail export narrowed to a programme keeps that filter when it runs as a background job."""
from __future__ import annotations

import pytest

from courses import enrolment
from courses.forms import local_day_end
from courses.programmes import services as programmes
from elearn import db
from elearn.jobs.models import JobStatus
from elearn.permissions import Role
from tests.courses.factories import make_course, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user, wait_for_job
from tests.reports.test_export import rows_of


@pytest.fixture
def app_config():
    return {"EXPORT_JOB_THRESHOLD": 1}


def test_the_job_exports_the_programmes_courses_only(client, login):
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    for name in ("hang", "luong"):
        make_user(name, unit=province)
    outside = make_course(trainer, title="Khóa ngoài chương trình", lessons=1)
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=1)
    programmes.assign(programme, province, local_day_end(None), trainer)
    enrolment.assign(outside, province, None, trainer)
    db.session.commit()

    client = login(make_user("admin", unit=province, roles=(Role.ADMIN,)))
    response = client.get(f"/stats/export?kind=detail&format=csv&programme={programme.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    job_id = response.headers["Location"].removeprefix("/jobs/")
    assert wait_for_job(job_id).status == JobStatus.DONE
    text = "\n".join(",".join(row) for row in rows_of(client.get(f"/jobs/{job_id}/download").get_data()))
    assert programme.courses[0].course.title in text and "Khóa ngoài chương trình" not in text
