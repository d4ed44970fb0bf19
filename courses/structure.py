"""Course structure: modules and their items (add, rename, delete, reorder, required or optional).

A room of its own because its rules are about order and history rather than the course's settings:
positions stay dense (0..n-1) whatever happened before, a reorder answers "the order changed" when the
page was stale, and nothing a cadre has completed is deleted (make it optional instead). Every change
recomputes the cached outline (``services.content_changed``) and announces ``items_changed`` when the
course's figures move. The lesson's own content is saved by ``courses.lessons``.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from courses.models import Course, Item, ItemKind, Lesson, Module
from courses.services import CourseError, CourseNotFound, content_changed
from courses.signals import announce, items_changed
from elearn import audit, db
from elearn.accounts.models import User
from elearn.text import normalize_spaces


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
