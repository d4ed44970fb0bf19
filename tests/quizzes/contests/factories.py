"""Contest test data: a bank category of questions, a contest with a round, answers right or wrong."""
from __future__ import annotations

import re
from datetime import timedelta

from elearn import db
from elearn.db import utcnow
from elearn.permissions import Role
from quizzes.bank.models import QuestionKind
from quizzes.contests import entries, services
from tests.factories import make_user
from tests.quizzes.bank.factories import make_category, make_question

MULTI = {"all_or_nothing": True, "choices": [
    {"html": "Cần", "fraction": 0.5}, {"html": "Kiệm", "fraction": 0.5}, {"html": "Xa hoa", "fraction": -1}]}
WORDS = {"không": 0, "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
         "chín": 9, "mười": 10}


def make_pool(owner, singles: int = 11, multiples: int = 1):
    category = make_category(f"Thi {utcnow().timestamp()}", owner=owner)
    for i in range(singles):
        make_question(category, text=f"<p>Câu hỏi một đáp án {i}?</p>", user=owner)
    for i in range(multiples):
        make_question(category, kind=QuestionKind.MULTIPLE, text=f"<p>Câu hỏi nhiều đáp án {i}?</p>",
                      data=MULTI, user=owner)
    return category


def make_contest(organiser=None, *, questions: int = 10, opens=-60, closes=60, limit_minutes=10, singles=11,
                 multiples=1, **values):
    """A published contest with one round open from ``opens`` to ``closes`` minutes from now."""
    organiser = organiser or make_user(roles=[Role.TRAINER])
    category = make_pool(organiser, singles, multiples)
    now = utcnow()
    contest = services.create_contest(organiser, {
        "title": "Cuộc thi thử", "starts_at": now - timedelta(days=30), "ends_at": now + timedelta(days=30),
        "status": services.ContestStatus.PUBLISHED, **values})
    r = services.add_round(contest, organiser, {
        "opens_at": now + timedelta(minutes=opens), "closes_at": now + timedelta(minutes=closes),
        "question_count": questions, "time_limit_minutes": limit_minutes, "category_ids": [category.id]})
    db.session.commit()
    return contest, r


def right_answers(entry, wrong: int = 0) -> dict[str, list[str]]:
    """Every drawn question answered correctly, except the first ``wrong`` ones."""
    answers = {}
    for i, (version, _shown) in enumerate(entries.entry_questions(entry)):
        good = [c["id"] for c in version.data["choices"] if c["fraction"] > 0]
        bad = [c["id"] for c in version.data["choices"] if c["fraction"] <= 0]
        answers[str(version.id)] = bad[:1] if i < wrong else good
    return answers


def form_answers(entry, wrong: int = 0) -> dict[str, list[str]]:
    """``right_answers`` as the entry page posts them: ``q<number>`` with the entry's choice tokens."""
    from quizzes import tokens

    data = {}
    for number, chosen in enumerate(right_answers(entry, wrong).values(), 1):
        toks = tokens.Tokens(tokens.entry_scope(entry.id, number))
        data[f"q{number}"] = [toks.token(tokens.CHOICE, c) for c in chosen]
    return data


def solve(question: str) -> str:
    """Answer the registration check question as a person would ('Bảy cộng năm bằng bao nhiêu?')."""
    words = re.findall(r"\w+", question.lower())
    numbers = [WORDS[w] for w in words[:words.index("cộng") + 2] if w in WORDS]
    return str(sum(numbers))
