"""Read side for cadres: "My courses", the outline, resume, the catalog.

Each page is a fixed number of queries whatever the number of courses and items:
counts are grouped in SQL, never computed by walking relationships.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select

from courses.models import Course, CourseStatus, Enrollment, Item, ItemKind, Lesson, Module, Progress
from elearn import cache, db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.text import fold

VISIBLE = (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED)  # what an enrolled cadre may still open


@dataclass
class CourseCard:
    enrollment: Enrollment
    course: Course
    required: int
    done: int

    @property
    def percent(self) -> int:
        if not self.required:
            return 100 if self.enrollment.completed_at else 0
        return round(100 * self.done / self.required)

    @property
    def overdue(self) -> bool:
        e = self.enrollment
        return e.completed_at is None and e.due_at is not None and e.due_at < utcnow()


# Built once, as the course lookups (courses.services): a cadre's home page runs both.
_MY_ENROLLMENTS = select(Enrollment, Course).join(Course, Course.id == Enrollment.course_id).where(
    Enrollment.user_id == bindparam("user_id"), Enrollment.unenrolled_at.is_(None), Course.status.in_(VISIBLE))
_REQUIRED_COUNTS = (
    select(Item.course_id, func.count(Item.id), func.count(Progress.completed_at))
    .outerjoin(Progress, and_(Progress.item_id == Item.id, Progress.user_id == bindparam("user_id")))
    .where(Item.course_id.in_(bindparam("course_ids", expanding=True)), Item.required.is_(True))
    .group_by(Item.course_id))


def my_courses(user: User) -> list[CourseCard]:
    """Active enrolments on visible courses, with required/done counts: two queries."""
    rows = db.session.execute(_MY_ENROLLMENTS, {"user_id": user.id}).all()
    counts = _required_counts(user, [c.id for _, c in rows])
    cards = [CourseCard(e, c, *counts.get(c.id, (0, 0))) for e, c in rows]
    # Unfinished first, nearest due date first, then by title.
    far = datetime.max.replace(tzinfo=utcnow().tzinfo)
    cards.sort(key=lambda k: (k.enrollment.completed_at is not None, k.enrollment.due_at or far, k.course.title))
    return cards


def _required_counts(user: User, course_ids: list[int]) -> dict[int, tuple[int, int]]:
    if not course_ids:
        return {}
    rows = db.session.execute(_REQUIRED_COUNTS, {"user_id": user.id, "course_ids": course_ids}).all()
    return {course_id: (total, done) for course_id, total, done in rows}


# The shared part of a course (its modules, items, titles, lesson texts) is the same for everyone
# who may see it: cached per course in ``elearn.cache`` under ``course_ns(course_id)``, invalidated
# by the services that write courses, modules, items and lessons. Progress is never cached.

def course_ns(course_id: int) -> str:
    return f"course:{course_id}"


CATALOG_NS = "catalog"


@dataclass(frozen=True)
class ModuleRow:
    id: int
    course_id: int
    title: str
    position: int


@dataclass(frozen=True)
class ItemRow:
    """An item as the outline shows it (the attributes templates read from an ``Item``)."""
    id: int
    course_id: int
    module_id: int
    kind: ItemKind
    title: str
    position: int
    required: bool
    minutes: int | None


@dataclass(frozen=True)
class LessonRow:
    """A lesson's content as the lesson page shows it (``body_html`` was sanitized when saved)."""
    item_id: int
    body_html: str
    video_url: str | None
    attachment_name: str | None
    attachment_path: str | None
    attachment_type: str | None
    attachment_size: int | None
    minutes: int
    complete_on_open: bool


def _load_structure(course_id: int) -> list[tuple[ModuleRow, list[ItemRow]]]:
    modules = {m.id: (ModuleRow(m.id, m.course_id, m.title, m.position), []) for m in db.session.execute(
        select(Module.id, Module.course_id, Module.title, Module.position)
        .where(Module.course_id == course_id).order_by(Module.position, Module.id))}
    rows = db.session.execute(
        select(Item.id, Item.course_id, Item.module_id, Item.kind, Item.title, Item.position, Item.required,
               Lesson.minutes)
        .outerjoin(Lesson, Lesson.item_id == Item.id)
        .where(Item.course_id == course_id).order_by(Item.position, Item.id))
    for row in rows:
        if row.module_id in modules:
            modules[row.module_id][1].append(ItemRow(*row))
    return list(modules.values())


def structure(course_id: int, fresh: bool = False) -> list[tuple[ModuleRow, list[ItemRow]]]:
    """Modules and their items in order: cached (two queries when not); ``fresh`` reads the database."""
    if fresh:
        return _load_structure(course_id)
    return cache.cached(course_ns(course_id), "outline", lambda: _load_structure(course_id))


def lesson_content(item: Item) -> LessonRow | None:
    """The lesson of ``item`` from the cache (one query when not cached)."""
    def load():
        lesson = db.session.get(Lesson, item.id)
        if lesson is None:
            return None
        return LessonRow(lesson.item_id, lesson.body_html, lesson.video_url, lesson.attachment_name,
                         lesson.attachment_path, lesson.attachment_type, lesson.attachment_size, lesson.minutes,
                         lesson.complete_on_open)
    return cache.cached(course_ns(item.course_id), f"lesson:{item.id}", load)


