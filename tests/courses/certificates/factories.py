"""Certificate test data: a course with a final quiz, and cadres who complete it."""
from __future__ import annotations

from datetime import UTC, datetime

from courses import enrolment, structure
from courses.certificates.models import Certificate
from courses.models import Course, ItemKind
from courses.progress import complete_item
from elearn import db
from elearn.accounts.models import User
from elearn.units.models import OrgUnit
from tests.courses.factories import items_of, make_course

COMPLETED = datetime(2023, 3, 15, 3, 0, tzinfo=UTC)  # 10:00 in Thái Bình


def make_quiz_course(title: str = "Học tập và làm theo tư tưởng Hồ Chí Minh", **fields) -> Course:
    fields.setdefault("theme", "Phát huy sức mạnh giá trị văn hóa, con người Thái Bình")
    course = make_course(title=title, lessons=1, **fields)
    structure.add_item(course.modules[0], ItemKind.QUIZ, "Bài kiểm tra cuối khóa")
    db.session.commit()
    return course


def complete(user: User, course: Course, score: float | None = 85.0, at: datetime = COMPLETED) -> Certificate | None:
    """Enrol ``user`` and complete every item (the quiz with ``score``); returns the live certificate."""
    from sqlalchemy import select

    enrolment.enroll(user, course)
    for item in items_of(course):
        complete_item(user, item, score=score if item.kind == ItemKind.QUIZ else None, at=at)
    db.session.commit()
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.course_id == course.id, Certificate.revoked_at.is_(None)))


def tree() -> tuple[OrgUnit, OrgUnit, OrgUnit, OrgUnit]:
    """Province > district A (> commune A1), district B."""
    from tests.factories import make_unit

    province = make_unit("Tỉnh ủy Thái Bình")
    a = make_unit("Huyện ủy Vũ Thư", province)
    a1 = make_unit("Đảng ủy xã Tân Hòa", a)
    b = make_unit("Huyện ủy Đông Hưng", province)
    return province, a, a1, b
