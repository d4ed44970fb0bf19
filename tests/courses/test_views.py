"""The cadre's pages, through HTTP."""
from datetime import timedelta

from sqlalchemy import select

from courses import enrolment, services, structure
from courses.models import CourseStatus, Progress
from courses.progress import complete_item
from elearn import db
from elearn.db import utcnow
from elearn.permissions import Role
from tests.courses.factories import items_of, make_course, make_trainer
from tests.factories import make_unit, make_user


def test_cadre_home_is_my_courses_with_progress_and_overdue(client, login):
    unit = make_unit()
    cadre = make_user(unit=unit)
    trainer = make_trainer()
    late = make_course(trainer, title="Khóa quá hạn", lessons=2)
    done = make_course(trainer, title="Khóa đã xong", lessons=1)
    enrolment.assign(late, unit, utcnow() - timedelta(days=2), trainer)
    enrolment.enroll(cadre, done)
    complete_item(cadre, items_of(late)[0])
    complete_item(cadre, items_of(done)[0])
    db.session.commit()
    login(cadre)
    page = client.get("/").get_data(as_text=True)  # a cadre's home is "My courses"
    assert "<h1>Khóa học của tôi</h1>" in page
    assert "Khóa quá hạn" in page and "Quá hạn" in page and 'value="50"' in page
    assert "Khóa đã xong" in page and "Hoàn thành ngày" in page


def test_my_courses_enrols_a_cadre_who_joined_an_assigned_unit(client, login):
    unit = make_unit()
    trainer = make_trainer()
    course = make_course(trainer, title="Khóa được giao")
    enrolment.assign(course, unit, None, trainer)
    db.session.commit()
    newcomer = make_user(unit=unit)
    login(newcomer)
    assert "Khóa được giao" in client.get("/my-courses").get_data(as_text=True)
    assert services.get_enrollment(newcomer, course) is not None


def test_catalog_search_ignores_accents_and_case_and_filters(client, login):
    make_course(title="Học tập tư tưởng Hồ Chí Minh", theme="Chuyên đề 2023", year=2023)
    make_course(title="Kỹ năng tuyên truyền", theme="Nghiệp vụ", year=2022)
    make_course(title="Bản nháp Hồ Chí Minh", status=CourseStatus.DRAFT)
    login(make_user())
    page = client.get("/catalog?q=HO+chi+minh").get_data(as_text=True)
    assert "Học tập tư tưởng Hồ Chí Minh" in page and "Kỹ năng" not in page and "Bản nháp" not in page
    page = client.get("/catalog?year=2022").get_data(as_text=True)
    assert "Kỹ năng tuyên truyền" in page and "Học tập tư tưởng" not in page
    page = client.get("/catalog?theme=Nghi%E1%BB%87p+v%E1%BB%A5").get_data(as_text=True)
    assert "Kỹ năng tuyên truyền" in page and "Học tập tư tưởng" not in page


def test_study_flow_outline_resume_open_and_mark_done(client, login):
    cadre = make_user()
    course = make_course(lessons=2)
    first, second = items_of(course)
    second.lesson.complete_on_open = True
    db.session.commit()
    login(cadre)
    assert "Ghi danh" in client.get(f"/courses/{course.slug}").get_data(as_text=True)
    client.post(f"/courses/{course.slug}/enroll")
    assert services.get_enrollment(cadre, course) is not None
    response = client.get(f"/courses/{course.slug}/resume")
    assert response.location.endswith(f"/learn/{first.id}")
    page = client.get(f"/learn/{first.id}").get_data(as_text=True)
    assert "Nội dung bài 1.1" in page and "Đánh dấu hoàn thành" in page
    row = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id, Progress.item_id == first.id))
    assert row.first_opened_at is not None and row.completed_at is None
    response = client.post(f"/learn/{first.id}/done")
    assert response.location.endswith(f"/learn/{second.id}")
    assert "Đã đánh dấu hoàn thành" in client.get("/my-courses").get_data(as_text=True)  # the flash (issue 17.7)
    assert client.get(f"/courses/{course.slug}/resume").location.endswith(f"/learn/{second.id}")
    # Opening a 'complete on open' lesson completes it, and here the course.
    client.get(f"/learn/{second.id}")
    enrollment = services.get_enrollment(cadre, course)
    assert enrollment.completed_at is not None
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert page.count("✓") == 2 and "Hoàn thành ngày" in page


