"""The attempt lifecycle through the services: draw, save, submit once, time out, progress."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update

from courses.models import Enrollment, Progress
from elearn import db
from elearn.db import utcnow
from quizzes import answering, attempts, services
from quizzes.bank import services as bank
from quizzes.models import AttemptState, QuizAttempt
from tests import sql
from tests.quizzes.bank.factories import make_category, make_question
from tests.quizzes.factories import choices, enrolled_cadre, make_quiz, right_answers


def test_start_stores_versions_and_order_and_editing_the_bank_keeps_history(app):
    quiz = make_quiz(3)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    db.session.commit()
    assert [r.position for r in attempt.questions] == [1, 2, 3]
    assert all(sorted(r.order) == ["a", "b", "c", "d"] for r in attempt.questions)
    first = attempt.questions[0]
    shown = first.version_id
    bank.update_question(first.version.question, text_html="<p>Đã sửa</p>", data=choices(right=1), user=None)
    db.session.commit()
    assert first.version_id == shown and first.version.text_html != "<p>Đã sửa</p>"
    # Continuing returns the same attempt, not a new draw.
    assert attempts.start_attempt(quiz, cadre).id == attempt.id


def test_right_answers_pass_complete_the_course_and_record_the_best_score(app):
    quiz = make_quiz(4, pass_percent=50)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    answers = right_answers(attempt)
    answers[4] = {"choice": "b"}  # one wrong
    answering.save_answers(attempt, cadre, answers)
    attempt, counted = attempts.submit_attempt(attempt, cadre, "k1")
    db.session.commit()
    assert counted and attempt.state == AttemptState.FINISHED
    assert attempt.score == 3 and attempt.max_score == 4 and attempt.percent == 75.0 and attempt.passed
    progress = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id))
    assert progress.completed_at is not None and progress.best_score == 75.0
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == cadre.id))
    assert enrollment.completed_at is not None


def test_a_failed_attempt_records_its_score_without_completing(app):
    quiz = make_quiz(2, pass_percent=80)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    answering.save_answers(attempt, cadre, {1: {"choice": "a"}, 2: {"choice": "c"}})
    attempts.submit_attempt(attempt, cadre)
    db.session.commit()
    progress = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id))
    assert progress.best_score == 50.0 and progress.completed_at is None
    assert attempt.passed is False


def test_passing_again_keeps_the_first_completion_and_a_lower_score_keeps_the_best(app):
    quiz = make_quiz(2, pass_percent=50)
    cadre = enrolled_cadre(quiz)
    done = []
    for answers in ({1: {"choice": "a"}, 2: {"choice": "a"}}, {1: {"choice": "a"}}):
        attempt = attempts.start_attempt(quiz, cadre)
        answering.save_answers(attempt, cadre, answers)
        done.append(attempts.submit_attempt(attempt, cadre)[0])
        db.session.commit()
    progress = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id))
    assert progress.best_score == 100.0 and progress.completed_at == done[0].finished_at
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == cadre.id))
    assert enrollment.completed_at == done[0].finished_at


def test_a_result_is_recorded_even_without_a_progress_row(app):
    """Starting creates the row; the result is stored (and the course completed) without it too."""
    quiz = make_quiz(1)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    db.session.commit()
    db.session.execute(delete(Progress).where(Progress.user_id == cadre.id))
    answering.save_answers(attempt, cadre, {1: {"choice": "a"}})
    attempts.submit_attempt(attempt, cadre)
    db.session.commit()
    progress = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id))
    assert progress.best_score == 100.0 and progress.completed_at == attempt.finished_at
    assert progress.first_opened_at == attempt.finished_at and progress.course_id == quiz.item.course_id
    assert db.session.scalar(select(Enrollment.completed_at).where(Enrollment.user_id == cadre.id)) is not None


def test_a_result_that_changes_no_progress_writes_none(app):
    """The same best score again: the progress row and the statistics' mark are left alone."""
    quiz = make_quiz(2, pass_percent=100)
    cadre = enrolled_cadre(quiz)
    for _ in range(2):
        attempt = attempts.start_attempt(quiz, cadre)
        answering.save_answers(attempt, cadre, {1: {"choice": "a"}})
        db.session.commit()
        with sql.statements(app) as seen:
            attempts.submit_attempt(attempt, cadre)
        db.session.commit()
    assert not [s for s in seen if "stats_state" in s], seen
    progress = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id))
    assert progress.best_score == 50.0 and progress.completed_at is None


