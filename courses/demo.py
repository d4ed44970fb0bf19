"""Demo courses, assignments and cadres at every stage. Idempotent: an existing course is kept as is.

Progress is recorded through ``complete_item``, so completions are stored the way real ones are.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from courses import enrolment, services, structure
from courses.demo_content import COURSES
from courses.forms import local_day_end
from courses.models import Assignment, Course, CourseStatus, Enrollment, Item, ItemKind, Module
from courses.progress import complete_item, record_open
from elearn import db
from elearn.audit import AuditLog
from elearn.db import utcnow
from elearn.demo import demo_user
from elearn.i18n import LOCAL_TZ
from elearn.units import services as units

# Issue 17.3: the courses were written, then assigned, before any due date and any studying.
WRITTEN_DAYS_AGO = 45
ASSIGNED_DAYS_AGO = 30
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
                module = structure.create_module(course, module_title)
                for lesson_title, minutes, html in lessons:
                    structure.add_item(module, ItemKind.LESSON, lesson_title, body_html=html, minutes=minutes)
            services.set_status(course, CourseStatus.PUBLISHED, owner)
            _backdate_course(course, utcnow() - timedelta(days=WRITTEN_DAYS_AGO))
        by_slug[slug] = course
    return by_slug


def _backdate_course(course: Course, at) -> None:
    """The course and its audit entries (created, published) as if written at ``at`` (demo only)."""
    course.created_at = course.updated_at = at
    for entry in db.session.scalars(select(AuditLog).where(AuditLog.target.in_([course.slug, str(course.id)]),
                                                           AuditLog.action.like("course.%"))):
        entry.at = at
    db.session.flush()


def load_assignments(by_slug: dict[str, Course]) -> None:
    owner = demo_user("giangvien")
    for slug, unit_code, days in ASSIGNMENTS:
        course, unit = by_slug[slug], units.get_by_code(unit_code)
        exists = db.session.scalar(select(Assignment.id).where(
            Assignment.course_id == course.id, Assignment.unit_id == unit.id))
        if exists is None:
            due = local_day_end(utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=days))
            assignment, _added = enrolment.assign(course, unit, due, owner)
            _backdate(assignment, utcnow() - timedelta(days=ASSIGNED_DAYS_AGO))


def _backdate(assignment: Assignment, at) -> None:
    """The assignment, the enrolments it made and its audit entry, as if made at ``at`` (demo only:
    the service stamps them now, which would show an overdue course assigned after its due date)."""
    assignment.created_at = at
    db.session.execute(update(Enrollment).where(Enrollment.assignment_id == assignment.id, Enrollment.enrolled_at > at)
                       .values(enrolled_at=at).execution_options(synchronize_session=False))
    entry = db.session.scalar(select(AuditLog).where(
        AuditLog.action == "course.assign", AuditLog.target == assignment.course.slug,
        AuditLog.details["unit"].as_string() == assignment.unit.code).order_by(AuditLog.id.desc()).limit(1))
    if entry is not None:
        entry.at = at
    db.session.flush()


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
