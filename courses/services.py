"""Course rules: lookups and access, the course's own settings and status, its editors, the trainer's lists.

The room every other course module leans on: ``CourseError``/``CourseNotFound``, who may see or edit a
course, whether it is open, and ``content_changed`` (the cache of outlines and lesson texts). Services
flush, never commit: the caller (a view or a CLI command) owns the transaction. Modules and items live
in ``courses.structure``, a lesson's content in ``courses.lessons``, enrolment and assignments in
``courses.enrolment``, progress and completion in ``courses.progress``.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from werkzeug.exceptions import NotFound

from courses.models import Assignment, Course, CourseEditor, CourseStatus, Enrollment, Item
from courses.queries import CATALOG_NS, course_ns
from elearn import audit, cache, db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.errors import DomainError
from elearn.pagination import Page, is_id, paginate
from elearn.permissions import Permission
from elearn.text import fold, normalize_spaces


class CourseError(DomainError):
    """A course rule was broken; the message is shown to the user."""


class CourseNotFound(CourseError, NotFound):
    """Not there, or not the user's to see: a 404 either way (we do not confirm it exists)."""

    def __init__(self) -> None:
        CourseError.__init__(self, _("This course does not exist or is not available to you."))
        NotFound.__init__(self)


# ---------------------------------------------------------------- lookups and access

# The lookups every learner's page makes, built once: building a statement (and its cache key) on each
# call cost 50-90 µs, ~46 statements a learner's journey (bench/load/journey_profile.py, issue 16).
_COURSE_BY_SLUG = select(Course).where(Course.slug == bindparam("slug"))
_ENROLLMENT = select(Enrollment).where(Enrollment.user_id == bindparam("user_id"),
                                       Enrollment.course_id == bindparam("course_id"))
_ACTIVE_ENROLLMENT = _ENROLLMENT.where(Enrollment.unenrolled_at.is_(None))


def get_course(course_id_or_slug: int | str) -> Course | None:
    key = str(course_id_or_slug)
    if key.isascii() and key.isdigit():
        return db.session.get(Course, int(key)) if is_id(key) else None
    return db.session.scalar(_COURSE_BY_SLUG, {"slug": key})


def can_edit(user: User, course: Course) -> bool:
    if not user.can(Permission.AUTHOR_COURSES) and not user.can(Permission.EDIT_ANY_COURSE):
        return False
    if user.can(Permission.EDIT_ANY_COURSE) or course.owner_id == user.id:
        return True
    return db.session.get(CourseEditor, (course.id, user.id)) is not None


def get_course_for_edit(course_id_or_slug: int | str, user: User) -> Course:
    """The course if ``user`` owns it, was granted it, or may edit any course; else ``CourseNotFound``."""
    course = get_course(course_id_or_slug)
    if course is None or not can_edit(user, course):
        raise CourseNotFound()
    return course


def get_enrollment(user: User, course: Course | int, include_unenrolled: bool = False) -> Enrollment | None:
    """The user's active enrolment on the course (or any, with ``include_unenrolled``)."""
    course_id = course if isinstance(course, int) else course.id
    return db.session.scalar(_ENROLLMENT if include_unenrolled else _ACTIVE_ENROLLMENT,
                             {"user_id": user.id, "course_id": course_id})


def is_open(course: Course, at: datetime | None = None) -> bool:
    """Published and within its open/close dates."""
    at = at or utcnow()
    return (course.status == CourseStatus.PUBLISHED
            and (course.opens_at is None or course.opens_at <= at)
            and (course.closes_at is None or at < course.closes_at))


def content_changed(course_id: int, catalog: bool = False) -> None:
    """Every service that changes a course, its modules, items or lessons calls this: the cached
    outline and lesson texts of the course (and the catalog, when asked) are recomputed."""
    cache.invalidate(course_ns(course_id))
    if catalog:
        cache.invalidate(CATALOG_NS)


# ---------------------------------------------------------------- the course: settings, status, editors

def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:100] or "khoa-hoc"


def _unique_slug(base: str, course_id: int | None = None) -> str:
    slug, n = base, 1
    while True:
        other = db.session.scalar(select(Course.id).where(Course.slug == slug))
        if other is None or other == course_id:
            return slug
        n += 1
        slug = f"{base[:100]}-{n}"


def search_text(title: str, theme: str, summary: str) -> str:
    return fold(" ".join((title, theme, summary)))


