import json

from sqlalchemy import func, select

from courses import enrolment, queries, services
from courses.models import Course, Enrollment, ItemKind, Progress
from elearn import db
from elearn.demo import demo_user, load_demo
from tests.courses.factories import make_course
from tests.factories import make_user


def test_courses_list_json(runner):
    course = make_course(title="Khóa CLI", modules=2, lessons=2)
    enrolment.enroll(make_user(), course)
    db.session.commit()
    result = runner.invoke(args=["courses", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows == [{"slug": course.slug, "title": "Khóa CLI", "status": "published", "modules": 2, "items": 4,
                     "enrolled": 1, "completed": 0}]
    assert "khoa-cli" in runner.invoke(args=["courses", "list"]).output


def test_demo_courses_are_idempotent_and_at_every_stage(app):
    load_demo()
    db.session.commit()
    counts = [db.session.scalar(select(func.count()).select_from(t)) for t in (Course, Enrollment, Progress)]
    load_demo()
    db.session.commit()
    assert [db.session.scalar(select(func.count()).select_from(t)) for t in (Course, Enrollment, Progress)] == counts
    theme = db.session.scalar(select(Course).where(Course.year == 2023, Course.title.like("Chuyên đề năm 2023%")))
    assert "Thái Bình nhanh, bền vững" in theme.title and len(theme.modules) >= 3
    lessons = [item for m in theme.modules for item in m.items if item.kind == ItemKind.LESSON]
    assert lessons and all(item.lesson.body_html.count("<p>") >= 3 for item in lessons)  # quizzes sit beside them
    done = services.get_enrollment(demo_user("hang.nguyen"), theme)
    assert done.completed_at is not None
    cards = {c.course.slug: c for c in queries.my_courses(demo_user("luong.tran"))}
    assert 0 < cards[theme.slug].done < cards[theme.slug].required
    overdue = queries.my_courses(demo_user("yen.ngo"))
    assert any(c.overdue for c in overdue)
    assert queries.catalog("ho chi minh")[0].id == theme.id
    # Issue 17.3: nobody in the demo completes a course before enrolling on it.
    backwards = db.session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.completed_at.is_not(None), Enrollment.completed_at < Enrollment.enrolled_at))
    assert backwards == 0
