"""Demo quizzes: one final quiz in each demo course, drawing from the demo question bank,
and demo cadres with finished attempts (some passed, which completes their course).

Idempotent: a course that already has a quiz item gets no second one; a cadre who already
has an attempt on a quiz gets no more. Runs after the courses and bank demos.
"""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from courses import enrolment
from courses import services as courses
from courses.models import Course, Item, Module
from elearn import db
from elearn.db import utcnow
from elearn.demo import demo_user
from quizzes import answering, attempts, services
from quizzes.bank import category_paths
from quizzes.bank import demo as bank_demo
from quizzes.bank.models import QuestionKind, QuestionVersion
from quizzes.models import Quiz

# Course slug -> the bank categories its quiz draws from (the first demo theme otherwise).
DRAWS = {
    "chuyen-de-2023-hoc-tap-va-lam-theo-bac": [(bank_demo.HCM, 6), (bank_demo.NTTT, 2)],
    "bao-ve-nen-tang-tu-tuong-cua-dang": [(bank_demo.NTTT, 6)],
    "ky-nang-cong-tac-tuyen-truyen": [(bank_demo.SKILLS, 5)],
}
# (username, course slug, share of questions answered right)
ATTEMPTS = [
    ("hang.nguyen", "chuyen-de-2023-hoc-tap-va-lam-theo-bac", 1.0),
    ("quanly.vuthu", "chuyen-de-2023-hoc-tap-va-lam-theo-bac", 0.8),
    ("luong.tran", "chuyen-de-2023-hoc-tap-va-lam-theo-bac", 0.4),
    ("khoa.hoang", "bao-ve-nen-tang-tu-tuong-cua-dang", 1.0),
    ("tuan.vu", "bao-ve-nen-tang-tu-tuong-cua-dang", 0.3),
    ("yen.ngo", "ky-nang-cong-tac-tuyen-truyen", 0.8),
]


def right_response(version: QuestionVersion) -> dict | None:
    """A fully right answer to ``version`` (demo data only: built from the key)."""
    data, kind = version.data, version.kind
    if kind == QuestionKind.SINGLE:
        return {"choice": max(data["choices"], key=lambda c: c["fraction"])["id"]}
    if kind == QuestionKind.MULTIPLE:
        return {"choices": [c["id"] for c in data["choices"] if c["fraction"] > 0]}
    if kind == QuestionKind.TRUEFALSE:
        return {"value": data["answer"]}
    if kind == QuestionKind.SHORTANSWER:
        return {"text": max(data["answers"], key=lambda a: a["fraction"])["text"]}
    if kind == QuestionKind.NUMERICAL:
        return {"value": str(data["answers"][0]["value"]).replace(".", ",")}
    if kind == QuestionKind.MATCHING:
        first_id = {}
        for pair in data["pairs"]:
            first_id.setdefault(pair["answer"], pair["id"])
        return {"pairs": {p["id"]: first_id[p["answer"]] for p in data["pairs"] if p["prompt"]}}
    return None


def _quiz_of(course: Course) -> Quiz | None:
    return db.session.scalar(select(Quiz).join(Item, Item.id == Quiz.item_id).where(Item.course_id == course.id))


def _add_quiz(course: Course, trainer) -> Quiz | None:
    module = db.session.scalar(select(Module).where(Module.course_id == course.id)
                               .order_by(Module.position.desc()).limit(1))
    draws = DRAWS.get(course.slug, [(bank_demo.HCM, 5)])
    categories = [(category_paths.find_category_path(name, trainer), n) for name, n in draws]
    if module is None or any(c is None for c, _n in categories):
        return None
    quiz = services.create_quiz_item(
        module, trainer, "Bài kiểm tra cuối khóa", time_limit_minutes=20, attempts_allowed=3, pass_percent=60,
        per_page=1, shuffle_questions=True, shuffle_choices=True,
        intro_html="<p>Bài kiểm tra gồm các câu hỏi rút ngẫu nhiên từ ngân hàng câu hỏi của chuyên đề. "
                   "Đạt từ 60% trở lên để hoàn thành khóa học.</p>")
    for category, count in categories:
        available = services.available_count(category, True)
        if available:
            services.add_random_slot(quiz, category, min(count, available), include_subcategories=True)
    return quiz


def _finished_attempt(quiz: Quiz, username: str, share: float, rng: random.Random, days_ago: int) -> None:
    user = demo_user(username)
    if attempts.attempts_of(quiz, user):
        return
    course = services.course_of(quiz)
    if courses.get_enrollment(user, course) is None:
        enrolment.enroll(user, course)
    start = utcnow() - timedelta(days=days_ago, minutes=30)
    attempt = attempts.start_attempt(quiz, user, now=start, rng=rng)
    right = round(share * len(attempt.questions))
    answers = {row.position: right_response(row.version) for row in attempt.questions[:right]}
    answering.save_answers(attempt, user, {k: v for k, v in answers.items() if v is not None},
                          now=start + timedelta(minutes=8))
    attempts.submit_attempt(attempt, user, key=f"demo-{attempt.id}", now=start + timedelta(minutes=12))


def load() -> int:
    """Create what is missing; returns how many quizzes were added."""
    trainer = demo_user("giangvien")
    added = 0
    for course in db.session.scalars(select(Course).where(Course.owner_id == trainer.id).order_by(Course.id)):
        if _quiz_of(course) is None and _add_quiz(course, trainer) is not None:
            added += 1
    db.session.flush()
    rng = random.Random(2023)  # the same demo every time
    for n, (username, slug, share) in enumerate(ATTEMPTS):
        course = courses.get_course(slug)
        quiz = _quiz_of(course) if course is not None else None
        if quiz is not None and services.question_count(quiz):
            _finished_attempt(quiz, username, share, rng, days_ago=7 - n)
    db.session.flush()
    return added
