"""Two requests at once against a real database file (or PostgreSQL): one submission wins,
one grade; two starts make one attempt."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from elearn import db
from elearn.accounts.models import User
from quizzes import answering, attempts, services
from quizzes.models import AttemptState, QuizAttempt
from tests.quizzes.factories import enrolled_cadre, make_quiz


def _in_threads(app, work, n: int = 2) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        with app.app_context():
            db.set_write_intent(True)  # as a POST request does
            try:
                barrier.wait(timeout=10)
                results[i] = work(i)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _attempt_with_two_right_answers() -> tuple[int, int]:
    """(attempt id, cadre id) of an attempt in progress, two of its three answers saved and right."""
    quiz = make_quiz(3)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    answering.save_answers(attempt, cadre, {1: {"choice": "a"}, 2: {"choice": "a"}})
    db.session.commit()
    return attempt.id, cadre.id


def test_two_concurrent_submissions_grade_once(app):
    attempt_id, user_id = _attempt_with_two_right_answers()

    def submit(i):
        user = db.session.get(User, user_id)
        mine = attempts.get_attempt(attempt_id, user)
        return attempts.submit_attempt(mine, user, key=f"tab-{i}")[1]

    results = _in_threads(app, submit)
    assert sorted(results) == [False, True], results
    db.session.expire_all()
    done = db.session.get(QuizAttempt, attempt_id)
    assert done.state == AttemptState.FINISHED and done.score == 2
    assert done.submit_key == f"tab-{results.index(True)}"


def test_two_concurrent_starts_make_one_attempt(app):
    quiz = make_quiz(2, attempts_allowed=1)
    cadre = enrolled_cadre(quiz)
    quiz_id, user_id = quiz.item_id, cadre.id

    def start(i):
        return attempts.start_attempt(services.get_quiz(quiz_id), db.session.get(User, user_id)).id

    results = _in_threads(app, start)
    ids = {r for r in results if isinstance(r, int)}
    errors = [r for r in results if not isinstance(r, int)]
    assert len(ids) == 1 and all(isinstance(e, services.QuizError) for e in errors), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_a_save_racing_a_submit_never_changes_the_grade(app):
    quiz = make_quiz(2)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    db.session.commit()
    attempt_id, user_id = attempt.id, cadre.id

    def work(i):
        user = db.session.get(User, user_id)
        mine = attempts.get_attempt(attempt_id, user)
        if i == 0:
            return attempts.submit_attempt(mine, user, key="k")[1]
        return answering.save_answers(mine, user, {1: {"choice": "a"}})

    results = _in_threads(app, work)
    db.session.expire_all()
    done = db.session.get(QuizAttempt, attempt_id)
    saved = done.questions[0].response is not None
    # Either the save came first and was graded, or it came after and was refused: never lost silently.
    assert done.score == (1 if saved else 0)
    if not saved:
        assert isinstance(results[1], answering.AttemptClosed)


def test_submissions_graded_before_the_write_lock_still_count_once(app):
    """As the submit view does: read and grade without the write lock, then take it to write."""
    attempt_id, user_id = _attempt_with_two_right_answers()
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(i):
        with app.app_context():
            db.set_write_intent(False)  # a read-first request
            try:
                user = db.session.get(User, user_id)
                mine = attempts.get_attempt(attempt_id, user)
                scores = attempts.grade_before_submit(mine, user)
                barrier.wait(timeout=10)  # both graded the same in-progress attempt
                db.begin_write()
                results[i] = attempts.submit_attempt(mine, user, key=f"tab-{i}", scores=scores)[1]
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                results[i] = error
            finally:
                db.set_write_intent(False)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [False, True], results
    db.session.expire_all()
    done = db.session.get(QuizAttempt, attempt_id)
    assert done.state == AttemptState.FINISHED and done.score == 2 and done.percent == round(200 / 3, 2)
    assert done.submit_key == f"tab-{results.index(True)}"


def test_an_answer_saved_after_grading_but_before_the_write_is_graded(app):
    quiz = make_quiz(2)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    answering.save_answers(attempt, cadre, {1: {"choice": "b"}})  # wrong, for now
    db.session.commit()
    scores = attempts.grade_before_submit(attempt, cadre)
    assert [r["score"] for r in scores.rows] == [0.0, 0.0]
    with app.app_context():  # another tab saves the right answers in between, and commits
        db.set_write_intent(True)
        user = db.session.get(User, cadre.id)
        answering.save_answers(attempts.get_attempt(attempt.id, user), user, {1: {"choice": "a"}, 2: {"choice": "a"}})
        db.session.commit()
        db.set_write_intent(False)
    db.begin_write()
    assert attempts.submit_attempt(attempt, cadre, key="k", scores=scores)[1]
    db.session.commit()
    db.end_write()
    db.session.expire_all()
    done = db.session.get(QuizAttempt, attempt.id)
    assert done.score == 2 and done.percent == 100.0 and done.passed
    assert [q.score for q in done.questions] == [1.0, 1.0]