@dataclass
class OutlineItem:
    item: ItemRow
    minutes: int | None
    progress: Progress | None = None

    @property
    def done(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None


@dataclass
class OutlineModule:
    module: ModuleRow
    items: list[OutlineItem] = field(default_factory=list)


_PROGRESS_OF = select(Progress).where(Progress.user_id == bindparam("user_id"), Progress.course_id == bindparam("course_id"))


def progress_of(user: User, course_id: int) -> dict[int, Progress]:
    """The user's progress rows on a course, by item id: one query."""
    return {p.item_id: p for p in db.session.scalars(_PROGRESS_OF, {"user_id": user.id, "course_id": course_id})}


def outline(course: Course, user: User | None = None, *, fresh: bool = False) -> list[OutlineModule]:
    """Modules with their items (cached, see ``structure``) and ``user``'s progress on each (one query)."""
    progress = progress_of(user, course.id) if user is not None else {}
    return [OutlineModule(module, [OutlineItem(i, i.minutes, progress.get(i.id)) for i in items])
            for module, items in structure(course.id, fresh)]


def first_unfinished(modules: list[OutlineModule]) -> ItemRow | None:
    """Where to resume: the first required item not done, else the first item not done."""
    flat = [oi for om in modules for oi in om.items]
    for oi in flat:
        if oi.item.required and not oi.done:
            return oi.item
    for oi in flat:
        if not oi.done:
            return oi.item
    return flat[0].item if flat else None


def neighbours(modules: list[tuple[ModuleRow, list[ItemRow]]], item_id: int) -> tuple[ItemRow | None, ItemRow | None]:
    """The items before and after ``item_id`` in a course ``structure``."""
    flat = [item for _module, items in modules for item in items]
    ids = [i.id for i in flat]
    if item_id not in ids:
        return None, None
    at = ids.index(item_id)
    return (flat[at - 1] if at > 0 else None), (flat[at + 1] if at + 1 < len(flat) else None)


@dataclass(frozen=True)
class CatalogRow:
    id: int
    slug: str
    title: str
    theme: str
    year: int | None
    summary: str


def catalog(q: str = "", theme: str = "", year: int | None = None, limit: int = 200) -> list[CatalogRow]:
    """Published courses; ``q`` matches accent- and case-insensitively (every word must appear).
    Without a search, for a theme and year that exist, the list comes from the cache."""
    words = fold(q or "").split()[:8]
    if words:
        return _catalog(words, theme, year, limit)
    themes, years = catalog_filters()
    if (theme and theme not in themes) or (year and year not in years):
        return []  # nothing published has it (and arbitrary input never fills the cache)
    return cache.cached(CATALOG_NS, f"list:{theme}:{year or ''}:{limit}", lambda: _catalog([], theme, year, limit))


def _catalog(words: list[str], theme: str, year: int | None, limit: int) -> list[CatalogRow]:
    stmt = select(Course.id, Course.slug, Course.title, Course.theme, Course.year, Course.summary).where(
        Course.status == CourseStatus.PUBLISHED)
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Course.search_text.like(f"%{escaped}%", escape="\\"))
    if theme:
        stmt = stmt.where(Course.theme == theme)
    if year:
        stmt = stmt.where(Course.year == year)
    return [CatalogRow(*row) for row in db.session.execute(stmt.order_by(Course.year.desc(), Course.title).limit(limit))]


def catalog_filters() -> tuple[list[str], list[int]]:
    """Themes and years of published courses (cached)."""
    def load():
        published = Course.status == CourseStatus.PUBLISHED
        themes = list(db.session.scalars(select(Course.theme).distinct().where(published, Course.theme != "")
                                         .order_by(Course.theme)))
        years = list(db.session.scalars(select(Course.year).distinct().where(published, Course.year.is_not(None))
                                        .order_by(Course.year.desc())))
        return themes, years
    return cache.cached(CATALOG_NS, "filters", load)


def enrolled_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(Enrollment.course_id).where(
        Enrollment.user_id == user.id, Enrollment.unenrolled_at.is_(None))))


def course_stats(course_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """Per course: modules, items, enrolled (active), completed — for the CLI and trainer lists."""
    def grouped(stmt, key):
        if course_ids is not None:
            stmt = stmt.where(key.in_(course_ids))
        return dict(db.session.execute(stmt.group_by(key)).all())

    modules = grouped(select(Module.course_id, func.count(Module.id)), Module.course_id)
    items = grouped(select(Item.course_id, func.count(Item.id)), Item.course_id)
    active = Enrollment.unenrolled_at.is_(None)
    enrolled = grouped(select(Enrollment.course_id, func.count(Enrollment.id)).where(active), Enrollment.course_id)
    completed = grouped(select(Enrollment.course_id, func.count(Enrollment.id))
                        .where(active, Enrollment.completed_at.is_not(None)), Enrollment.course_id)
    ids = course_ids if course_ids is not None else set(modules) | set(items) | set(enrolled)
    return {cid: {"modules": modules.get(cid, 0), "items": items.get(cid, 0), "enrolled": enrolled.get(cid, 0),
                  "completed": completed.get(cid, 0)} for cid in ids}


def authored_courses(user: User, any_course: bool) -> list[Course]:
    from courses.models import CourseEditor

    stmt = select(Course)
    if not any_course:
        granted = select(CourseEditor.course_id).where(CourseEditor.user_id == user.id)
        stmt = stmt.where(or_(Course.owner_id == user.id, Course.id.in_(granted)))
    return list(db.session.scalars(stmt.order_by(Course.updated_at.desc())))