def test_submit_twice_grades_once_and_a_replay_changes_nothing(app):
    quiz = make_quiz(2)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    answering.save_answers(attempt, cadre, {1: {"choice": "a"}})
    attempts.submit_attempt(attempt, cadre, "key")
    db.session.commit()
    finished_at, percent = attempt.finished_at, attempt.percent
    again, counted = attempts.submit_attempt(attempt, cadre, "key")
    assert not counted and again.finished_at == finished_at and again.percent == percent
    with pytest.raises(answering.AttemptClosed):
        answering.save_answers(attempt, cadre, {2: {"choice": "a"}})
    db.session.rollback()
    assert attempt.questions[1].response is None


def test_an_answer_checked_before_a_submission_is_not_stored_after_it(app):
    """Saving reads and cleans outside the write lock; a submission in between wins."""
    quiz = make_quiz(2)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    db.session.commit()
    cleaned = answering.read_answers(attempt, cadre, {2: {"choice": "a"}})
    db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id)
                       .values(state=AttemptState.FINISHED, finished_at=utcnow()))  # another tab submits
    with pytest.raises(answering.AttemptClosed):
        answering.store_answers(attempt, cleaned)
    db.session.rollback()
    db.session.expire_all()
    assert attempt.questions[1].response is None


def test_bad_answers_are_refused_and_nothing_is_written(app):
    quiz = make_quiz(2)
    category = make_category("Khác")
    other = make_question(category, data=choices(n=6))
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    db.session.commit()
    with pytest.raises(services.QuizError, match="3"):  # not in the attempt
        answering.save_answers(attempt, cadre, {1: {"choice": "a"}, 3: {"choice": "a"}})
    db.session.rollback()
    assert other.current_version.data["choices"][5]["id"] == "f"
    with pytest.raises(services.QuizError):  # a choice id of another question
        answering.save_answers(attempt, cadre, {1: {"choice": "a"}, 2: {"choice": "f"}})
    db.session.rollback()
    db.session.expire_all()
    assert [r.response for r in attempt.questions] == [None, None]
    intruder = enrolled_cadre(quiz)
    with pytest.raises(services.QuizNotFound):
        answering.save_answers(attempt, intruder, {1: {"choice": "a"}})
    with pytest.raises(services.QuizNotFound):
        attempts.get_attempt(attempt.id, intruder)


def test_attempts_allowed_and_one_attempt_in_progress(app):
    quiz = make_quiz(1, attempts_allowed=2)
    cadre = enrolled_cadre(quiz)
    for _ in range(2):
        attempt = attempts.start_attempt(quiz, cadre)
        attempts.submit_attempt(attempt, cadre)
        db.session.commit()
    with pytest.raises(services.QuizError, match="2"):
        attempts.start_attempt(quiz, cadre)
    db.session.rollback()
    assert len(attempts.attempts_of(quiz, cadre)) == 2


def test_the_database_refuses_a_second_attempt_in_progress(app):
    quiz = make_quiz(1)
    cadre = enrolled_cadre(quiz)
    attempts.start_attempt(quiz, cadre)
    db.session.commit()
    from sqlalchemy.exc import IntegrityError
    db.session.add(QuizAttempt(quiz_id=quiz.item_id, user_id=cadre.id, number=2))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_starts_planned_at_once_store_one_attempt_and_keep_the_transaction(app):
    quiz = make_quiz(2)
    cadre = enrolled_cadre(quiz)
    first, second = attempts.plan_attempt(quiz, cadre), attempts.plan_attempt(quiz, cadre)
    stored = attempts.store_attempt(first, cadre)
    with pytest.raises(services.QuizError, match="cùng lúc"):
        attempts.store_attempt(second, cadre)
    db.session.commit()  # the first start is kept: the refused INSERT wrote nothing
    assert [a.id for a in attempts.attempts_of(quiz, cadre)] == [stored.id]
    assert stored.state == AttemptState.IN_PROGRESS and len(stored.questions) == 2
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_late_answer_refused_and_overdue_attempt_graded_with_what_was_saved(app):
    quiz = make_quiz(2, time_limit_minutes=10)
    cadre = enrolled_cadre(quiz)
    start = utcnow() - timedelta(minutes=20)
    attempt = attempts.start_attempt(quiz, cadre, now=start)
    answering.save_answers(attempt, cadre, {1: {"choice": "a"}}, now=start + timedelta(minutes=5))
    db.session.commit()
    assert attempt.deadline == start + timedelta(minutes=10)
    with pytest.raises(answering.TimeUp):
        answering.save_answers(attempt, cadre, {2: {"choice": "a"}})
    db.session.rollback()
    # The periodic sweep grades it at its deadline, with the one answer saved in time.
    assert attempts.sweep() == 1
    db.session.commit()
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.FINISHED and attempt.auto_submitted
    assert attempt.finished_at == attempt.deadline and attempt.score == 1
    assert attempts.sweep() == 0


