"""The demo question bank: enough original questions, several types, valid, idempotent."""
from collections import Counter

from sqlalchemy import func, select

from elearn import db
from elearn.demo import demo_user, load_demo
from quizzes.bank import category_paths, demo, queries
from quizzes.bank.models import Question, QuestionKind, QuestionVersion
from quizzes.bank.types import get_type


def test_demo_bank_is_loaded_once_with_many_kinds(app):
    load_demo()
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(Question))
    assert count >= 40
    load_demo()  # idempotent
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Question)) == count
    kinds = Counter(db.session.scalars(select(QuestionVersion.kind).join(
        Question, Question.current_version_id == QuestionVersion.id)))
    for kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUEFALSE, QuestionKind.SHORTANSWER,
                 QuestionKind.NUMERICAL, QuestionKind.MATCHING):
        assert kinds[kind] >= 2, kind
    trainer = demo_user("giangvien")
    for name in demo.CATEGORIES:
        category = category_paths.find_category_path(name, trainer)
        assert category is not None and queries.list_questions(category)
    # The key of every question is what its right answer earns.
    for q in db.session.scalars(select(Question)):
        v = q.current_version
        qtype = get_type(v.kind)
        if v.kind == QuestionKind.SINGLE:
            best = next(c["id"] for c in v.data["choices"] if c["fraction"] == 1)
            assert qtype.grade(v.data, {"choice": best}) == 1.0
        elif v.kind == QuestionKind.MULTIPLE:
            right = [c["id"] for c in v.data["choices"] if c["fraction"] > 0]
            assert qtype.grade(v.data, {"choices": right}) == 1.0
    history = db.session.scalar(select(func.max(QuestionVersion.number)))
    assert history == 2