def test_time_spent_is_credited_to_the_previous_lesson(client, login):
    cadre = make_user()
    course = make_course(lessons=2)
    first, second = items_of(course)
    enrolment.enroll(cadre, course)
    db.session.commit()
    login(cadre)
    assert client.get(f"/learn/{first.id}").status_code == 200
    with client.session_transaction() as sess:
        item_id, started = sess["studying"]
        sess["studying"] = [item_id, started - 125]  # as if the cadre read for two minutes
    client.get(f"/learn/{second.id}")
    row = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id, Progress.item_id == first.id))
    assert 125 <= row.time_spent_seconds <= 127
    with client.session_transaction() as sess:
        sess["studying"] = [second.id, sess["studying"][1] - 86400]  # left open overnight: capped
    client.post(f"/learn/{second.id}/done")
    row = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id, Progress.item_id == second.id))
    assert row.time_spent_seconds == 30 * 60


def test_completion_stays_when_a_trainer_adds_an_item(client, login):
    cadre = make_user()
    course = make_course(lessons=1)
    enrolment.enroll(cadre, course)
    complete_item(cadre, items_of(course)[0])
    db.session.commit()
    completed_at = services.get_enrollment(cadre, course).completed_at
    structure.add_item(course.modules[0], "lesson", "Bài mới thêm")
    db.session.commit()
    login(cadre)
    page = client.get("/my-courses").get_data(as_text=True)
    assert "1 / 2" in page
    assert services.get_enrollment(cadre, course).completed_at == completed_at
    assert "Bài mới thêm" in client.get(f"/courses/{course.slug}").get_data(as_text=True)


def test_cadre_cannot_open_unpublished_unenrolled_or_others_data(client, login):
    cadre, other = make_user(), make_user()
    draft = make_course(status=CourseStatus.DRAFT, title="Khóa nháp bí mật")
    closed = make_course(self_enroll=False, title="Khóa không tự ghi danh")
    course = make_course(title="Khóa của người khác")
    enrolment.enroll(other, course)
    complete_item(other, items_of(course)[0])
    db.session.commit()
    login(cadre)
    for url in (f"/courses/{draft.slug}", f"/courses/{closed.slug}", f"/learn/{items_of(draft)[0].id}",
                f"/learn/{items_of(closed)[0].id}", f"/learn/{items_of(course)[0].id}",
                f"/learn/{items_of(course)[0].id}/attachment", f"/courses/{closed.slug}/resume"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Khóa nháp bí mật" not in response.get_data(as_text=True)
    assert client.post(f"/learn/{items_of(course)[0].id}/done").status_code == 404
    assert client.post(f"/courses/{closed.slug}/enroll").status_code == 404
    # Another cadre's progress lives only on trainer pages: forbidden to a cadre.
    assert client.get(f"/teach/{course.id}/learners/{other.id}").status_code == 403
    assert client.get(f"/teach/{course.id}/learners").status_code == 403
    assert db.session.scalar(select(Progress).where(Progress.user_id == cadre.id)) is None


def test_archived_course_can_be_reread_but_records_nothing(client, login):
    cadre = make_user()
    course = make_course(lessons=1)
    enrolment.enroll(cadre, course)
    services.set_status(course, CourseStatus.ARCHIVED, course.owner)
    db.session.commit()
    login(cadre)
    item = items_of(course)[0]
    assert client.get(f"/learn/{item.id}").status_code == 200
    client.post(f"/learn/{item.id}/done")
    assert db.session.scalar(select(Progress).where(Progress.user_id == cadre.id)) is None


def test_manager_and_trainer_see_home_cards(client, login):
    login(make_user(roles=(Role.TRAINER, Role.CADRE)))
    page = client.get("/").get_data(as_text=True)
    assert "Khóa học của tôi" in page and "Soạn khóa học" in page
