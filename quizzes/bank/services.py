"""Question bank rules: categories (a tree, like org units) and versioned questions.

Who may touch what: a category belongs to its owner (a subcategory to the owner of its
parent). A trainer sees and edits only the categories they own; an admin, or anyone with
EDIT_ANY_COURSE, sees and edits them all. A category owned by nobody (made by the CLI)
is for those admins only.

A question's content lives in immutable ``QuestionVersion`` rows: ``update_question``
always adds a version and moves ``current_version``; a version is never changed, so an
attempt that points at one is graded and reviewed against exactly what the cadre saw.

Beside it: the bank's reads for pages (questions listed and searched, versions, counts) in
``quizzes.bank.queries``, and category paths as question files write them in ``category_paths``.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, select, update

from elearn import db
from elearn.accounts.models import User
from elearn.errors import DomainError
from elearn.html import html_to_text, sanitize_html
from elearn.permissions import Permission
from elearn.text import fold, normalize_spaces
from quizzes.bank import signals
from quizzes.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from quizzes.bank.types import InvalidQuestion, get_type

MAX_POINTS = 1000.0
MAX_NAME = 255
MAX_DEPTH = 20
MAX_TEXT = 200_000  # characters of question text or explanation, before sanitizing


class BankError(DomainError):
    """A rule of the question bank was broken; the message is shown to the user."""


# --- authorization -------------------------------------------------------------------------

def sees_all(user: User | None) -> bool:
    return user is None or user.can(Permission.EDIT_ANY_COURSE)


def can_edit_category(user: User | None, category: QuestionCategory) -> bool:
    return sees_all(user) or (user is not None and category.owner_id == user.id)


def visible_categories_query(user: User | None) -> Select:
    query = select(QuestionCategory).order_by(QuestionCategory.path)
    return query if sees_all(user) else query.where(QuestionCategory.owner_id == user.id)


# --- categories ----------------------------------------------------------------------------

def category_subtree(path: str):
    """SQL: the category at ``path`` and every category below it (one indexed range on the path)."""
    return and_(QuestionCategory.path >= path, QuestionCategory.path < path[:-1] + chr(ord("/") + 1))


def _clean_name(name: str) -> str:
    name = normalize_spaces(name or "")
    if not name:
        raise BankError(_("The category name is required."))
    if len(name) > MAX_NAME:
        raise BankError(_("The category name is too long."))
    if "/" in name:
        raise BankError(_("A category name cannot contain '/'."))
    return name


def _check_free(name: str, parent: QuestionCategory | None, owner: User | None, exclude: int | None = None) -> None:
    query = select(QuestionCategory.id).where(QuestionCategory.name == name)
    if parent is None:  # NULL parents are distinct in the unique index: top level is unique per owner
        query = query.where(QuestionCategory.parent_id.is_(None),
                            QuestionCategory.owner_id.is_(None) if owner is None
                            else QuestionCategory.owner_id == owner.id)
    else:
        query = query.where(QuestionCategory.parent_id == parent.id)
    if exclude is not None:
        query = query.where(QuestionCategory.id != exclude)
    if db.session.scalar(query.limit(1)) is not None:
        raise BankError(_("A category named %(name)s already exists here.", name=name))


def create_category(name: str, parent: QuestionCategory | None = None, owner: User | None = None,
                    description: str = "") -> QuestionCategory:
    """A new category; under ``parent`` it belongs to the parent's owner."""
    name = _clean_name(name)
    if parent is not None:
        if parent.path.count("/") > MAX_DEPTH:
            raise BankError(_("Categories cannot be nested that deep."))
        owner_id = parent.owner_id
    else:
        owner_id = owner.id if owner is not None else None
    _check_free(name, parent, owner if parent is None else None)
    category = QuestionCategory(name=name, parent=parent, owner_id=owner_id, path="",
                                description=normalize_spaces(description or "")[:2000])
    db.session.add(category)
    db.session.flush()  # the id is part of the path
    category.path = (parent.path if parent else "/") + f"{category.id}/"
    db.session.flush()
    return category


