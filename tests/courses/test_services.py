from datetime import timedelta

import pytest
from sqlalchemy import func, select

from courses import enrolment, services, structure
from courses.models import CourseStatus, Enrollment, EnrollmentSource, ItemKind
from courses.progress import complete_item
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.permissions import Role
from tests.courses.factories import items_of, make_course, make_trainer
from tests.factories import make_unit, make_user


def test_create_course_folds_search_text_and_makes_unique_slugs(app):
    owner = make_trainer()
    a = services.create_course(owner, "Học tập tư tưởng Hồ Chí Minh", theme="Chuyên đề 2023")
    b = services.create_course(owner, "Học tập tư tưởng Hồ Chí Minh")
    assert a.slug == "hoc-tap-tu-tuong-ho-chi-minh" and b.slug == a.slug + "-2"
    assert "ho chi minh" in a.search_text and "chuyen de 2023" in a.search_text
    with pytest.raises(services.CourseError):
        services.create_course(owner, "   ")


def test_get_course_for_edit_owner_editor_and_admin_only(app):
    owner, other, granted = make_trainer(), make_trainer(), make_trainer()
    admin = make_user(roles=(Role.ADMIN,))
    course = make_course(owner)
    services.grant_editor(course, granted, owner)
    assert services.get_course_for_edit(course.id, owner) is course
    assert services.get_course_for_edit(course.slug, granted) is course
    assert services.get_course_for_edit(str(course.id), admin) is course
    with pytest.raises(services.CourseNotFound):
        services.get_course_for_edit(course.id, other)
    with pytest.raises(services.CourseNotFound):
        services.get_course_for_edit("no-such-course", owner)


def test_status_rules(app):
    owner = make_trainer()
    empty = services.create_course(owner, "Trống")
    with pytest.raises(services.CourseError):
        services.set_status(empty, CourseStatus.PUBLISHED, owner)
    course = make_course(owner)
    enrolment.enroll(make_user(), course)
    with pytest.raises(services.CourseError):
        services.set_status(course, CourseStatus.DRAFT, owner)
    services.set_status(course, CourseStatus.ARCHIVED, owner)
    assert course.status == CourseStatus.ARCHIVED


def test_enroll_is_idempotent_and_unenrol_keeps_history(app):
    course = make_course(lessons=1)
    cadre = make_user()
    e1 = enrolment.enroll(cadre, course)
    assert enrolment.enroll(cadre, course) is e1
    complete_item(cadre, items_of(course)[0])
    enrolment.unenroll(e1, cadre)
    assert services.get_enrollment(cadre, course) is None
    assert services.get_enrollment(cadre, course, include_unenrolled=True).completed_at is not None
    e2 = enrolment.enroll(cadre, course)
    assert e2.id == e1.id and e2.unenrolled_at is None and e2.completed_at is not None


def test_self_enroll_needs_open_published_course(app):
    cadre = make_user()
    with pytest.raises(services.CourseError):
        enrolment.self_enroll(cadre, make_course(status=CourseStatus.DRAFT))
    with pytest.raises(services.CourseError):
        enrolment.self_enroll(cadre, make_course(self_enroll=False))
    with pytest.raises(services.CourseError):
        enrolment.self_enroll(cadre, make_course(opens_at=utcnow() + timedelta(days=1)))
    assert enrolment.self_enroll(cadre, make_course()).source == EnrollmentSource.SELF


def test_assignment_enrols_subtree_now_and_later(app):
    province = make_unit()
    district = make_unit(parent=province)
    commune = make_unit(parent=district)
    elsewhere = make_unit(parent=province)
    inside = make_user(unit=commune)
    outside = make_user(unit=elsewhere)
    inactive = make_user(unit=commune, active=False)
    manager_only = make_user(unit=commune, roles=(Role.MANAGER,))
    trainer = make_trainer()
    course = make_course(trainer)
    due = utcnow() + timedelta(days=30)
    assignment, added = enrolment.assign(course, district, due, trainer)
    db.session.commit()
    assert added == 1
    e = services.get_enrollment(inside, course)
    assert e.source == EnrollmentSource.ASSIGNMENT and e.assignment_id == assignment.id
    assert abs((e.due_at - due).total_seconds()) < 1
    for user in (outside, inactive, manager_only):
        assert services.get_enrollment(user, course) is None
    # A cadre who joins later is enrolled by apply_assignments, once.
    later = make_user(unit=commune)
    assert enrolment.apply_assignments(later) == 1
    assert enrolment.apply_assignments(later) == 0
    assert services.get_enrollment(later, course).due_at is not None
    # Assigning again is idempotent.
    assert enrolment.assign(course, district, due, trainer)[1] == 0


