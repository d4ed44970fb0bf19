"""Shared set-up for the quiz benchmarks: an app on a fresh database (a temporary SQLite file,
or the PostgreSQL database named in DATABASE_URL, recreated), and a 30-question quiz of mixed
kinds in a published course with one enrolled cadre."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KINDS = [("single", 10), ("multiple", 5), ("truefalse", 5), ("shortanswer", 4), ("numerical", 3),
         ("matching", 3)]


def data_for(kind: str, n: int) -> dict:
    if kind == "single":
        return {"choices": [{"html": f"<p>Phương án {i} của câu {n}</p>", "fraction": 1.0 if i == 0 else 0.0,
                             "feedback": "Nhận xét"} for i in range(4)], "shuffle": True}
    if kind == "multiple":
        return {"choices": [{"html": f"Ý {i}", "fraction": [0.5, 0.5, -0.5, 0][i]} for i in range(4)],
                "shuffle": True}
    if kind == "truefalse":
        return {"answer": n % 2 == 0}
    if kind == "shortanswer":
        return {"answers": [{"text": "Hồ Chí Minh", "fraction": 1.0}, {"text": "Nguyễn Ái Quốc", "fraction": 0.5}],
                "accent_insensitive": True}
    if kind == "numerical":
        return {"answers": [{"value": 1930, "tolerance": 0}]}
    return {"pairs": [{"prompt": f"Sự kiện {i}", "answer": f"Năm {1930 + i}"} for i in range(4)], "shuffle": True}


def make_app(extra: dict | None = None):
    from elearn.app import create_app
    from elearn.cli import upgrade

    url = os.environ.get("DATABASE_URL")
    tmp = tempfile.mkdtemp(prefix="elearn-bench-")
    if url:
        from tests.conftest import _recreate_pg_database
        if "bench" not in url and "test" not in url:
            sys.exit("DATABASE_URL must name a database with 'bench' or 'test' in it: it is recreated")
        url = _recreate_pg_database(url)
    else:
        url = f"sqlite:///{tmp}/bench.sqlite"
    config = {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench",
              "RATELIMIT_ENABLED": False}
    config.update(extra or {})
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app, ("PostgreSQL" if url.startswith("postgresql") else "SQLite")


def make_quiz(questions: int = 30):
    """(quiz id, cadre id); call inside an app context. Commits."""
    from courses import enrolment, structure
    from courses import services as courses
    from courses.models import CourseStatus
    from elearn import db
    from elearn.permissions import Role
    from quizzes import services
    from quizzes.bank import services as bank
    from tests.factories import make_user

    db.set_write_intent(True)
    trainer = make_user("bench-trainer", roles=(Role.TRAINER,))
    cadre = make_user("bench-cadre")
    category = bank.create_category("Benchmark", owner=trainer)
    made = []
    for kind, count in KINDS:
        for _ in range(count):
            n = len(made) + 1
            made.append(bank.create_question(category, kind, f"<p>Câu hỏi {n}: nội dung đủ dài như thật?</p>",
                                             data=data_for(kind, n), user=trainer,
                                             general_feedback_html="<p>Giải thích</p>"))
    course = courses.create_course(trainer, "Khóa học benchmark")
    module = structure.create_module(course, "Chuyên đề")
    quiz = services.create_quiz_item(module, trainer, "Bài kiểm tra 30 câu", per_page=1, time_limit_minutes=600)
    services.add_fixed_questions(quiz, made[:questions])
    courses.set_status(course, CourseStatus.PUBLISHED, trainer)
    enrolment.enroll(cadre, course)
    db.session.commit()
    return quiz.item_id, cadre.id


def load_note() -> str:
    """The machine's load: wall times on a busy shared machine include waiting for a core."""
    load = os.getloadavg()[0]
    return f"(load average {load:.1f} on {os.cpu_count()} cores; CPU = time.process_time of this process)"


def summary(label: str, seconds: list[float], target_ms: float) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (f"  {label:<44} median {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms   "
            f"(n={len(ms)}, target < {target_ms:g} ms)")