def rename_category(category: QuestionCategory, name: str, description: str | None = None) -> None:
    name = _clean_name(name)
    _check_free(name, category.parent, _owner_of(category), exclude=category.id)
    category.name = name
    if description is not None:
        category.description = normalize_spaces(description)[:2000]
    db.session.flush()


def _owner_of(category: QuestionCategory) -> User | None:
    return db.session.get(User, category.owner_id) if category.owner_id else None


def move_category(category: QuestionCategory, new_parent: QuestionCategory | None) -> int:
    """Move a category with its subtree (top level when ``new_parent`` is None); returns how many moved.

    The moved subtree takes the owner of its new parent.
    """
    if new_parent is not None and new_parent.path.startswith(category.path):
        raise BankError(_("A category cannot be moved under itself or one of its subcategories."))
    if new_parent is not None and new_parent.path.count("/") + category_depth_below(category) > MAX_DEPTH:
        raise BankError(_("Categories cannot be nested that deep."))
    _check_free(category.name, new_parent, _owner_of(category), exclude=category.id)
    old_prefix = category.path
    new_prefix = (new_parent.path if new_parent else "/") + f"{category.id}/"
    owner_id = new_parent.owner_id if new_parent is not None else category.owner_id
    category.parent = new_parent
    db.session.flush()
    # One statement rewrites every path in the subtree (old prefix -> new prefix).
    moved = db.session.execute(
        update(QuestionCategory).where(category_subtree(old_prefix))
        .values(path=new_prefix + func.substr(QuestionCategory.path, len(old_prefix) + 1), owner_id=owner_id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire_all()
    signals.announce()
    return moved


def category_depth_below(category: QuestionCategory) -> int:
    """How many levels the subtree adds below the category itself (0 for a leaf)."""
    paths = db.session.scalars(select(QuestionCategory.path).where(category_subtree(category.path))).all()
    return max(p.count("/") for p in paths) - category.path.count("/")


def delete_category(category: QuestionCategory) -> None:
    """Only an empty category (no subcategories, no questions) can be deleted."""
    if db.session.scalar(select(QuestionCategory.id).where(QuestionCategory.parent_id == category.id).limit(1)) \
            or db.session.scalar(select(Question.id).where(Question.category_id == category.id).limit(1)):
        raise BankError(_("Only an empty category can be deleted."))
    db.session.delete(category)
    db.session.flush()
    signals.announce()




# --- questions -----------------------------------------------------------------------------

_HTML_FIELDS = {
    QuestionKind.SINGLE: ("choices", ("html", "feedback")),
    QuestionKind.MULTIPLE: ("choices", ("html", "feedback")),
    QuestionKind.SHORTANSWER: ("answers", ("feedback",)),
    QuestionKind.NUMERICAL: ("answers", ("feedback",)),
    QuestionKind.MATCHING: ("pairs", ("prompt", "answer")),
}


def clean_data(kind: QuestionKind, data: dict[str, Any]) -> dict[str, Any]:
    """Validate, sanitize every HTML field, validate again (sanitizing may empty a choice)."""
    qtype = get_type(kind)
    data = qtype.validate(data)
    if kind in _HTML_FIELDS:
        key, fields = _HTML_FIELDS[kind]
        data[key] = [{**item, **{f: sanitize_html(item[f]) for f in fields}} for item in data[key]]
    elif kind == QuestionKind.TRUEFALSE:
        data = {**data, "feedback_true": sanitize_html(data["feedback_true"]),
                "feedback_false": sanitize_html(data["feedback_false"])}
    if data.get("other_feedback"):  # numerical: the feedback for any other answer (Moodle's '*')
        data = {**data, "other_feedback": sanitize_html(data["other_feedback"])}
    return qtype.validate(data)


def clean_tags(tags: Iterable[str] | str) -> str:
    if isinstance(tags, str):
        tags = tags.split(",")
    seen: list[str] = []
    for tag in tags:
        tag = normalize_spaces(str(tag)).lower()
        if tag and tag not in seen:
            seen.append(tag)
    joined = ",".join(seen)
    if len(joined) > 500:
        raise BankError(_("Too many tags."))
    return joined


def _version(question: Question, number: int, kind: QuestionKind | str, text_html: str, name: str,
             points: float, general_feedback_html: str, data: dict[str, Any], user: User | None) -> QuestionVersion:
    try:
        kind = QuestionKind(kind)
    except ValueError:
        raise BankError(_("Unknown question type.")) from None
    if len(text_html or "") > MAX_TEXT or len(general_feedback_html or "") > MAX_TEXT:
        raise BankError(_("The question text is too long."))
    text_html = sanitize_html(text_html)
    if not html_to_text(text_html) and "<img" not in text_html:
        raise BankError(_("The question text is required."))
    name = normalize_spaces(name or "")[:MAX_NAME]
    try:
        points = float(points)
    except (TypeError, ValueError):
        raise BankError(_("The points must be a number.")) from None
    if kind == QuestionKind.DESCRIPTION:
        points = 0.0  # text only: nothing to earn
    elif not 0 < points <= MAX_POINTS:
        raise BankError(_("The points must be more than 0 and at most %(max)d.", max=int(MAX_POINTS)))
    try:
        data = clean_data(kind, data if data is not None else {})
    except InvalidQuestion as error:
        raise BankError(str(error)) from None
    return QuestionVersion(question=question, number=number, kind=kind, name=name, text_html=text_html,
                           points=points, general_feedback_html=sanitize_html(general_feedback_html),
                           data=data, created_by_id=user.id if user is not None else None)


def _index(question: Question, version: QuestionVersion) -> None:
    text = " ".join((version.name, html_to_text(version.text_html), question.tags.replace(",", " ")))
    question.search_text = fold(text)[:20000]


def create_question(category: QuestionCategory, kind: QuestionKind | str, text_html: str, *, name: str = "",
                    points: float = 1.0, general_feedback_html: str = "", data: dict[str, Any],
                    tags: Iterable[str] | str = (), user: User | None) -> Question:
    """A new question with its version 1 (every HTML field sanitized, data validated by its type)."""
    question = Question(category=category, tags=clean_tags(tags), created_by_id=user.id if user else None)
    version = _version(question, 1, kind, text_html, name, points, general_feedback_html, data, user)
    db.session.add_all([question, version])
    db.session.flush()
    question.current_version = version
    _index(question, version)
    db.session.flush()
    signals.announce()
    return question


_KEEP: Any = object()


def update_question(question: Question, *, kind: QuestionKind | str | None = None, text_html: str | None = None,
                    name: str | None = None, points: float | None = None, general_feedback_html: str | None = None,
                    data: dict[str, Any] | None = None, tags: Iterable[str] | str | None = None,
                    category: QuestionCategory | None = None, user: User | None) -> QuestionVersion:
    """Add a new version (arguments left out keep the current value) and make it current."""
    current = question.current_version
    assert current is not None, "a question always has a version"
    if tags is not None:
        question.tags = clean_tags(tags)
    if category is not None:
        question.category = category
    # Two editors saving at once: the row lock makes the second wait and take the next number.
    db.session.execute(select(Question.id).where(Question.id == question.id).with_for_update())
    number = (db.session.scalar(select(func.max(QuestionVersion.number))
                                .where(QuestionVersion.question_id == question.id)) or 0) + 1
    version = _version(
        question, number, kind if kind is not None else current.kind,
        text_html if text_html is not None else current.text_html,
        name if name is not None else current.name, points if points is not None else current.points,
        general_feedback_html if general_feedback_html is not None else current.general_feedback_html,
        data if data is not None else current.data, user)
    db.session.add(version)
    db.session.flush()
    question.current_version = version
    _index(question, version)
    db.session.flush()
    signals.announce()
    return version


def archive_question(question: Question, archived: bool = True) -> None:
    """Hide a question from new quizzes (or bring it back); its versions stay for history."""
    question.archived = archived
    db.session.flush()
    signals.announce()
