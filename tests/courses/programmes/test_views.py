"""Programme pages through HTTP: the trainer's journey, the cadre's page, other people's programmes."""
from __future__ import annotations

from sqlalchemy import select

from courses.models import CourseStatus
from courses.programmes.models import Programme, ProgrammeAssignment, ProgrammeEnrollment
from elearn import db
from elearn.permissions import Role
from tests.courses.factories import items_of, make_course, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user


def test_trainer_builds_and_assigns_a_programme_and_the_cadre_follows_it(client, login):
    province = make_unit("Tỉnh ủy Thái Bình")
    district = make_unit("Huyện ủy Vũ Thư", parent=province)
    trainer = make_trainer(unit=province)
    cadre = make_user(unit=district, full_name="Nguyễn Thị Hằng")
    first = make_course(trainer, title="Nghị quyết Đại hội XIII", lessons=1, complete_on_open=True)
    second = make_course(trainer, title="Kỹ năng tuyên truyền miệng", lessons=1, complete_on_open=True)
    login(trainer)
    response = client.post("/teach/programmes/new", data={"title": "Học tập Nghị quyết năm 2026",
                                                          "summary": "Chương trình cả năm", "optional_needed": "0"})
    programme = db.session.scalar(select(Programme).where(Programme.title == "Học tập Nghị quyết năm 2026"))
    assert response.status_code == 302 and programme.owner_id == trainer.id
    for course, required in ((first, "y"), (second, "")):
        data = {"course": str(course.id)} | ({"required": required} if required else {})
        assert client.post(f"/teach/programmes/{programme.id}/courses", data=data).status_code == 302
    db.session.expire_all()
    assert [(pc.course_id, pc.required) for pc in programme.courses] == [(first.id, True), (second.id, False)]
    client.post(f"/teach/programmes/{programme.id}/courses/{second.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [pc.course_id for pc in programme.courses] == [second.id, first.id]
    page = client.get(f"/teach/programmes/{programme.id}").get_data(as_text=True)
    assert "Nghị quyết Đại hội XIII" in page and "Kỹ năng tuyên truyền miệng" in page
    response = client.post(f"/teach/programmes/{programme.id}/assign",
                           data={"unit": str(district.id), "due_on": "2099-12-31"})
    assert response.status_code == 302
    assert "31/12/2099" in client.get(f"/teach/programmes/{programme.id}/assign").get_data(as_text=True)
    assert "Nguyễn Thị Hằng" in client.get(f"/teach/programmes/{programme.id}/learners").get_data(as_text=True)
    assert "Học tập Nghị quyết năm 2026" in client.get("/teach/programmes/").get_data(as_text=True)

    login(cadre)
    html = client.get("/my-programmes").get_data(as_text=True)
    assert "Chương trình của tôi" in html and "Học tập Nghị quyết năm 2026" in html and "31/12/2099" in html
    assert "Đã hoàn thành 0/1 khóa học" in html
    lesson = items_of(first)[0]
    assert client.get(f"/learn/{lesson.id}").status_code == 200  # read on opening: the course is complete
    place = db.session.scalar(select(ProgrammeEnrollment).where(ProgrammeEnrollment.user_id == cadre.id))
    db.session.refresh(place)
    assert place.completed_at is not None
    assert "Hoàn thành chương trình" in client.get("/my-programmes").get_data(as_text=True)


def test_another_trainers_programme_is_a_404_and_a_cadre_cannot_author(client, login):
    owner = make_trainer()
    programme = make_programme(owner, required=1)
    login(make_trainer())
    for url in (f"/teach/programmes/{programme.id}", f"/teach/programmes/{programme.id}/assign",
                f"/teach/programmes/{programme.id}/learners"):
        assert client.get(url).status_code == 404, url
    course_id = programme.courses[0].course_id
    assert client.post(f"/teach/programmes/{programme.id}/courses/{course_id}/remove").status_code == 404
    assert client.post(f"/teach/programmes/{programme.id}/delete").status_code == 404
    db.session.expire_all()
    assert len(programme.courses) == 1
    login(make_user())
    assert client.get("/teach/programmes/").status_code == 403
    assert client.post("/teach/programmes/new", data={"title": "X", "optional_needed": "0"}).status_code == 403


def test_hostile_input_writes_nothing(client, login):
    province = make_unit()
    trainer = make_trainer(unit=province)
    programme = make_programme(trainer, required=1)
    login(trainer)
    # A unit outside the form's choices (deactivated, or no unit at all) is refused: nothing assigned.
    closed = make_unit("Đơn vị đã giải thể", parent=province)
    closed.active = False
    db.session.commit()
    for unit_id in (str(closed.id), "999999", "abc"):
        html = client.post(f"/teach/programmes/{programme.id}/assign", data={"unit": unit_id},
                           follow_redirects=True).get_data(as_text=True)
        assert db.session.scalar(select(ProgrammeAssignment.id)) is None and 'class="error" role="alert"' in html
    # A due date already gone is refused by name.
    html = client.post(f"/teach/programmes/{programme.id}/assign", data={"unit": str(province.id), "due_on": "2020-01-01"},
                       follow_redirects=True).get_data(as_text=True)
    assert db.session.scalar(select(ProgrammeAssignment.id)) is None and "Ngày này đã qua" in html
    # An impossible rule is refused with a Vietnamese message and the title is not changed either.
    html = client.post(f"/teach/programmes/{programme.id}", data={"title": "Đổi tên", "optional_needed": "3"},
                       follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert programme.title != "Đổi tên" and "chỉ có 0" in html
    # Script in the title is text, never markup.
    client.post(f"/teach/programmes/{programme.id}", data={"title": "<script>alert(1)</script>", "optional_needed": "0"})
    html = client.get("/teach/programmes/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    # A course id that is not a published course of the choices is refused.
    draft = make_course(trainer, title="Nháp", status=CourseStatus.DRAFT)
    client.post(f"/teach/programmes/{programme.id}/courses", data={"course": str(draft.id), "required": "y"})
    db.session.expire_all()
    assert [pc.course_id for pc in programme.courses] != [] and draft.id not in {pc.course_id for pc in programme.courses}


def test_an_admin_sees_every_programme(client, login):
    programme = make_programme(make_trainer(), required=1)
    login(make_user(roles=(Role.ADMIN,)))
    assert client.get(f"/teach/programmes/{programme.id}").status_code == 200
