"""Renewal: a completion valid for some months; a renewal edition with the new year's courses; the
cadres whose completion is about to end put on it, due the day it ends; shown to the cadre."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from courses import services as course_services
from courses.programmes import renewal, services, structure
from courses.programmes.models import ProgrammeEnrollment
from courses.progress import complete_item
from elearn import db
from tests.courses.factories import items_of, make_course, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.usefixtures("app")


def _place(user, programme):
    return db.session.scalar(select(ProgrammeEnrollment).where(
        ProgrammeEnrollment.user_id == user.id, ProgrammeEnrollment.programme_id == programme.id))


def test_add_months_keeps_the_day_or_takes_the_months_last():
    at = datetime(2026, 1, 31, 10, tzinfo=UTC)
    assert renewal.add_months(at, 1) == datetime(2026, 2, 28, 10, tzinfo=UTC)
    assert renewal.add_months(at, 12) == datetime(2027, 1, 31, 10, tzinfo=UTC)
    assert renewal.add_months(datetime(2026, 11, 15, tzinfo=UTC), 3) == datetime(2027, 2, 15, tzinfo=UTC)


def test_cadres_whose_completion_ends_soon_are_put_on_the_renewal_edition():
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    soon, later, never = make_user(unit=province), make_user(unit=province), make_user(unit=province)
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=1)
    services.update_programme(programme, trainer, title=programme.title, validity_months=12)
    services.assign(programme, province, None, trainer)
    db.session.commit()
    course = programme.courses[0].course
    start = datetime(2026, 1, 10, 3, tzinfo=UTC)
    for user, at in ((soon, start), (later, start + timedelta(days=120))):
        for item in items_of(course):
            complete_item(user, item, at=at)
    db.session.commit()
    assert _place(soon, programme).completed_at == start
    with pytest.raises(services.ProgrammeError):
        renewal.create_renewal(make_programme(trainer, title="Không thời hạn", required=1), trainer)
    edition = renewal.create_renewal(programme, trainer)
    new_course = make_course(trainer, title="Nghị quyết năm 2027", lessons=1)
    structure.add_course(edition, new_course, trainer)
    structure.remove_course(edition, course.id, trainer)
    db.session.commit()
    assert edition.renews_id == programme.id and edition.validity_months == 12

    # 20 days before the first completion ends (10/01/2027): only that cadre is due for renewal.
    now = datetime(2026, 12, 21, 3, tzinfo=UTC)
    assert renewal.renewal_pass(now) == {"renewed": 1}
    assert renewal.renewal_pass(now) == {"renewed": 0}  # again: nothing twice
    db.session.commit()
    place = _place(soon, edition)
    assert place is not None and place.due_at == datetime(2027, 1, 10, 3, tzinfo=UTC) and place.completed_at is None
    assert course_services.get_enrollment(soon, new_course).due_at == place.due_at
    assert _place(later, edition) is None and _place(never, edition) is None
    # The old completion stays on record; the cadre completes the new edition.
    for item in items_of(new_course):
        complete_item(soon, item)
    db.session.commit()
    assert _place(soon, programme).completed_at == start and _place(soon, edition).completed_at is not None


def test_the_cadre_sees_until_when_a_completion_counts(client, login):
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    cadre = make_user(unit=province)
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=1)
    services.update_programme(programme, trainer, title=programme.title, validity_months=6)
    services.assign(programme, province, None, trainer)
    for item in items_of(programme.courses[0].course):
        complete_item(cadre, item, at=datetime(2026, 3, 1, 3, tzinfo=UTC))
    db.session.commit()
    login(cadre)
    html = client.get("/my-programmes").get_data(as_text=True)
    assert "01/09/2026" in html and ("Còn hiệu lực đến" in html or "Hết hiệu lực từ" in html)
    login(trainer)
    assert "01/09/2026" in client.get(f"/teach/programmes/{programme.id}/learners").get_data(as_text=True)
    response = client.post(f"/teach/programmes/{programme.id}/renewal")
    assert response.status_code == 302
    assert "Đợt này học lại chương trình" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.post(f"/teach/programmes/{programme.id}", data={"title": "X", "optional_needed": "0",
                                                                  "validity_months": "500"}).status_code == 200


def test_the_renewal_pass_enrols_many_at_once_and_takes_back_the_unenrolled():
    from courses import enrolment
    from courses.models import Enrollment

    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    cadres = [make_user(unit=province) for _ in range(5)]
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=1)
    services.update_programme(programme, trainer, title=programme.title, validity_months=12)
    services.assign(programme, province, None, trainer)
    start = datetime(2026, 1, 10, 3, tzinfo=UTC)
    for user in cadres:
        for item in items_of(programme.courses[0].course):
            complete_item(user, item, at=start)
    edition = renewal.create_renewal(programme, trainer)
    required = make_course(trainer, title="Nghị quyết năm 2027", lessons=1)
    optional = make_course(trainer, title="Tư liệu tham khảo 2027", lessons=1)
    structure.add_course(edition, required, trainer)
    structure.add_course(edition, optional, trainer, required=False)
    structure.remove_course(edition, programme.courses[0].course_id, trainer)
    # one cadre had been on the new course and was taken off it, with a lesson read
    taken_off = enrolment.enroll(cadres[0], required)
    for item in items_of(required):
        complete_item(cadres[0], item)
    db.session.commit()
    enrolment.unenroll(course_services.get_enrollment(cadres[0], required, include_unenrolled=True), trainer)
    db.session.commit()
    assert taken_off.unenrolled_at is not None

    assert renewal.renewal_pass(datetime(2026, 12, 21, 3, tzinfo=UTC)) == {"renewed": 5}
    db.session.commit()
    due = datetime(2027, 1, 10, 3, tzinfo=UTC)
    rows = {(e.user_id, e.course_id): e for e in db.session.scalars(
        select(Enrollment).where(Enrollment.course_id.in_([required.id, optional.id])))}
    assert len(rows) == 10 and all(e.unenrolled_at is None for e in rows.values())
    assert {rows[(u.id, required.id)].due_at for u in cadres[1:]} == {due}
    assert {rows[(u.id, optional.id)].due_at for u in cadres} == {None}
    # the work done before the unenrolment counts: that cadre has completed the renewal edition already
    assert rows[(cadres[0].id, required.id)].completed_at is not None
    assert _place(cadres[0], edition).completed_at is not None and _place(cadres[1], edition).completed_at is None
