"""Quiz authoring: a quiz item in a module, its settings, and the questions it asks.

Attempts live in ``quizzes.attempts``, scoring in ``quizzes.grading``, reports in
``quizzes.statistics``. Services flush, never commit; errors are ``QuizError``.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from courses import services as courses
from courses import structure
from courses.models import Course, Item, ItemKind, Module
from elearn import db
from elearn.accounts.models import User
from elearn.errors import DomainError
from elearn.html import sanitize_html
from elearn.units.models import subtree_of
from quizzes.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from quizzes.bank.types import get_type
from quizzes.models import GradingMethod, Quiz, QuizSlot, ReviewShows, ReviewWhen

MAX_TIME_LIMIT_MINUTES = 24 * 60
MAX_DRAW = 200
# Essays and descriptions need a human: a quiz asks only what it can grade itself.
GRADED_KINDS = tuple(k for k in QuestionKind if get_type(k).auto_graded)


class QuizError(DomainError):
    """A quiz rule was broken; the message (Vietnamese in the UI) is shown to the user."""


class QuizNotFound(QuizError, NotFound):
    """Not there, or not the user's: the same 404 either way."""

    def __init__(self) -> None:
        QuizError.__init__(self, _("Not found."))
        NotFound.__init__(self)


SETTINGS = ("intro_html", "shuffle_questions", "shuffle_choices", "time_limit_minutes", "opens_at", "closes_at",
            "attempts_allowed", "grading_method", "pass_percent", "per_page", "review_shows", "review_when")


# Its course comes in the same statement: every quiz page and start asks whether it is open. Built once,
# as the course lookups (courses.services).
_QUIZ = select(Quiz).options(joinedload(Quiz.item).joinedload(Item.course)).where(Quiz.item_id == bindparam("item_id"))


def get_quiz(item_id: int) -> Quiz:
    quiz = db.session.scalar(_QUIZ, {"item_id": item_id})
    if quiz is None:
        raise QuizNotFound()
    return quiz


def course_of(quiz: Quiz) -> Course:
    return quiz.item.course


def can_edit(user: User, quiz: Quiz) -> bool:
    return courses.can_edit(user, course_of(quiz))


def get_quiz_for_edit(item_id: int, user: User) -> Quiz:
    """The quiz if ``user`` may edit its course; else 404 (its existence is not confirmed)."""
    quiz = get_quiz(item_id)
    courses.get_course_for_edit(quiz.item.course_id, user)
    return quiz


def _check_settings(s: dict) -> dict:
    if s.get("time_limit_minutes") is not None and not 1 <= s["time_limit_minutes"] <= MAX_TIME_LIMIT_MINUTES:
        raise QuizError(_("The time limit must be between 1 and %(n)d minutes.", n=MAX_TIME_LIMIT_MINUTES))
    opens, closes = s.get("opens_at"), s.get("closes_at")
    if opens and closes and closes <= opens:
        raise QuizError(_("The close time must be after the open time."))
    if not 0 <= s.get("attempts_allowed", 0) <= 100:
        raise QuizError(_("Attempts allowed must be between 0 (unlimited) and 100."))
    if not 0 <= s.get("pass_percent", 50) <= 100:
        raise QuizError(_("The pass mark must be between 0 and 100 percent."))
    if not 0 <= s.get("per_page", 1) <= 100:
        raise QuizError(_("Questions per page must be between 0 (all) and 100."))
    for key, enum_cls in (("grading_method", GradingMethod), ("review_shows", ReviewShows),
                          ("review_when", ReviewWhen)):
        if key in s:
            s[key] = enum_cls(s[key])
    if "intro_html" in s:
        s["intro_html"] = sanitize_html(s["intro_html"])
    return s


def create_quiz_item(module: Module, user: User, title: str, *, required: bool = True, **settings) -> Quiz:
    """A new quiz item at the end of ``module`` (the user must be able to edit its course)."""
    courses.get_course_for_edit(module.course_id, user)
    unknown = set(settings) - set(SETTINGS)
    assert not unknown, unknown
    settings = _check_settings(dict(settings))
    try:
        item = structure.add_item(module, ItemKind.QUIZ, title, required=required)
    except courses.CourseError as error:
        raise QuizError(str(error)) from error
    quiz = Quiz(item_id=item.id, **settings)
    db.session.add(quiz)
    db.session.flush()
    return quiz


