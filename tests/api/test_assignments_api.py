"""Issue 23's write endpoints for assignments and the streamed statistics detail, scope by scope:
the assignment pages' rules and permission, a service token's units, bad input (field paths)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from courses.models import Assignment, CourseStatus, Enrollment
from courses.programmes.models import ProgrammeAssignment, ProgrammeEnrollment
from elearn import db
from elearn.api.services import TokenError
from elearn.audit import AuditLog
from elearn.permissions import Role
from tests.api.factories import bearer, make_token
from tests.courses.factories import make_course, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user


@pytest.fixture
def world(app):
    province = make_unit("Tỉnh ủy Thử", code="P")
    vu_thu = make_unit("Huyện ủy Vũ Thư", province, code="VT")
    kien_xuong = make_unit("Huyện ủy Kiến Xương", province, code="KX")
    trainer = make_trainer(username="giangvien", unit=province)
    cadres = [make_user(f"hv{i}", unit=vu_thu) for i in range(2)] + [make_user("hv.kx", unit=kien_xuong)]
    course = make_course(trainer, title="Nghị quyết Đại hội", slug="nghi-quyet", lessons=1)
    db.session.commit()
    return province, vu_thu, kien_xuong, trainer, cadres, course


def _enrolment(user, course):
    return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id))


def test_a_trainer_assigns_a_course_and_withdraws_it(client, world):
    province, vu_thu, _kx, trainer, cadres, course = world
    headers = bearer(make_token(trainer, ["assignments:write"]))
    response = client.post("/api/v1/courses/nghi-quyet/assignments", headers=headers,
                           json={"unit": "VT", "due_on": "2099-12-31"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["unit_code"], body["enrolled"], body["due_at"][:10]) == ("VT", 2, "2099-12-31")
    again = client.post("/api/v1/courses/nghi-quyet/assignments", headers=headers, json={"unit": "VT", "due_on": None})
    assert again.status_code == 201 and again.get_json()["enrolled"] == 0 and again.get_json()["due_at"] is None
    client.post("/api/v1/courses/nghi-quyet/assignments", headers=headers, json={"unit": "P", "due_on": "2100-01-15"})
    db.session.expire_all()
    assert _enrolment(cadres[2], course) is not None

    assert client.delete("/api/v1/courses/nghi-quyet/assignments/VT", headers=headers).status_code == 204
    db.session.expire_all()
    assert db.session.scalar(select(Assignment).where(Assignment.unit_id == vu_thu.id)) is None
    kept = _enrolment(cadres[0], course)  # handed to the province's assignment, with its due date
    province_assignment = db.session.scalar(select(Assignment).where(Assignment.unit_id == province.id))
    assert kept.assignment_id == province_assignment.id and kept.due_at.date() == date(2100, 1, 15)
    assert client.delete("/api/v1/courses/nghi-quyet/assignments/VT", headers=headers).status_code == 404
    assert client.delete("/api/v1/courses/nghi-quyet/assignments/P", headers=headers).status_code == 204
    db.session.expire_all()
    kept = _enrolment(cadres[0], course)
    assert kept.unenrolled_at is None and kept.assignment_id is None and kept.due_at is None
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("course.%assign"))).all()
    assert sorted(actions) == ["course.assign"] * 3 + ["course.unassign"] * 2


def test_the_scope_the_right_and_the_course(client, world):
    province, vu_thu, kien_xuong, trainer, _cadres, course = world
    reader = bearer(make_token(trainer, ["courses:read"]))
    assert client.post("/api/v1/courses/nghi-quyet/assignments", headers=reader, json={"unit": "VT"}).status_code == 403
    with pytest.raises(TokenError):  # a manager does not assign courses: no token may do it for them
        make_token(make_user("quanly", roles=[Role.MANAGER], unit=province), ["assignments:write"])
    other = bearer(make_token(make_trainer(username="giangvien.khac", unit=province), ["assignments:write"]))
    assert client.post("/api/v1/courses/nghi-quyet/assignments", headers=other, json={"unit": "VT"}).status_code == 404

    admin = make_user("quantri", roles=[Role.ADMIN], unit=province)
    narrowed = bearer(make_token(admin, ["assignments:write"], service=True, unit=vu_thu))
    assert client.post("/api/v1/courses/nghi-quyet/assignments", headers=narrowed, json={"unit": "P"}).status_code == 404
    assert client.post("/api/v1/courses/nghi-quyet/assignments", headers=narrowed, json={"unit": "VT"}).status_code == 201
    assert client.delete("/api/v1/courses/nghi-quyet/assignments/KX", headers=narrowed).status_code == 404


@pytest.mark.parametrize("body, field", [({"unit": 5}, "unit"), ({}, "unit"), ({"unit": "VT", "due_on": "31/12/2026"},
                                         "due_on"), ({"unit": "VT", "khac": 1}, "khac"), ({"unit": ""}, "unit")])
def test_bad_bodies_name_their_field_and_write_nothing(client, world, body, field):
    headers = bearer(make_token(world[3], ["assignments:write"]))
    response = client.post("/api/v1/courses/nghi-quyet/assignments", headers=headers, json=body)
    assert response.status_code == 400 and [e["field"] for e in response.get_json()["errors"]] == [field]
    assert db.session.scalar(select(Assignment.id)) is None


def test_an_inactive_unit_or_a_draft_course_is_refused(client, world):
    province, vu_thu, kien_xuong, trainer, _cadres, _course = world
    kien_xuong.active = False
    make_course(trainer, title="Bản nháp", slug="ban-nhap", status=CourseStatus.DRAFT)
    db.session.commit()
    headers = bearer(make_token(trainer, ["assignments:write"]))
    refused = client.post("/api/v1/courses/nghi-quyet/assignments", headers=headers, json={"unit": "KX"})
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["field"] == "unit"
    draft = client.post("/api/v1/courses/ban-nhap/assignments", headers=headers, json={"unit": "VT"})
    assert draft.status_code == 400 and "xuất bản" in draft.get_json()["error"]
    assert db.session.scalar(select(Assignment.id)) is None


def test_a_programme_is_assigned_and_withdrawn(client, world):
    province, vu_thu, _kx, trainer, cadres, _course = world
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=2)
    empty = make_programme(trainer, title="Chưa có khóa", required=0)
    headers = bearer(make_token(trainer, ["assignments:write"]))
    response = client.post(f"/api/v1/programmes/{programme.id}/assignments", headers=headers,
                           json={"unit": "VT", "due_on": "2099-12-31"})
    assert response.status_code == 201 and response.get_json()["enrolled"] == 2
    refused = client.post(f"/api/v1/programmes/{empty.id}/assignments", headers=headers, json={"unit": "VT"})
    assert refused.status_code == 400 and "khóa học" in refused.get_json()["error"]
    assert client.post("/api/v1/programmes/999999/assignments", headers=headers, json={"unit": "VT"}).status_code == 404

    assert client.delete(f"/api/v1/programmes/{programme.id}/assignments/VT", headers=headers).status_code == 204
    db.session.expire_all()
    assert db.session.scalar(select(ProgrammeAssignment.id)) is None
    places = db.session.scalars(select(ProgrammeEnrollment).where(ProgrammeEnrollment.programme_id == programme.id)).all()
    assert len(places) == 2 and {(p.assignment_id, p.due_at) for p in places} == {(None, None)}


def test_the_detail_is_streamed_to_a_manager_of_the_subtree(client, world):
    from tests.reports.factories import enrol
    from tests.reports.factories import make_course as make_quizzed_course

    province, vu_thu, _kx, trainer, cadres, _course = world
    course = make_quizzed_course(trainer, slug="thong-ke", assign_to=province)
    for cadre in cadres:
        enrol(cadre, course, stage="complete", score=80)
    manager = make_user("quanly.vuthu", roles=[Role.MANAGER], unit=vu_thu)
    headers = bearer(make_token(manager, ["stats:read"]))
    response = client.get("/api/v1/stats/units/VT/detail", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert sorted(r["username"] for r in records) == ["hv0", "hv1"]
    assert {(r["course"], r["unit_code"], r["progress"]) for r in records} == {("thong-ke", "VT", 100.0)}
    as_csv = client.get("/api/v1/stats/units/VT/detail?format=csv", headers=headers)
    rows = list(csv.reader(io.StringIO(as_csv.get_data().decode("utf-8-sig"))))
    assert as_csv.mimetype == "text/csv" and rows[0][2] == "Tên đăng nhập" and len(rows) == 3
    assert client.get("/api/v1/stats/units/P/detail", headers=headers).status_code == 404
    assert client.get("/api/v1/stats/units/VT/detail?format=xml", headers=headers).status_code == 400
    assert client.get("/api/v1/stats/units/VT/detail", headers=bearer(make_token(manager, ["units:read"]))
                      ).status_code == 403
    details = db.session.scalars(select(AuditLog.details).where(AuditLog.action == "stats.export")).all()
    assert [(d["format"], d["rows"], d["via"]) for d in details] == [("ndjson", 2, "api"), ("csv", 2, "api")]
