"""Reads of the question bank for its pages and the quiz editor: questions of a category (searched,
by kind, with its subcategories, archived or not), a question's versions, and question counts.

A room of its own, as ``queries.py`` is in every package: these write nothing and decide nothing,
so the rules in ``services`` read without them. The search reads ``Question.search_text``, which
``services`` keeps (accents and case folded) with every version saved.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select

from elearn import db
from elearn.text import fold
from quizzes.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from quizzes.bank.services import category_subtree


def subtree_counts(tree: list, direct: dict[int, int]) -> dict[int, int]:
    """Questions in each category and all its subcategories, from a (category, depth) tree in
    depth-first order and the direct counts (a parent with none of its own is not "0 questions")."""
    totals = dict.fromkeys((c.id for c, _depth in tree), 0)
    parents = {c.id: c.parent_id for c, _depth in tree}
    for category_id in totals:
        node = category_id
        while node in totals:  # up to the top of what the user sees
            totals[node] += direct.get(category_id, 0)
            node = parents.get(node)
    return totals


def question_counts(category_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Live (not archived) questions directly in each category."""
    query = (select(Question.category_id, func.count()).where(Question.archived.is_(False))
             .group_by(Question.category_id))
    if category_ids is not None:
        query = query.where(Question.category_id.in_(list(category_ids)))
    return dict(db.session.execute(query).all())


def versions(question: Question) -> list[QuestionVersion]:
    return list(db.session.scalars(select(QuestionVersion).where(QuestionVersion.question_id == question.id)
                                   .order_by(QuestionVersion.number.desc())))


def question_query(category: QuestionCategory, include_subcategories: bool = False, search: str = "",
                   kind: QuestionKind | str | None = None, include_archived: bool = False) -> Select:
    query = select(Question).join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
    if include_subcategories:
        query = query.join(QuestionCategory, Question.category_id == QuestionCategory.id) \
            .where(category_subtree(category.path))
    else:
        query = query.where(Question.category_id == category.id)
    if not include_archived:
        query = query.where(Question.archived.is_(False))
    if kind:
        query = query.where(QuestionVersion.kind == QuestionKind(kind))
    for word in fold(search or "").split(" "):
        if word:  # every word, accents and case ignored; LIKE wildcards in the input are literal
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(Question.search_text.like(f"%{escaped}%", escape="\\"))
    return query.order_by(Question.id)


def list_questions(category: QuestionCategory, include_subcategories: bool = False, search: str = "",
                   kind: QuestionKind | str | None = None, include_archived: bool = False) -> list[Question]:
    return list(db.session.scalars(question_query(category, include_subcategories, search, kind,
                                                  include_archived)))
