"""The quiz demo: a quiz per demo course, finished attempts, some passed; idempotent."""
from __future__ import annotations

from sqlalchemy import func, select

from courses import enrolment, structure
from courses import services as courses
from courses.models import CourseStatus, Enrollment, ItemKind
from courses.progress import complete_item
from elearn import db
from elearn.demo import demo_user, load_demo
from quizzes import demo
from quizzes.models import AttemptState, Quiz, QuizAttempt


def _demo_courses():
    """The courses demo, or stand-ins with its slugs when it is not loaded."""
    trainer = demo_user("giangvien")
    for slug in demo.DRAWS:
        if courses.get_course(slug) is None:
            course = courses.create_course(trainer, slug.replace("-", " "), slug=slug)
            module = structure.create_module(course, "Chuyên đề 1")
            structure.add_item(module, ItemKind.LESSON, "Bài 1", body_html="<p>Nội dung</p>")
            courses.set_status(course, CourseStatus.PUBLISHED, trainer)
    for username, slug, _share in demo.ATTEMPTS:
        course, user = courses.get_course(slug), demo_user(username)
        enrolment.enroll(user, course)
        for module in course.modules:
            for item in module.items:
                if item.kind == ItemKind.LESSON:
                    complete_item(user, item)


def test_demo_quizzes_and_attempts_are_loaded_once(app):
    load_demo()
    _demo_courses()
    demo.load()
    db.session.commit()
    quizzes = db.session.scalars(select(Quiz)).all()
    assert len(quizzes) >= 3
    finished = db.session.scalars(select(QuizAttempt).where(QuizAttempt.state == AttemptState.FINISHED)).all()
    assert len(finished) == len(demo.ATTEMPTS)
    assert any(a.passed for a in finished) and not all(a.passed for a in finished)
    hang = demo_user("hang.nguyen")
    enrollment = db.session.scalar(select(Enrollment).where(
        Enrollment.user_id == hang.id, Enrollment.course_id == courses.get_course(demo.ATTEMPTS[0][1]).id))
    assert enrollment.completed_at is not None
    counts = (db.session.scalar(select(func.count()).select_from(Quiz)),
              db.session.scalar(select(func.count()).select_from(QuizAttempt)))
    load_demo()
    demo.load()
    db.session.commit()
    assert counts == (db.session.scalar(select(func.count()).select_from(Quiz)),
                      db.session.scalar(select(func.count()).select_from(QuizAttempt)))
