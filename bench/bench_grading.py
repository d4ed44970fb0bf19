"""Grading a 30-question attempt (mixed kinds): server time.

    .venv/bin/python bench/bench_grading.py                  # SQLite, a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/elearn_bench .venv/bin/python bench/bench_grading.py

Prints the median and 95th percentile of (1) scoring the 30 stored answers alone, and (2) the
whole submission as the submit view runs it: the conditional UPDATE, scoring, the attempt's
totals, progress and completion, and the commit. Target: under 5 ms.
"""
from __future__ import annotations

import argparse
import time

from quiz_setup import load_note, make_app, make_quiz, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    app, engine = make_app()

    from elearn import db
    from elearn.accounts.models import User
    from quizzes import answering, attempts, grading, services
    from quizzes.demo import right_response

    score_only, submit, submit_cpu = [], [], []
    with app.app_context():
        quiz_id, cadre_id = make_quiz(30)
    for run in range(args.runs):
        with app.app_context():  # one unit of work, as one request
            db.set_write_intent(True)
            quiz, cadre = services.get_quiz(quiz_id), db.session.get(User, cadre_id)
            attempt = attempts.start_attempt(quiz, cadre)
            answers = {row.position: right_response(row.version) for row in attempt.questions}
            if run % 2:  # half the attempts with some wrong and missing answers
                answers = {k: v for k, v in answers.items() if k % 3}
            answering.save_answers(attempt, cadre, answers)
            db.session.commit()
            attempt_id, rows = attempt.id, attempt.questions
            started = time.perf_counter()
            for row in rows:
                grading.score_question(row)
            score_only.append(time.perf_counter() - started)
            db.session.rollback()
        with app.app_context():  # the submission, as the submit view runs it
            db.set_write_intent(True)
            started, cpu = time.perf_counter(), time.process_time()
            cadre = db.session.get(User, cadre_id)
            attempt = attempts.get_attempt(attempt_id, cadre)
            _, counted = attempts.submit_attempt(attempt, cadre, key=f"bench-{run}")
            db.session.commit()
            submit.append(time.perf_counter() - started)
            submit_cpu.append(time.process_time() - cpu)
            assert counted and len(attempt.questions) == 30
    print(f"{engine}: grading a 30-question attempt (10 single, 5 multiple, 5 true/false, 4 short answer, "
          f"3 numerical, 3 matching)")
    print(summary("scoring the 30 answers", score_only, 5))
    print(summary("submit: update + score + progress + commit", submit, 5))
    print(summary("  the same, CPU time", submit_cpu, 5))
    print(" ", load_note())
    app.extensions["elearn.engine"].dispose()


if __name__ == "__main__":
    main()
