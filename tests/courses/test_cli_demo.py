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


def test_demo_dates_follow_each_other(app):
    """Issue 17.3: the demo shows no enrolment after its completion, its progress or its quiz
    attempts, and no assignment made (or enrolling anyone) after its due date."""
    from courses.models import Assignment, Item
    from elearn.audit import AuditLog
    from quizzes.models import QuizAttempt

    load_demo()
    db.session.commit()
    E, A = Enrollment, Assignment
    late_assignments = db.session.execute(select(A.id, A.created_at, A.due_at).where(
        A.due_at.is_not(None), A.created_at > A.due_at)).all()
    assert late_assignments == []
    # The audit log says when each assignment was made: the same day as the assignment row.
    assigned_on = {(a.course.slug, a.unit.code): a.created_at.date()
                   for a in db.session.scalars(select(A))}
    logged_on = {(e.target, e.details["unit"]): e.at.date()
                 for e in db.session.scalars(select(AuditLog).where(AuditLog.action == "course.assign"))}
    assert logged_on == assigned_on
    written = dict(db.session.execute(select(AuditLog.target, AuditLog.at).where(
        AuditLog.action == "course.create")).all())
    assert all(written[slug] < min(a.created_at for a in db.session.scalars(select(A)) if a.course.slug == slug)
               for slug, _unit in assigned_on)
    assigned_late = db.session.execute(select(E.id, E.enrolled_at, E.due_at).where(
        E.assignment_id.is_not(None), E.due_at.is_not(None), E.enrolled_at > E.due_at)).all()
    assert assigned_late == []
    before_assignment = db.session.execute(select(E.id).join(A, A.id == E.assignment_id).where(
        E.enrolled_at < A.created_at)).all()
    assert before_assignment == []
    backwards = db.session.execute(select(E.id, E.enrolled_at, E.completed_at).where(
        E.completed_at.is_not(None), E.completed_at < E.enrolled_at)).all()
    assert backwards == []
    studied_first = db.session.execute(select(Progress.id).join(E, (E.user_id == Progress.user_id) & (
        E.course_id == Progress.course_id)).where(Progress.completed_at < E.enrolled_at)).all()
    assert studied_first == []
    attempted_first = db.session.execute(
        select(QuizAttempt.id).join(Item, Item.id == QuizAttempt.quiz_id)
        .join(E, (E.user_id == QuizAttempt.user_id) & (E.course_id == Item.course_id))
        .where(QuizAttempt.started_at < E.enrolled_at)).all()
    assert attempted_first == []
