"""Quiz test data: a published course whose one required item is a quiz, and enrolled cadres."""
from __future__ import annotations

from courses import enrolment
from courses import services as courses
from courses.models import CourseStatus
from elearn import db
from quizzes import services
from quizzes.bank.models import QuestionKind
from tests.courses.factories import make_course, make_trainer
from tests.factories import make_user
from tests.quizzes.bank.factories import make_category, make_question


def choices(right: int = 0, n: int = 4, prefix: str = "Phương án") -> dict:
    return {"choices": [{"html": f"{prefix} {i + 1}", "fraction": 1.0 if i == right else 0.0,
                         "feedback": f"Nhận xét {i + 1}"} for i in range(n)], "shuffle": True}


def make_quiz(questions: int = 3, *, trainer=None, category=None, lessons: int = 0, **settings):
    """A quiz of ``questions`` single-choice questions (right answer: choice "a")."""
    trainer = trainer or make_trainer()
    course = make_course(trainer, lessons=lessons, title="Khóa học có bài kiểm tra", status=CourseStatus.DRAFT)
    category = category or make_category("Câu hỏi kiểm tra", owner=trainer)
    qs = [make_question(category, text=f"<p>Câu hỏi số {i + 1}?</p>", data=choices(), user=trainer,
                        general_feedback_html=f"<p>Giải thích {i + 1}</p>") for i in range(questions)]
    quiz = services.create_quiz_item(course.modules[0], trainer, "Bài kiểm tra cuối khóa", **settings)
    services.add_fixed_questions(quiz, qs)
    courses.set_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return quiz


def enrolled_cadre(quiz, **kwargs):
    cadre = make_user(**kwargs)
    enrolment.enroll(cadre, services.course_of(quiz))
    db.session.commit()
    return cadre


def right_answers(attempt) -> dict[int, dict]:
    """The right response for every question of an attempt (read from the stored key)."""
    answers = {}
    for row in attempt.questions:
        data, kind = row.version.data, row.version.kind
        if kind in (QuestionKind.SINGLE,):
            answers[row.position] = {"choice": max(data["choices"], key=lambda c: c["fraction"])["id"]}
        elif kind == QuestionKind.TRUEFALSE:
            answers[row.position] = {"value": data["answer"]}
        elif kind == QuestionKind.MULTIPLE:
            answers[row.position] = {"choices": [c["id"] for c in data["choices"] if c["fraction"] > 0]}
        elif kind == QuestionKind.SHORTANSWER:
            answers[row.position] = {"text": data["answers"][0]["text"]}
    return answers


def option(attempt, position: int, bank_id: str) -> str:
    """What the attempt page posts for choice ``bank_id`` of question ``position``: its token."""
    from quizzes import tokens

    return tokens.Tokens(tokens.attempt_scope(attempt.id, position)).token(tokens.CHOICE, bank_id)