def test_submitting_late_grades_only_what_was_saved_in_time(app):
    quiz = make_quiz(2, time_limit_minutes=1)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre, now=utcnow() - timedelta(minutes=5))
    attempt, counted = attempts.submit_attempt(attempt, cadre, "late")
    db.session.commit()
    assert counted and attempt.auto_submitted and attempt.finished_at == attempt.deadline


def test_the_close_time_caps_the_deadline_and_a_closed_quiz_cannot_start(app):
    closes = utcnow() + timedelta(minutes=5)
    quiz = make_quiz(1, time_limit_minutes=60, closes_at=closes)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    assert attempt.deadline == closes
    db.session.commit()
    other = enrolled_cadre(quiz)
    with pytest.raises(services.QuizError):
        attempts.start_attempt(quiz, other, now=closes + timedelta(seconds=1))


def test_a_cadre_not_enrolled_cannot_start(app):
    quiz = make_quiz(1)
    from tests.factories import make_user
    with pytest.raises(services.QuizError):
        attempts.start_attempt(quiz, make_user())


@pytest.mark.parametrize("method, expected, completed", [
    ("highest", 100.0, True), ("last", 50.0, True), ("first", 0.0, False), ("average", 50.0, False)])
def test_grading_methods(app, method, expected, completed):
    """Attempts score 0%, 100%, 50%. "last" passed after the second attempt: completion stays."""
    from quizzes.grading import final_grade
    quiz = make_quiz(2, grading_method=method, pass_percent=60)
    cadre = enrolled_cadre(quiz)
    for answers in ({}, {1: {"choice": "a"}, 2: {"choice": "a"}}, {1: {"choice": "a"}}):
        attempt = attempts.start_attempt(quiz, cadre)
        answering.save_answers(attempt, cadre, answers)
        attempts.submit_attempt(attempt, cadre)
        db.session.commit()
    done = attempts.attempts_of(quiz, cadre)
    assert final_grade(quiz, done) == expected
    progress = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id))
    assert progress.best_score == 100.0  # the best attempt, whatever the method
    assert (progress.completed_at is not None) == completed


def test_random_slots_draw_from_subcategories_without_repeats(app):
    from tests.courses.factories import make_trainer
    trainer = make_trainer()
    root = make_category("Chủ đề", owner=trainer)
    child = make_category("Chủ đề con", parent=root)
    for i in range(3):
        make_question(root, text=f"<p>Gốc {i}</p>", data=choices())
        make_question(child, text=f"<p>Con {i}</p>", data=choices())
    make_question(child, kind="essay", text="<p>Tự luận</p>", data={})  # never drawn
    quiz = make_quiz(0, trainer=trainer)
    services.add_random_slot(quiz, root, 6, include_subcategories=True)
    db.session.commit()
    with pytest.raises(services.QuizError):
        services.add_random_slot(quiz, root, 4, include_subcategories=False)
    db.session.rollback()
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    ids = [r.version.question_id for r in attempt.questions]
    assert len(ids) == 6 == len(set(ids))


def test_essays_cannot_be_put_in_a_quiz(app):
    quiz = make_quiz(0)
    essay = make_question(make_category("Tự luận"), kind="essay", text="<p>Viết</p>", data={})
    with pytest.raises(services.QuizError):
        services.add_fixed_questions(quiz, [essay])


def test_settings_are_checked(app):
    quiz = make_quiz(1)
    with pytest.raises(services.QuizError):
        services.update_quiz(quiz, pass_percent=120)
    with pytest.raises(services.QuizError):
        services.update_quiz(quiz, opens_at=utcnow(), closes_at=utcnow() - timedelta(days=1))
