"""Build the load-test dataset in DATABASE_URL: cadres, a course with a lesson and quizzes, attempts.

Everything the measured requests touch is made through the real services; sign-in
happens later over HTTP (``run.py``), so sessions and CSRF tokens are real.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PASSWORD = "load-test-42"
LESSON = "".join(
    f"<h2>Phần {i}</h2><p>Chủ tịch Hồ Chí Minh luôn nhắc nhở cán bộ, đảng viên phải thật sự cần, kiệm, liêm, "
    f"chính, chí công vô tư; nói đi đôi với làm, nêu gương trong công tác tuyên truyền ở cơ sở.</p>"
    for i in range(1, 13))


def build(app, users: int, save_attempts: int, submit_quizzes: int, questions_per_submit_quiz: int = 10) -> dict:
    from courses import enrolment, structure
    from courses import services as courses
    from courses.models import ItemKind
    from elearn import db
    from elearn.accounts.models import User
    from elearn.permissions import Role
    from elearn.units import services as units
    from elearn.units.models import UnitLevel
    from quizzes import attempts, tokens
    from quizzes import services as quizzes
    from quizzes.bank import services as bank
    from quizzes.bank.models import QuestionKind

    started = time.perf_counter()
    db.set_write_intent(True)
    province = units.create_unit("LT", "Tỉnh ủy (tải thử)", UnitLevel.PROVINCE)
    district = units.create_unit("LT-1", "Huyện ủy (tải thử)", UnitLevel.DISTRICT, province)
    fast_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")  # sign-in is not under test
    trainer = User(username="lt-trainer", password_hash=fast_hash, must_change_password=False, unit=province)
    trainer.set_full_name("Giảng Viên Tải Thử")
    trainer.set_roles([Role.TRAINER])
    db.session.add(trainer)
    cadres = []
    for n in range(users):
        user = User(username=f"lt{n:05d}", password_hash=fast_hash, must_change_password=False, unit=district)
        user.set_full_name(f"Nguyễn Văn Tải {n}")
        user.set_roles([Role.CADRE])
        cadres.append(user)
    db.session.add_all(cadres)
    db.session.flush()

    course = courses.create_course(trainer, "Khóa học tải thử", theme="Tải thử", year=2023)
    module = structure.create_module(course, "Chương 1")
    lesson = structure.add_item(module, ItemKind.LESSON, "Bài đọc", body_html=LESSON, minutes=10)
    category = bank.create_category("Tải thử", owner=trainer)
    questions = [bank.create_question(
        category, QuestionKind.SINGLE, f"<p>Câu hỏi số {i}: chọn đáp án đúng.</p>", user=trainer,
        data={"choices": [{"html": "Đúng", "fraction": 1.0}, {"html": "Sai", "fraction": 0.0},
                          {"html": "Chưa rõ", "fraction": 0.0}, {"html": "Không biết", "fraction": 0.0}],
              "shuffle": False}) for i in range(30)]
    save_quiz = quizzes.create_quiz_item(module, trainer, "Kiểm tra (lưu câu trả lời)", attempts_allowed=0)
    quizzes.add_fixed_questions(save_quiz, questions)
    submit_items = []
    for q in range(submit_quizzes):
        quiz = quizzes.create_quiz_item(module, trainer, f"Kiểm tra nộp bài {q + 1}", attempts_allowed=0)
        quizzes.add_fixed_questions(quiz, questions[:questions_per_submit_quiz])
        submit_items.append(quiz)
    from courses.models import CourseStatus
    courses.set_status(course, CourseStatus.PUBLISHED, trainer)
    for user in cadres:
        enrolment.enroll(user, course)
    db.session.commit()

    save_slots, submit_slots = [], []
    for user in cadres[:save_attempts]:
        attempt = attempts.start_attempt(save_quiz, user)
        # The page posts per-attempt option tokens (quizzes.tokens): one per question, as the server makes them.
        save_slots.append({"user": user.username, "attempt": attempt.id, "questions": 30, "choice": ",".join(
            tokens.Tokens(tokens.attempt_scope(attempt.id, row.position)).token(tokens.CHOICE, "a")
            for row in attempt.questions)})
    for quiz in submit_items:
        for user in cadres:
            attempt = attempts.start_attempt(quiz, user)
            submit_slots.append({"user": user.username, "attempt": attempt.id})
        db.session.commit()
    db.session.commit()
    return {"lesson_url": f"/learn/{lesson.id}", "course_slug": course.slug,
            "lesson_item": lesson.id, "save_quiz": save_quiz.item_id, "save_slots": save_slots,
            "submit_slots": submit_slots, "users": [u.username for u in cadres], "password": PASSWORD,
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    import argparse

    from elearn.app import create_app
    from elearn.cli import upgrade

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--save-attempts", type=int, default=600)
    parser.add_argument("--submit-quizzes", type=int, default=4)
    parser.add_argument("-o", "--out", default="bench/_out/load.json")
    args = parser.parse_args()
    from tests.servers import SECRET_KEY

    app = create_app({"RATELIMIT_ENABLED": False, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        upgrade()
        data = build(app, args.users, args.save_attempts, args.submit_quizzes)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False))
    print(f"prepared in {data['seconds']} s: {len(data['users'])} cadres, {len(data['save_slots'])} save attempts, "
          f"{len(data['submit_slots'])} attempts to submit -> {args.out}")


if __name__ == "__main__":
    main()