def update_quiz(quiz: Quiz, *, title: str | None = None, required: bool | None = None, **settings) -> Quiz:
    merged = {key: getattr(quiz, key) for key in SETTINGS}
    merged.update(settings)
    merged = _check_settings(merged)
    for key in settings:
        setattr(quiz, key, merged[key])
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise QuizError(_("The title is required."))
        quiz.item.title = title[:255]
    if required is not None:
        structure.set_required(quiz.item, required)
    if title is not None or required is not None:
        courses.content_changed(quiz.item.course_id)
    db.session.flush()
    return quiz


def _next_position(quiz: Quiz) -> int:
    last = db.session.scalar(select(func.max(QuizSlot.position)).where(QuizSlot.quiz_id == quiz.item_id))
    return 0 if last is None else last + 1


def add_fixed_questions(quiz: Quiz, questions: list[Question]) -> list[QuizSlot]:
    """Append questions (each once per quiz, each of a kind the quiz can grade)."""
    have = set(db.session.scalars(select(QuizSlot.question_id).where(
        QuizSlot.quiz_id == quiz.item_id, QuizSlot.question_id.is_not(None))))
    added, position = [], _next_position(quiz)
    for question in questions:
        if question.id in have:
            continue
        if question.current_version is None or question.current_version.kind not in GRADED_KINDS:
            raise QuizError(_("Question %(name)s cannot be graded automatically, so it cannot be in a quiz.",
                              name=question.current_version.name if question.current_version else question.id))
        slot = QuizSlot(quiz_id=quiz.item_id, position=position, question_id=question.id)
        db.session.add(slot)
        added.append(slot)
        have.add(question.id)
        position += 1
    db.session.flush()
    return added


def candidates_query(category: QuestionCategory, include_subcategories: bool):
    """Ids of (question, current version) that a random slot may draw from."""
    query = (select(Question.id, Question.current_version_id)
             .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
             .where(Question.archived.is_(False), QuestionVersion.kind.in_(GRADED_KINDS)))
    if include_subcategories:
        query = query.join(QuestionCategory, QuestionCategory.id == Question.category_id) \
            .where(subtree_of(category.path, QuestionCategory.path))
    else:
        query = query.where(Question.category_id == category.id)
    return query.order_by(Question.id)


def available_count(category: QuestionCategory, include_subcategories: bool) -> int:
    return db.session.scalar(select(func.count()).select_from(
        candidates_query(category, include_subcategories).order_by(None).subquery()))


def add_random_slot(quiz: Quiz, category: QuestionCategory, count: int, include_subcategories: bool = True) -> QuizSlot:
    if not 1 <= count <= MAX_DRAW:
        raise QuizError(_("The number of questions to draw must be between 1 and %(n)d.", n=MAX_DRAW))
    available = available_count(category, include_subcategories)
    if available < count:
        raise QuizError(_("Category %(name)s has only %(n)d questions that can be graded automatically.",
                          name=category.name, n=available))
    slot = QuizSlot(quiz_id=quiz.item_id, position=_next_position(quiz), category_id=category.id, count=count,
                    include_subcategories=include_subcategories)
    db.session.add(slot)
    db.session.flush()
    return slot


def remove_slot(quiz: Quiz, slot_id: int) -> None:
    slot = db.session.get(QuizSlot, slot_id)
    if slot is None or slot.quiz_id != quiz.item_id:
        raise QuizNotFound()
    db.session.delete(slot)
    db.session.flush()


def question_count(quiz: Quiz) -> int:
    return sum(1 if s.question_id else s.count for s in quiz.slots)


def is_open(quiz: Quiz, at: datetime) -> bool:
    return (quiz.opens_at is None or quiz.opens_at <= at) and (quiz.closes_at is None or at < quiz.closes_at)


def get_module(module_id: int) -> Module:
    module = db.session.get(Module, module_id)
    if module is None:
        raise QuizNotFound()
    return module
