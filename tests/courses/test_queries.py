"""Query counts and the shared cache: "My courses", the outline and the lesson page stay at a fixed
number of SQL statements; what is cached (course structure, lesson texts, catalog) is shared by
everyone, invalidated by every trainer change, and never carries one cadre's progress to another."""
import pytest

from courses import enrolment, lessons, services, structure
from courses.models import CourseStatus, ItemKind
from courses.progress import complete_item
from elearn import db
from tests import sql
from tests.courses.factories import items_of, make_course, make_trainer
from tests.factories import make_unit, make_user


@pytest.fixture
def app_config():
    return {"CACHE_IN_TESTS": True}  # the in-process cache, as in production


def _cadre_with_courses(n_courses: int, lessons: int):
    trainer = make_trainer()
    cadre = make_user(unit=make_unit())  # a unit: the assignment reconciliation query runs too
    courses = [make_course(trainer, title=f"Khóa {n}", modules=2, lessons=lessons) for n in range(n_courses)]
    for n, course in enumerate(courses):
        enrolment.enroll(cadre, course)
        for item in items_of(course)[: n % 3]:
            complete_item(cadre, item)
    db.session.commit()
    return cadre, courses


def _queries_for(app, client, url):
    client.get(url)  # warm up: sign-in bookkeeping, lazy assignment reconciliation
    with sql.statements(app, queries_only=True) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_my_courses_and_outline_use_a_fixed_number_of_queries(app, client, login):
    small, small_courses = _cadre_with_courses(2, lessons=1)
    big, big_courses = _cadre_with_courses(20, lessons=5)
    login(small)
    small_my = _queries_for(app, client, "/my-courses")
    small_outline = _queries_for(app, client, f"/courses/{small_courses[1].slug}")
    login(big)
    big_my = _queries_for(app, client, "/my-courses")
    big_outline = _queries_for(app, client, f"/courses/{big_courses[19].slug}")
    assert big_my == small_my <= 5, (small_my, big_my)
    assert big_outline == small_outline <= 7, (small_outline, big_outline)


def test_lesson_page_uses_a_fixed_number_of_queries_whatever_the_course_size(app, client, login):
    small, small_courses = _cadre_with_courses(1, lessons=1)
    big, big_courses = _cadre_with_courses(1, lessons=30)
    login(small)
    small_lesson = _queries_for(app, client, f"/learn/{items_of(small_courses[0])[0].id}")
    login(big)
    big_lesson = _queries_for(app, client, f"/learn/{items_of(big_courses[0])[-1].id}")
    # The account; item, course and enrolment; both progress rows; and at most the time credited.
    assert big_lesson == small_lesson <= 4, (small_lesson, big_lesson)


def test_a_lesson_page_with_nothing_to_record_takes_no_write_lock(app, client, login):
    cadre, courses = _cadre_with_courses(1, lessons=2)
    lesson = items_of(courses[0])[0]
    login(cadre)
    client.get(f"/learn/{lesson.id}")  # first opening: recorded
    with sql.statements(app) as seen:
        assert client.get(f"/learn/{lesson.id}").status_code == 200  # again at once: no time to credit
    assert not sql.writes(seen), seen


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_trainers_change_is_visible_on_the_next_request(client, login):
    trainer = make_trainer()
    course = make_course(trainer, title="Khóa học gốc", theme="Chủ đề A", lessons=2)
    first, second = items_of(course)
    cadre = make_user()
    enrolment.enroll(cadre, course)
    db.session.commit()
    login(cadre)
    assert "Bài 1.1" in _page(client, f"/courses/{course.slug}")   # cached from here on
    assert "Nội dung bài 1.2" in _page(client, f"/learn/{second.id}")
    assert "Khóa học gốc" in _page(client, "/catalog")

    structure.rename_module(course.modules[0], "Chuyên đề đổi tên")
    structure.update_item(first, title="Bài đổi tên", required=False)
    lessons.update_lesson(second, trainer, title="Bài hai mới", body_html="<p>Nội dung sửa lại</p>",
                           video_url=None, minutes=7, required=True, complete_on_open=False)
    structure.add_item(course.modules[0], ItemKind.LESSON, "Bài thêm vào", body_html="<p>Mới</p>")
    services.update_course(course, trainer, title="Khóa học đổi tên", theme="Chủ đề B")
    db.session.commit()

    outline = _page(client, f"/courses/{course.slug}")
    assert "Chuyên đề đổi tên" in outline and "Bài đổi tên" in outline and "Bài thêm vào" in outline
    lesson = _page(client, f"/learn/{second.id}")
    assert "Nội dung sửa lại" in lesson and "Nội dung bài 1.2" not in lesson and "Bài hai mới" in lesson
    assert "← Bài đổi tên" in lesson and "Bài thêm vào →" in lesson
    catalog = _page(client, "/catalog")
    assert "Khóa học đổi tên" in catalog and "Chủ đề B" in catalog and "Chủ đề A" not in catalog

    structure.delete_item(first, trainer)
    services.set_status(course, CourseStatus.ARCHIVED, trainer)
    db.session.commit()
    assert "Bài đổi tên" not in _page(client, f"/courses/{course.slug}")
    assert "Khóa học đổi tên" not in _page(client, "/catalog")


def test_a_trainers_edit_through_the_pages_is_visible_to_cadres(client, login):
    from quizzes import services as quizzes

    trainer = make_trainer()
    course = make_course(trainer, lessons=1)
    lesson = items_of(course)[0]
    quiz = quizzes.create_quiz_item(course.modules[0], trainer, "Bài kiểm tra cũ")
    cadre = make_user()
    enrolment.enroll(cadre, course)
    db.session.commit()
    login(cadre)
    assert "Bài kiểm tra cũ" in _page(client, f"/courses/{course.slug}")
    login(trainer)
    assert client.post(f"/teach/items/{quiz.item_id}", data={"title": "Bài kiểm tra mới", "required": "y"}
                       ).status_code == 302
    assert client.post(f"/teach/items/{lesson.id}", data={"title": "Bài đọc sửa qua trang", "body": "<p>Sửa</p>",
                                                          "minutes": 5, "required": "y"}).status_code == 302
    login(cadre)
    outline = _page(client, f"/courses/{course.slug}")
    assert "Bài kiểm tra mới" in outline and "Bài kiểm tra cũ" not in outline
    assert "Bài đọc sửa qua trang" in outline
    quizzes.update_quiz(quiz, title="Bài kiểm tra cuối")
    db.session.commit()
    assert "Bài kiểm tra cuối" in _page(client, f"/courses/{course.slug}")


def test_each_cadre_sees_their_own_progress_marks(client, login):
    course = make_course(lessons=3)
    first, second, third = items_of(course)
    anh, binh = make_user(full_name="Trần Thị Ánh"), make_user(full_name="Lê Văn Bình")
    for cadre in (anh, binh):
        enrolment.enroll(cadre, course)
    complete_item(anh, first)
    complete_item(binh, second)
    complete_item(binh, third)
    db.session.commit()
    marks = {}
    for cadre in (anh, binh, anh):  # the second visit of Ánh comes after Bình filled the cache
        login(cadre)
        page = _page(client, f"/courses/{course.slug}")
        marks[cadre.id] = [li.split(">", 1)[0] for li in page.split('<li class="')[1:] if li.startswith(("done", "todo"))]
        assert cadre.full_name in page
        done_badge = "Hoàn thành ngày" in _page(client, f"/learn/{first.id}")
        assert done_badge == (cadre is anh)
    assert marks[anh.id] == ['done"', 'todo"', 'todo"']
    assert marks[binh.id] == ['todo"', 'done"', 'done"']
