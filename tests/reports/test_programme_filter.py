"""The dashboard and the export narrowed to a programme: its courses' figures, and how many cadres
of the manager's subtree completed it."""
from __future__ import annotations

from courses import enrolment
from courses.forms import local_day_end
from courses.programmes import services as programmes
from courses.progress import complete_item
from elearn import db
from elearn.permissions import Role
from tests.courses.factories import items_of, make_course, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user


def test_a_manager_sees_the_programme_of_their_subtree(client, login):
    province = make_unit("Tỉnh ủy")
    vu_thu = make_unit("Huyện ủy Vũ Thư", parent=province)
    kien_xuong = make_unit("Huyện ủy Kiến Xương", parent=province)
    trainer = make_trainer(unit=province)
    done = make_user(unit=vu_thu, full_name="Trần Văn Lương")
    make_user(unit=vu_thu)  # on the programme, not done
    make_user(unit=kien_xuong)
    outside_course = make_course(trainer, title="Khóa ngoài chương trình", lessons=1)
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=2)
    programmes.assign(programme, province, local_day_end(None), trainer)  # no due date

    enrolment.assign(outside_course, province, None, trainer)
    for pc in programme.courses:
        for item in items_of(pc.course):
            complete_item(done, item)
    db.session.commit()
    login(make_user(unit=vu_thu, roles=(Role.MANAGER,)))
    html = client.get(f"/stats/?programme={programme.id}").get_data(as_text=True)
    assert "Học tập Nghị quyết: 1 trên 2 học viên đã hoàn thành" in html
    assert "Khóa ngoài chương trình" not in html.split("</select>")[-1]  # not among the figures' courses
    csv = client.get(f"/stats/export?kind=detail&format=csv&programme={programme.id}").get_data(as_text=True)
    assert "Khóa ngoài chương trình" not in csv and programme.courses[0].course.title in csv
    assert client.get("/stats/?programme=999999").status_code == 400
    assert client.get("/stats/?programme=abc").status_code == 400


def test_a_manager_sees_who_is_due_for_renewal_in_their_subtree(client, login):
    from datetime import timedelta

    from courses.programmes.renewal import add_months, create_renewal, renewal_pass
    from courses.programmes.services import update_programme
    from elearn.db import utcnow

    province = make_unit("Tỉnh ủy")
    vu_thu = make_unit("Huyện ủy Vũ Thư", parent=province)
    kien_xuong = make_unit("Huyện ủy Kiến Xương", parent=province)
    trainer = make_trainer(unit=province)
    due = make_user(unit=vu_thu, full_name="Trần Văn Lương")
    fresh = make_user(unit=vu_thu, full_name="Vũ Văn Tuấn")
    elsewhere = make_user(unit=kien_xuong, full_name="Đỗ Thị Ngọc")
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=1)
    update_programme(programme, trainer, title=programme.title, validity_months=12)
    programmes.assign(programme, province, None, trainer)
    long_ago = add_months(utcnow(), -12) + timedelta(days=10)  # ends in 10 days
    for user, at in ((due, long_ago), (fresh, utcnow()), (elsewhere, long_ago)):
        for item in items_of(programme.courses[0].course):
            complete_item(user, item, at=at)
    edition = create_renewal(programme, trainer)
    db.session.commit()
    login(make_user(unit=vu_thu, roles=(Role.MANAGER,)))
    html = client.get(f"/stats/renewals?programme={programme.id}").get_data(as_text=True)
    assert "Trần Văn Lương" in html and "Vũ Văn Tuấn" not in html and "Đỗ Thị Ngọc" not in html
    assert "Chưa" in html
    renewal_pass()
    db.session.commit()
    assert edition.id and "Đã vào đợt học lại" in client.get(f"/stats/renewals?programme={programme.id}").get_data(as_text=True)
    assert "/stats/renewals?unit=" in client.get(f"/stats/?programme={programme.id}").get_data(as_text=True)
    assert client.get(f"/stats/renewals?unit={kien_xuong.code}&programme={programme.id}").status_code == 403
