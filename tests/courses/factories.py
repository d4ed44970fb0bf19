"""Course test data: ``make_course`` builds a published course with modules and lessons."""
from __future__ import annotations

from courses import services, structure
from courses.models import Course, CourseStatus, ItemKind
from elearn import db
from elearn.accounts.models import User
from elearn.permissions import Role
from tests.factories import make_user


def make_trainer(**kwargs) -> User:
    return make_user(roles=(Role.TRAINER,), **kwargs)


def make_course(owner: User | None = None, *, title: str = "Khóa học thử", modules: int = 1, lessons: int = 2,
                status: CourseStatus = CourseStatus.PUBLISHED, complete_on_open: bool = False, **fields) -> Course:
    owner = owner or make_trainer()
    course = services.create_course(owner, title, **fields)
    for m in range(modules):
        module = structure.create_module(course, f"Chuyên đề {m + 1}")
        for n in range(lessons):
            structure.add_item(module, ItemKind.LESSON, f"Bài {m + 1}.{n + 1}",
                              body_html=f"<p>Nội dung bài {m + 1}.{n + 1}</p>", complete_on_open=complete_on_open)
    if status != CourseStatus.DRAFT:
        services.set_status(course, CourseStatus.PUBLISHED, owner)
    if status == CourseStatus.ARCHIVED:
        services.set_status(course, CourseStatus.ARCHIVED, owner)
    db.session.commit()
    return course


def items_of(course: Course):
    from sqlalchemy import select

    from courses.models import Item, Module

    return list(db.session.scalars(select(Item).join(Module, Module.id == Item.module_id)
                                   .where(Item.course_id == course.id).order_by(Module.position, Item.position)))
