"""Demo courses, assignments and cadres at every stage. Idempotent: an existing course is kept as is.

Progress is recorded through ``complete_item``, so completions are stored the way real ones are.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from courses import enrolment, services
from courses.demo_content import COURSES
from courses.models import Assignment, Course, CourseStatus, Item, ItemKind, Module
from courses.progress import complete_item, record_open
from elearn import db
from elearn.db import utcnow
from elearn.demo import demo_user
from elearn.units import services as units

# (course slug, unit code, due in days from now: negative means already overdue)
ASSIGNMENTS = [
    ("chuyen-de-2023-hoc-tap-va-lam-theo-bac", "TB-VT", 45),
    ("chuyen-de-2023-hoc-tap-va-lam-theo-bac", "TB-TP", 45),
    ("bao-ve-nen-tang-tu-tuong-cua-dang", "TB-TP", -7),
    ("bao-ve-nen-tang-tu-tuong-cua-dang", "TB-VT-SONGLANG", 20),
]

# (username, course slug, how many items done; -1 means all of them, 0 means only opened the first)
STAGES = [
    ("hang.nguyen", "chuyen-de-2023-hoc-tap-va-lam-theo-bac", -1),
    ("luong.tran", "chuyen-de-2023-hoc-tap-va-lam-theo-bac", 3),
    ("tuan.vu", "chuyen-de-2023-hoc-tap-va-lam-theo-bac", 0),
    ("tuan.vu", "bao-ve-nen-tang-tu-tuong-cua-dang", 2),
    ("khoa.hoang", "bao-ve-nen-tang-tu-tuong-cua-dang", -1),
    ("khoa.hoang", "chuyen-de-2023-hoc-tap-va-lam-theo-bac", 1),
    ("yen.ngo", "ky-nang-cong-tac-tuyen-truyen", 2),
    ("quanly.vuthu", "chuyen-de-2023-hoc-tap-va-lam-theo-bac", -1),
]


def load_courses() -> dict[str, Course]:
    owner = demo_user("giangvien")
    by_slug = {}
    for slug, title, theme, year, summary, self_enroll, modules in COURSES:
        course = services.get_course(slug)
        if course is None:
            course = services.create_course(owner, title, slug=slug, theme=theme, year=year, summary=summary,
                                            self_enroll=self_enroll)
            for module_title, lessons in modules:
                module = services.create_module(course, module_title)
                for lesson_title, minutes, html in lessons:
                    services.add_item(module, ItemKind.LESSON, lesson_title, body_html=html, minutes=minutes)
            services.set_status(course, CourseStatus.PUBLISHED, owner)
        by_slug[slug] = course
    return by_slug


def load_assignments(by_slug: dict[str, Course]) -> None:
    owner = demo_user("giangvien")
    for slug, unit_code, days in ASSIGNMENTS:
        course, unit = by_slug[slug], units.get_by_code(unit_code)
        exists = db.session.scalar(select(Assignment.id).where(
            Assignment.course_id == course.id, Assignment.unit_id == unit.id))
        if exists is None:
            enrolment.assign(course, unit, utcnow() + timedelta(days=days), owner)


def _items(course: Course) -> list[Item]:
    return list(db.session.scalars(select(Item).join(Module, Module.id == Item.module_id)
                                   .where(Item.course_id == course.id).order_by(Module.position, Item.position)))


def load_progress(by_slug: dict[str, Course]) -> None:
    for username, slug, done in STAGES:
        user, course = demo_user(username), by_slug[slug]
        if services.get_enrollment(user, course, include_unenrolled=True) is None:
            enrolment.enroll(user, course)
        items = _items(course)
        todo = items if done < 0 else items[:done]
        start = utcnow() - timedelta(days=10)
        enrollment = services.get_enrollment(user, course, include_unenrolled=True)
        if enrollment.enrolled_at > start:  # enrolled before studying (issue 17.3: the demo had it after)
            enrollment.enrolled_at = start - timedelta(days=1)
        for n, item in enumerate(todo):
            complete_item(user, item, at=start + timedelta(hours=6 * n))
        if done == 0 and items:
            record_open(user, items[0], start)


def load() -> None:
    by_slug = load_courses()
    db.session.flush()
    load_assignments(by_slug)
    load_progress(by_slug)
    db.session.flush()
