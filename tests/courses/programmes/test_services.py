"""Programme rules without HTTP: authoring, assignment, completion once, moved cadres."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from courses import enrolment
from courses import services as course_services
from courses.models import Assignment, CourseStatus, Enrollment
from courses.programmes import queries, services, structure
from courses.programmes.models import ProgrammeEnrollment
from courses.progress import complete_item
from elearn import db
from elearn.accounts import services as accounts
from elearn.permissions import Role
from tests.courses.factories import items_of, make_course, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.usefixtures("app")


def _complete(user, course):
    for item in items_of(course):
        complete_item(user, item)
    db.session.commit()


def _place(user, programme):
    return db.session.scalar(select(ProgrammeEnrollment).where(
        ProgrammeEnrollment.user_id == user.id, ProgrammeEnrollment.programme_id == programme.id))


def _province_trainer():
    province = make_unit("Tỉnh ủy")
    return province, make_trainer(unit=province)


def test_assign_enrols_every_cadre_of_the_subtree_in_the_programme_and_its_courses():
    province, trainer = _province_trainer()
    district = make_unit("Huyện ủy Vũ Thư", parent=province)
    other = make_unit("Huyện ủy Kiến Xương", parent=province)
    inside, outside = make_user(unit=district), make_user(unit=other)
    programme = make_programme(trainer, required=2, optional=1)
    due = course_services.utcnow().replace(year=2031)
    assignment, added = services.assign(programme, district, due, trainer)
    db.session.commit()
    assert added == 1 and assignment.due_at == due
    assert _place(inside, programme).due_at == due and _place(outside, programme) is None
    required, optional = [pc.course for pc in programme.courses if pc.required], \
        [pc.course for pc in programme.courses if not pc.required]
    for course in required:
        assert course_services.get_enrollment(inside, course).due_at == due
        assert course_services.get_enrollment(outside, course) is None
    assert course_services.get_enrollment(inside, optional[0]).due_at is None  # optional: no due date


def test_completion_is_recorded_once_when_the_rule_is_met():
    province, trainer = _province_trainer()
    cadre = make_user(unit=province)
    programme = make_programme(trainer, required=1, optional=2, optional_needed=1)
    services.assign(programme, province, None, trainer)
    db.session.commit()
    required = next(pc.course for pc in programme.courses if pc.required)
    optional = [pc.course for pc in programme.courses if not pc.required]
    _complete(cadre, optional[0])
    assert _place(cadre, programme).completed_at is None  # the required course is missing
    card = queries.my_programmes(cadre)[0]
    assert (card.done, card.needed, card.percent) == (1, 2, 50)
    _complete(cadre, required)
    place = _place(cadre, programme)
    first = place.completed_at
    assert first is not None and first == course_services.get_enrollment(cadre, required).completed_at
    _complete(cadre, optional[1])  # more than needed: the completion stays as it was
    db.session.refresh(place)
    assert place.completed_at == first
    assert queries.my_programmes(cadre)[0].percent == 100


def test_courses_completed_before_the_assignment_count_at_once():
    province, trainer = _province_trainer()
    cadre = make_user(unit=province)
    programme = make_programme(trainer, required=2)
    for pc in programme.courses:
        enrolment.self_enroll(cadre, pc.course)
        _complete(cadre, pc.course)
    services.assign(programme, province, None, trainer)
    db.session.commit()
    assert _place(cadre, programme).completed_at is not None


def test_a_cadre_who_joins_or_moves_in_later_gets_the_programme_and_keeps_completions():
    province, trainer = _province_trainer()
    a = make_unit("Huyện ủy A", parent=province)
    b = make_unit("Huyện ủy B", parent=province)
    first = make_programme(trainer, title="Chương trình A", required=1)
    second = make_programme(trainer, title="Chương trình B", required=1)
    services.assign(first, a, None, trainer)
    services.assign(second, b, None, trainer)
    db.session.commit()
    cadre = accounts.create_user("moi.den", "Trần Văn Mới", unit=a, roles=(Role.CADRE,), actor=None)[0]
    db.session.commit()
    assert _place(cadre, first) is not None and _place(cadre, second) is None
    _complete(cadre, first.courses[0].course)
    done_at = _place(cadre, first).completed_at
    assert done_at is not None
    accounts.update_user(cadre, None, full_name=cadre.full_name, position="", unit=b, email=None,
                         roles=(Role.CADRE,), active=True)
    db.session.commit()
    assert _place(cadre, second) is not None
    assert _place(cadre, first).completed_at == done_at  # moved: the completion is kept


def test_the_optional_rule_must_be_possible():
    _province, trainer = _province_trainer()
    programme = make_programme(trainer, required=1, optional=1)
    with pytest.raises(services.ProgrammeError, match="chỉ có 1"):
        services.update_programme(programme, trainer, title="X", optional_needed=2)
    services.update_programme(programme, trainer, title="X", optional_needed=1)
    optional = next(pc for pc in programme.courses if not pc.required)
    with pytest.raises(services.ProgrammeError):
        structure.remove_course(programme, optional.course_id, trainer)
    required = next(pc for pc in programme.courses if pc.required)
    with pytest.raises(services.ProgrammeError):
        structure.set_required(programme, optional.course_id, True)
    structure.set_required(programme, required.course_id, False)  # now two optional, one needed
    assert sum(not pc.required for pc in programme.courses) == 2


def test_only_published_courses_once_each_and_assignment_only_in_scope():
    province, trainer = _province_trainer()
    programme = make_programme(trainer, required=1)
    draft = make_course(trainer, title="Bản nháp", status=CourseStatus.DRAFT)
    with pytest.raises(services.ProgrammeError):
        structure.add_course(programme, draft, trainer)
    with pytest.raises(services.ProgrammeError):
        structure.add_course(programme, programme.courses[0].course, trainer)
    closed = make_unit("Đơn vị đã giải thể", parent=province)
    closed.active = False
    with pytest.raises(services.ProgrammeError):
        services.assign(programme, closed, None, trainer)  # a deactivated unit
    with pytest.raises(services.ProgrammeError):
        services.assign(programme, province, None, make_user(unit=province))  # a cadre may not assign
    empty = services.create_programme(trainer, "Trống")
    with pytest.raises(services.ProgrammeError):
        services.assign(empty, province, None, trainer)
    db.session.rollback()
    assert db.session.scalar(select(Assignment.id).where(Assignment.unit_id == closed.id)) is None


def test_a_course_added_to_an_assigned_programme_reaches_its_cadres():
    province, trainer = _province_trainer()
    cadre = make_user(unit=province)
    programme = make_programme(trainer, required=1)
    due = course_services.utcnow().replace(year=2031)
    services.assign(programme, province, due, trainer)
    db.session.commit()
    course = make_course(trainer, title="Khóa bổ sung", lessons=1)
    structure.add_course(programme, course, trainer)
    db.session.commit()
    assert course_services.get_enrollment(cadre, course).due_at == due


def test_moving_and_deleting():
    province, trainer = _province_trainer()
    programme = make_programme(trainer, required=3)
    ids = [pc.course_id for pc in programme.courses]
    structure.move_course(programme, ids[2], -1)
    assert [pc.course_id for pc in programme.courses] == [ids[0], ids[2], ids[1]]
    structure.move_course(programme, ids[0], -1)  # already first: nothing moves
    assert [pc.course_id for pc in programme.courses] == [ids[0], ids[2], ids[1]]
    make_user(unit=province)
    services.assign(programme, province, None, trainer)
    with pytest.raises(services.ProgrammeError):
        services.delete_programme(programme, trainer)
    lonely = make_programme(trainer, title="Không ai học", required=1)
    services.delete_programme(lonely, trainer)
    db.session.commit()
    assert db.session.scalar(select(Enrollment.id).where(Enrollment.course_id == ids[0])) is not None
