"""A due date is a calendar day in Vietnam (issue 17.1): assigned for 15/12/2099, it shows as
15/12/2099 on every page and export and in the audit log, and is overdue from 16/12/2099 00:00 there."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

from sqlalchemy import func, select

from courses import services
from courses.models import Assignment
from elearn import db
from elearn.audit import AuditLog
from elearn.i18n import LOCAL_TZ
from tests.courses.factories import make_course, make_trainer
from tests.factories import make_unit, make_user


def test_a_due_date_shows_as_its_own_day_everywhere(app, client, login):
    trainer = make_trainer()
    unit = make_unit("Đảng ủy xã Tân Hòa")
    cadre = make_user("hang", unit=unit, full_name="Nguyễn Thị Hằng")
    course = make_course(trainer, lessons=1, title="Học tập tư tưởng Hồ Chí Minh")
    login(trainer)
    response = client.post(f"/teach/{course.id}/assign", data={"unit": str(unit.id), "due_on": "2099-12-15"})
    assert response.status_code == 302
    for page in (f"/teach/{course.id}/assign", f"/teach/{course.id}/learners"):
        html = client.get(page).get_data(as_text=True)
        assert "15/12/2099" in html and "16/12/2099" not in html, page
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "course.assign"))
    assert audit.details["due_on"] == "2099-12-15"
    enrollment = services.get_enrollment(cadre, course)
    login(cadre)
    html = client.get("/my-courses").get_data(as_text=True)
    assert "15/12/2099" in html and "16/12/2099" not in html
    last_minute = datetime(2099, 12, 15, 16, 59, 59, tzinfo=UTC)  # 23:59:59 in Vietnam
    next_morning = datetime(2099, 12, 15, 17, 0, 1, tzinfo=UTC)  # 00:00:01 on the 16th
    assert enrollment.due_at >= last_minute and enrollment.due_at < next_morning
    for now, overdue in ((last_minute, False), (next_morning, True)):
        with mock.patch("courses.queries.utcnow", return_value=now):
            html = client.get("/my-courses").get_data(as_text=True)
        assert ("Quá hạn" in html) == overdue, now


def test_a_due_date_already_gone_is_refused_with_nothing_assigned(app, client, login):
    trainer = make_trainer()
    unit = make_unit("Đảng ủy xã Tân Hòa")
    make_user("hang", unit=unit)
    course = make_course(trainer, lessons=1)
    login(trainer)
    yesterday = (datetime.now(LOCAL_TZ).date() - timedelta(days=1)).isoformat()
    response = client.post(f"/teach/{course.id}/assign", data={"unit": str(unit.id), "due_on": yesterday})
    assert response.status_code == 200
    assert "Ngày này đã qua" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    today = datetime.now(LOCAL_TZ).date().isoformat()  # the last day may be today
    assert client.post(f"/teach/{course.id}/assign", data={"unit": str(unit.id), "due_on": today}).status_code == 302


def test_assigned_again_with_a_new_day_every_cadre_it_enrolled_takes_the_day(app, client, login):
    trainer = make_trainer()
    unit = make_unit("Huyện ủy Vũ Thư")
    early = make_user("hang", unit=unit)
    course = make_course(trainer, lessons=1)
    login(trainer)
    assign = f"/teach/{course.id}/assign"
    assert client.post(assign, data={"unit": str(unit.id), "due_on": "2099-01-15"}).status_code == 302
    late = make_user("luong", unit=unit)  # joins the unit after the first assignment
    db.session.commit()
    assert client.post(assign, data={"unit": str(unit.id), "due_on": "2099-03-31"}).status_code == 302
    db.session.expire_all()
    for cadre in (early, late):
        assert services.get_enrollment(cadre, course).due_at.astimezone(LOCAL_TZ).date().isoformat() == "2099-03-31"
    html = client.get(f"/teach/{course.id}/learners").get_data(as_text=True)
    assert "31/03/2099" in html and "15/01/2099" not in html
