"""Question bank test data: ``make_category``, ``make_question`` (committed)."""
from __future__ import annotations

from elearn import db
from quizzes.bank import services
from quizzes.bank.models import QuestionKind

SINGLE = {"choices": [{"html": "Đúng", "fraction": 1, "feedback": "Chính xác"}, {"html": "Sai", "fraction": 0}]}


def make_category(name: str = "Danh mục", parent=None, owner=None):
    category = services.create_category(name, parent, owner)
    db.session.commit()
    return category


def make_question(category, kind=QuestionKind.SINGLE, text="<p>Câu hỏi?</p>", data=None, user=None, **fields):
    question = services.create_question(category, kind, text, data=SINGLE if data is None else data,
                                        user=user, **fields)
    db.session.commit()
    return question
