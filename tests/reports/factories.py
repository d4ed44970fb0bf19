"""Statistics test data: a small tree, a course with a lesson and a quiz, enrolments at every stage."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from courses.models import Assignment, Course, CourseStatus, Enrollment, Item, ItemKind, Module, Progress
from courses.signals import announce, enrolments_changed
from elearn import db
from elearn.permissions import Role
from tests.factories import make_unit, make_user

T0 = datetime(2023, 3, 1, 2, 0, tzinfo=UTC)


def make_course(owner, slug: str = "hoc-tap-2023", title: str = "Học tập và làm theo Bác 2023",
                assign_to=None) -> Course:
    course = Course(slug=slug, title=title, status=CourseStatus.PUBLISHED, owner_id=owner.id, year=2023)
    module = Module(title="Chương 1", position=1)
    course.modules.append(module)
    db.session.add(course)
    db.session.flush()
    for pos, (kind, title) in enumerate([(ItemKind.LESSON, "Bài 1"), (ItemKind.QUIZ, "Kiểm tra")]):
        db.session.add(Item(course_id=course.id, module_id=module.id, kind=kind, title=title, position=pos))
    if assign_to is not None:
        db.session.add(Assignment(course_id=course.id, unit_id=assign_to.id, due_at=T0 + timedelta(days=30)))
    db.session.commit()
    return course


def items(course: Course) -> tuple[Item, Item]:
    lesson, quiz = sorted((i for m in course.modules for i in m.items), key=lambda i: i.position)
    return lesson, quiz


def enrol(user, course: Course, *, stage: str = "none", score: float | None = None,
          enrolled_at: datetime = T0, due_at: datetime | None = None, completed_at: datetime | None = None) -> Enrollment:
    """stage: none | started (lesson opened) | lesson (lesson done) | complete (lesson and quiz passed)."""
    lesson, quiz = items(course)
    done = completed_at or enrolled_at + timedelta(days=3)
    enrollment = Enrollment(user_id=user.id, course_id=course.id, enrolled_at=enrolled_at,
                            due_at=due_at, completed_at=done if stage == "complete" else None)
    db.session.add(enrollment)
    if stage in ("started", "lesson", "complete"):
        db.session.add(Progress(user_id=user.id, item_id=lesson.id, course_id=course.id, first_opened_at=enrolled_at,
                                completed_at=None if stage == "started" else done, time_spent_seconds=60))
    if score is not None or stage == "complete":
        db.session.add(Progress(user_id=user.id, item_id=quiz.id, course_id=course.id, first_opened_at=enrolled_at,
                                completed_at=done if stage == "complete" else None, time_spent_seconds=60,
                                best_score=score))
    announce(enrolments_changed, [course.id])  # rows written by hand: say so, as the services do
    db.session.commit()
    return enrollment


class Province:
    """Tỉnh > (Huyện A > Xã A1 > Chi bộ A1a), (Huyện B); managers of A and of the province; cadres."""

    def __init__(self):
        self.province = make_unit("Tỉnh ủy Thử", code="P")
        self.district_a = make_unit("Huyện ủy An", self.province, code="PA")
        self.commune_a = make_unit("Đảng ủy xã An Bình", self.district_a, code="PA1")
        self.cell_a = make_unit("Chi bộ thôn Một", self.commune_a, code="PA1a")
        self.district_b = make_unit("Huyện ủy Bình", self.province, code="PB")
        self.admin = make_user("admin1", roles=[Role.ADMIN], unit=self.province)
        self.manager_a = make_user("quanly.a", roles=[Role.MANAGER, Role.CADRE], unit=self.district_a,
                                   full_name="Lê Văn Quản")
        self.manager_p = make_user("quanly.p", roles=[Role.MANAGER], unit=self.province, full_name="Bùi Quang Huy")
        self.course = make_course(self.admin, assign_to=self.province)
        # In the cell: sorted the Vietnamese way by given name: Anh, Bình, Đức
        self.anh = make_user("anh", unit=self.cell_a, full_name="Trần Thị Anh", position="Bí thư")
        self.duc = make_user("duc", unit=self.cell_a, full_name="Nguyễn Văn Đức")
        self.binh = make_user("binh", unit=self.cell_a, full_name="Vũ Bình")
        self.xa = make_user("xa", unit=self.commune_a, full_name="Phạm Thị Xa")
        self.other = make_user("other", unit=self.district_b, full_name="Đỗ Văn Ngoài")
        due_past = T0 + timedelta(days=10)
        enrol(self.anh, self.course, stage="complete", score=90.0, due_at=due_past)
        enrol(self.duc, self.course, stage="started", due_at=due_past)            # overdue
        enrol(self.binh, self.course, stage="none", due_at=datetime(2999, 1, 1, tzinfo=UTC))
        enrol(self.xa, self.course, stage="lesson", score=60.0, due_at=due_past)  # overdue, quiz failed
        enrol(self.other, self.course, stage="complete", score=100.0)
