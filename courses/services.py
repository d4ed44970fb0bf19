"""Course rules: lookups and access, authoring, structure, lessons, the trainer's lists.

Services flush, never commit: the caller (a view or a CLI command) owns the transaction.
Enrolment and assignments live in ``courses.enrolment``, progress and completion in
``courses.progress``.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from courses.models import Assignment, Course, CourseEditor, CourseStatus, Enrollment, Item, ItemKind, Lesson, Module
from courses.queries import CATALOG_NS, course_ns
from courses.signals import announce, items_changed
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

def get_course(course_id_or_slug: int | str) -> Course | None:
    key = str(course_id_or_slug)
    if key.isascii() and key.isdigit():
        return db.session.get(Course, int(key)) if is_id(key) else None
    return db.session.scalar(select(Course).where(Course.slug == key))


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
    stmt = select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course_id)
    if not include_unenrolled:
        stmt = stmt.where(Enrollment.unenrolled_at.is_(None))
    return db.session.scalar(stmt)


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


# ---------------------------------------------------------------- authoring

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


def create_module(course: Course, title: str) -> Module:
    title = normalize_spaces(title or "")
    if not title:
        raise CourseError(_("The title is required."))
    last = db.session.scalar(select(func.max(Module.position)).where(Module.course_id == course.id))
    module = Module(course_id=course.id, title=title, position=0 if last is None else last + 1)
    db.session.add(module)
    db.session.flush()
    content_changed(course.id)
    return module


def add_item(module: Module, kind: ItemKind, title: str, *, required: bool = True, **lesson_fields) -> Item:
    """Append an item to ``module``. A lesson gets its ``Lesson`` row here (``lesson_fields``);
    other kinds (a quiz) create their content keyed by the returned item's id."""
    title = normalize_spaces(title or "")
    if not title:
        raise CourseError(_("The title is required."))
    kind = ItemKind(kind)
    last = db.session.scalar(select(func.max(Item.position)).where(Item.module_id == module.id))
    item = Item(course_id=module.course_id, module_id=module.id, kind=kind, title=title, required=required,
                position=0 if last is None else last + 1)
    db.session.add(item)
    db.session.flush()
    content_changed(item.course_id)
    announce(items_changed, [item.course_id])
    if kind == ItemKind.LESSON:
        from elearn.html import sanitize_html

        fields = dict(lesson_fields)
        fields["body_html"] = sanitize_html(fields.get("body_html"))
        db.session.add(Lesson(item_id=item.id, **fields))
        db.session.flush()
    return item


# ---------------------------------------------------------------- modules and items

def rename_module(module: Module, title: str) -> None:
    title = normalize_spaces(title or "")
    if not title:
        raise CourseError(_("The title is required."))
    module.title = title
    content_changed(module.course_id)
    db.session.flush()


def _has_completions(item_ids) -> bool:
    from courses.models import Progress

    return db.session.scalar(select(func.count(Progress.id)).where(
        Progress.item_id.in_(item_ids), Progress.completed_at.is_not(None))) > 0


def delete_module(module: Module, actor: User) -> None:
    item_ids = [i.id for i in module.items]
    if item_ids and _has_completions(item_ids):
        raise CourseError(_("Cadres have completed items of this module: make them optional instead."))
    course_id = module.course_id
    content_changed(course_id)
    audit.record("course.module.delete", target=str(course_id), actor=actor, title=module.title)
    db.session.delete(module)
    db.session.flush()
    announce(items_changed, [course_id])
    _renumber(select(Module).where(Module.course_id == course_id).order_by(Module.position, Module.id))


def delete_item(item: Item, actor: User) -> None:
    if _has_completions([item.id]):
        raise CourseError(_("Cadres have completed this item: make it optional instead of deleting it."))
    module_id, course_id = item.module_id, item.course_id
    content_changed(course_id)
    audit.record("course.item.delete", target=str(item.course_id), actor=actor, title=item.title,
                 kind=item.kind.value)
    db.session.delete(item)
    db.session.flush()
    announce(items_changed, [course_id])
    _renumber(_items_of(module_id))


def _items_of(module_id: int):
    return select(Item).where(Item.module_id == module_id).order_by(Item.position, Item.id)


def _renumber(stmt) -> list:
    """Dense positions 0..n-1 in the current order: whatever happened before, order stays whole."""
    rows = list(db.session.scalars(stmt))
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
    db.session.flush()
    return rows


def _lock_module(module_id: int) -> Module:
    # Serializes reorders of one module on PostgreSQL (SQLite already holds the write lock).
    return db.session.scalar(select(Module).where(Module.id == module_id).with_for_update())