def _check_dates(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise CourseError(_("The closing date must be after the opening date."))


def create_course(owner: User, title: str, *, slug: str | None = None, theme: str = "", year: int | None = None,
                  summary: str = "", self_enroll: bool = True, opens_at: datetime | None = None,
                  closes_at: datetime | None = None) -> Course:
    title, theme, summary = normalize_spaces(title), normalize_spaces(theme), (summary or "").strip()
    if not title:
        raise CourseError(_("The title is required."))
    _check_dates(opens_at, closes_at)
    course = Course(title=title, theme=theme, year=year, summary=summary, self_enroll=self_enroll,
                    opens_at=opens_at, closes_at=closes_at, owner_id=owner.id, status=CourseStatus.DRAFT,
                    slug=_unique_slug(slugify(slug or title)), search_text=search_text(title, theme, summary))
    db.session.add(course)
    db.session.flush()
    content_changed(course.id, catalog=True)
    audit.record("course.create", target=course.slug, actor=owner, title=title)
    return course


def update_course(course: Course, actor: User, **fields) -> Course:
    """Change the course's settings (title, theme, year, summary, self_enroll, dates, slug)."""
    for name in ("title", "theme"):
        if name in fields:
            fields[name] = normalize_spaces(fields[name] or "")
    if "title" in fields and not fields["title"]:
        raise CourseError(_("The title is required."))
    if "slug" in fields:
        fields["slug"] = _unique_slug(slugify(fields["slug"] or fields.get("title") or course.title), course.id)
    _check_dates(fields.get("opens_at", course.opens_at), fields.get("closes_at", course.closes_at))
    for name, value in fields.items():
        setattr(course, name, value)
    course.search_text = search_text(course.title, course.theme, course.summary)
    content_changed(course.id, catalog=True)
    audit.record("course.update", target=course.slug, actor=actor, fields=sorted(fields))
    db.session.flush()
    return course


# draft -> published -> archived; an archived course may be published again, a published one
# may go back to draft only while nobody is enrolled.
_TRANSITIONS = {
    CourseStatus.DRAFT: {CourseStatus.PUBLISHED},
    CourseStatus.PUBLISHED: {CourseStatus.ARCHIVED, CourseStatus.DRAFT},
    CourseStatus.ARCHIVED: {CourseStatus.PUBLISHED},
}


def set_status(course: Course, status: CourseStatus, actor: User) -> None:
    status = CourseStatus(status)
    if status == course.status:
        return
    if status not in _TRANSITIONS[course.status]:
        raise CourseError(_("This course cannot go from this status to that one."))
    if status == CourseStatus.PUBLISHED and not db.session.scalar(
            select(func.count(Item.id)).where(Item.course_id == course.id)):
        raise CourseError(_("Add at least one lesson before publishing the course."))
    if status == CourseStatus.DRAFT and db.session.scalar(
            select(func.count(Enrollment.id)).where(Enrollment.course_id == course.id)):
        raise CourseError(_("Cadres are already enrolled: archive the course instead."))
    before, course.status = course.status, status
    content_changed(course.id, catalog=True)
    audit.record("course.status", target=course.slug, actor=actor, before=before.value, after=status.value)
    db.session.flush()


def grant_editor(course: Course, user: User, actor: User) -> None:
    if db.session.get(CourseEditor, (course.id, user.id)) is None:
        db.session.add(CourseEditor(course_id=course.id, user_id=user.id))
        audit.record("course.editor", target=course.slug, actor=actor, editor=user.username)
        db.session.flush()


# ---------------------------------------------------------------- trainer's lists

def assignments_of(course: Course) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(Assignment.course_id == course.id)
                                   .order_by(Assignment.created_at)))


def learners(course: Course, page: int = 1, per_page: int = 100) -> Page:
    """One page of the course's enrolments: rows of (enrollment, user, required items done)."""
    from courses.models import Progress

    done = (select(func.count(Progress.id)).join(Item, Item.id == Progress.item_id)
            .where(Progress.user_id == Enrollment.user_id, Progress.course_id == course.id,
                   Progress.completed_at.is_not(None), Item.required.is_(True))
            .correlate(Enrollment).scalar_subquery())
    return paginate(select(Enrollment, User, done).join(User, User.id == Enrollment.user_id)
                    .where(Enrollment.course_id == course.id).order_by(User.sort_name, User.id),
                    page, per_page, rows=True)