def test_apply_assignments_respects_unenrolment(app):
    unit = make_unit()
    cadre = make_user(unit=unit)
    trainer = make_trainer()
    course = make_course(trainer)
    enrolment.assign(course, unit, None, trainer)
    enrolment.unenroll(services.get_enrollment(cadre, course), trainer)
    assert enrolment.apply_assignments(cadre) == 0
    assert services.get_enrollment(cadre, course) is None


def test_add_item_sanitizes_lesson_body(app):
    course = make_course(modules=0, status=CourseStatus.DRAFT)
    module = structure.create_module(course, "Chuyên đề")
    item = structure.add_item(module, ItemKind.LESSON, "Bài", body_html='<p onclick="x()">a</p><script>alert(1)</script>')
    assert item.lesson.body_html == "<p>a</p>"
    quiz = structure.add_item(module, ItemKind.QUIZ, "Kiểm tra")
    assert quiz.lesson is None and quiz.position == 1


def test_accounts_created_imported_or_moved_are_enrolled_by_assignment_at_once(app):
    """The statistics count a cadre from the moment the account exists, not from their first visit."""
    from elearn.accounts import bulk
    from elearn.accounts import services as accounts

    admin = make_user("admin.gan", roles=[Role.ADMIN])
    province = make_unit("Tỉnh ủy Gán", code="G")
    district = make_unit("Huyện ủy Gán", province, code="GA")
    other = make_unit("Huyện ủy Khác", province, code="GB")
    course = make_course(admin)
    enrolment.assign(course, district, None, admin)
    db.session.commit()

    def enrolled(user_id):
        return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user_id,
                                                          Enrollment.course_id == course.id))

    created, _ = accounts.create_user("moi.tao", "Nguyễn Văn Mới", unit=district, actor=admin)
    outside, _ = accounts.create_user("ngoai", "Trần Thị Ngoài", unit=other, actor=admin)
    assert enrolled(created.id) is not None and enrolled(outside.id) is None
    accounts.update_user(outside, admin, full_name=outside.full_name, position="", unit=district, email=None,
                         roles=[Role.CADRE.value], active=True)
    assert enrolled(outside.id) is not None
    bulk.insert_users([{"username": "nhap.mot", "full_name": "Lê Nhập", "unit_id": district.id, "unit_code": "GA"}])
    imported = db.session.scalar(select(User).where(User.username == "nhap.mot"))
    assert enrolled(imported.id) is not None


def test_a_lesson_visit_decided_from_reads_keeps_writes_committed_in_between(app):
    from courses import learning, queries
    from courses.progress import get_progress

    cadre = make_user()
    course = make_course(lessons=2)
    first, second = items_of(course)
    enrolment.enroll(cadre, course)
    get_progress(cadre, first).first_opened_at = utcnow()
    db.session.commit()
    now = utcnow()
    visit = learning.read_visit(cadre, second, course, queries.lesson_content(second),
                                [first.id, now.timestamp() - 60], now)
    assert visit.credit == (first.id, 60) and visit.open and not visit.complete
    get_progress(cadre, first).time_spent_seconds += 100  # another tab, committed after the read
    db.session.commit()
    db.begin_write()
    learning.record_visit(cadre, second, visit, now)
    db.session.commit()
    db.end_write()
    db.session.expire_all()
    assert get_progress(cadre, first).time_spent_seconds == 160  # an increment, not a stale overwrite
    assert visit.progress.first_opened_at is not None and get_progress(cadre, second).first_opened_at is not None


def test_a_progress_row_created_twice_at_once_is_kept_once(app):
    """Two tabs opening a lesson together both try to create the row: the second keeps the first's."""
    from courses.models import Progress
    from courses.progress import get_progress

    cadre = make_user()
    course = make_course(lessons=1)
    lesson = items_of(course)[0]
    first = get_progress(cadre, lesson)
    values = dict(user_id=cadre.id, item_id=lesson.id, course_id=course.id, time_spent_seconds=0)
    db.session.execute(db.insert_or_ignore(Progress).values(**values))  # what the other request would do
    assert get_progress(cadre, lesson) is first
    assert db.session.scalar(select(func.count()).select_from(Progress).where(Progress.user_id == cadre.id)) == 1