def move_item(item: Item, *, expected_position: int, direction: int = 0, to_module: Module | None = None) -> None:
    """Move ``item`` one step up (-1) or down (+1) in its module, or to the end of ``to_module``.

    ``expected_position`` is where the page showed the item: if it has moved since (the same
    form sent twice, or another editor), nothing changes and ``CourseError`` says so."""
    _lock_module(item.module_id)
    db.session.refresh(item)
    content_changed(item.course_id)
    if item.position != expected_position:
        raise CourseError(_("The order changed since this page was loaded. Check it and try again."))
    if to_module is not None and to_module.id != item.module_id:
        if to_module.course_id != item.course_id:
            raise CourseNotFound()
        _lock_module(to_module.id)
        old_module_id = item.module_id
        last = db.session.scalar(select(func.max(Item.position)).where(Item.module_id == to_module.id))
        item.module_id, item.position = to_module.id, (-1 if last is None else last) + 1
        db.session.flush()
        _renumber(_items_of(old_module_id))
        _renumber(_items_of(to_module.id))
        return
    rows = _renumber(_items_of(item.module_id))
    index = rows.index(item)
    target = index + (1 if direction > 0 else -1 if direction < 0 else 0)
    if target == index or not 0 <= target < len(rows):
        return
    rows[index], rows[target] = rows[target], rows[index]
    for position, row in enumerate(rows):
        row.position = position
    db.session.flush()


def move_module(module: Module, *, expected_position: int, direction: int) -> None:
    db.session.scalar(select(Course).where(Course.id == module.course_id).with_for_update())
    db.session.refresh(module)
    content_changed(module.course_id)
    if module.position != expected_position:
        raise CourseError(_("The order changed since this page was loaded. Check it and try again."))
    rows = _renumber(select(Module).where(Module.course_id == module.course_id).order_by(Module.position, Module.id))
    index = rows.index(module)
    target = index + (1 if direction > 0 else -1)
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
        for position, row in enumerate(rows):
            row.position = position
        db.session.flush()


def update_item(item: Item, *, title: str, required: bool) -> None:
    """Rename an item and set whether it counts for completion (a lesson: ``update_lesson``)."""
    title = normalize_spaces(title or "")
    if not title:
        raise CourseError(_("The title is required."))
    set_required(item, required)
    item.title = title[:255]
    content_changed(item.course_id)
    db.session.flush()


def set_required(item: Item, required: bool) -> None:
    """Whether the item counts for completion: the course's figures change with it."""
    if item.required != required:
        item.required = required
        announce(items_changed, [item.course_id])


# ---------------------------------------------------------------- lessons

_YOUTUBE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/)|youtu\.be/)"
    r"([A-Za-z0-9_-]{11})(?:[?&#].*)?$")
_MP4 = re.compile(r"^https://[^\s\"'<>]+\.mp4(?:\?[^\s\"'<>]*)?$", re.IGNORECASE)


def video_embed(url: str | None) -> tuple[str, str] | None:
    """('youtube', embed URL) or ('mp4', URL) for an accepted video link, else None."""
    url = (url or "").strip()
    if not url:
        return None
    match = _YOUTUBE.match(url)
    if match:
        return "youtube", f"https://www.youtube-nocookie.com/embed/{match.group(1)}"
    if _MP4.match(url):
        return "mp4", url
    return None


def check_video_url(url: str | None) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    if video_embed(url) is None:
        raise CourseError(_("The video link must be a YouTube address or a direct https link to an MP4 file."))
    return url


def update_lesson(item: Item, actor: User, *, title: str, body_html: str, video_url: str | None,
                  minutes: int, required: bool, complete_on_open: bool, attachment=None,
                  remove_attachment: bool = False) -> str | None:
    """Save a lesson. ``attachment`` is an ``elearn.uploads.CheckedUpload`` (already checked).
    Returns the stored name of a replaced file, for the caller to delete after commit."""
    from elearn import uploads
    from elearn.html import sanitize_html

    title = normalize_spaces(title or "")
    if not title:
        raise CourseError(_("The title is required."))
    if not 0 < (minutes or 0) <= 600:
        raise CourseError(_("Estimated minutes must be between 1 and 600."))
    lesson = item.lesson
    item.title = title
    set_required(item, required)
    content_changed(item.course_id)
    lesson.body_html = sanitize_html(body_html)
    lesson.video_url = check_video_url(video_url)
    lesson.minutes, lesson.complete_on_open = minutes, complete_on_open
    old_file = None
    if remove_attachment or attachment is not None:
        old_file = lesson.attachment_path
        lesson.attachment_path = lesson.attachment_name = lesson.attachment_type = lesson.attachment_size = None
    if attachment is not None:
        lesson.attachment_path = uploads.store(attachment)
        lesson.attachment_name, lesson.attachment_type = attachment.original_name, attachment.mime
        lesson.attachment_size = attachment.size
    audit.record("course.lesson.save", target=str(item.course_id), actor=actor, item=item.id)
    db.session.flush()
    return old_file


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
