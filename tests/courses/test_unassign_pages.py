"""Withdrawing an assignment from the assignment pages (a course's, a programme's): the cadres keep
their enrolment and work, lose the due date; only the course's (programme's) own assignment."""
from __future__ import annotations

from sqlalchemy import select

from courses import enrolment
from courses.models import Assignment, Enrollment
from courses.programmes import services as programmes
from courses.programmes.models import ProgrammeAssignment, ProgrammeEnrollment
from elearn import db
from elearn.db import utcnow
from tests.courses.factories import make_course, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user


def test_a_trainer_withdraws_a_course_assignment(client, login):
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    cadre = make_user(unit=province)
    course = make_course(trainer, title="Nghị quyết", lessons=1)
    other = make_course(trainer, title="Khóa khác", lessons=1)
    assignment, _n = enrolment.assign(course, province, utcnow(), trainer)
    other_assignment, _n = enrolment.assign(other, province, None, trainer)
    db.session.commit()
    assignment_id, other_id = assignment.id, other_assignment.id
    login(trainer)
    page = client.get(f"/teach/{course.id}/assign").get_data(as_text=True)
    assert "Thu hồi" in page
    assert client.post(f"/teach/{course.id}/assignments/{other_id}/withdraw").status_code == 404
    response = client.post(f"/teach/{course.id}/assignments/{assignment_id}/withdraw", follow_redirects=True)
    assert "Đã thu hồi việc giao cho Tỉnh ủy" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Assignment, assignment_id) is None and db.session.get(Assignment, other_id)
    kept = db.session.scalar(select(Enrollment).where(Enrollment.user_id == cadre.id, Enrollment.course_id == course.id))
    assert kept.unenrolled_at is None and kept.due_at is None

    login(make_trainer(unit=province))  # not the course's author: not theirs to change
    assert client.post(f"/teach/{other.id}/assignments/{other_id}/withdraw").status_code == 404


def test_a_trainer_withdraws_a_programme_assignment(client, login):
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    cadre = make_user(unit=province)
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=1)
    assignment, _n = programmes.assign(programme, province, utcnow(), trainer)
    db.session.commit()
    login(trainer)
    response = client.post(f"/teach/programmes/{programme.id}/assignments/{assignment.id}/withdraw",
                           follow_redirects=True)
    assert "vẫn ở lại chương trình" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(ProgrammeAssignment.id)) is None
    place = db.session.scalar(select(ProgrammeEnrollment).where(ProgrammeEnrollment.user_id == cadre.id))
    assert place.assignment_id is None and place.due_at is None
