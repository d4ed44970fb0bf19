"""Trainer pages: build a quiz, results by unit, per-question statistics, regrade."""
from __future__ import annotations

import math
import re
import statistics as pystats

from sqlalchemy import select

from elearn import db
from elearn.audit import AuditLog
from quizzes import answering, attempts, services
from quizzes.bank import services as bank
from quizzes.models import Quiz, QuizSlot
from quizzes.statistics import _sample_stats, question_statistics
from tests.courses.factories import make_course, make_trainer
from tests.factories import make_unit, make_user
from tests.quizzes.bank.factories import make_category, make_question
from tests.quizzes.factories import choices, enrolled_cadre, make_quiz


def test_a_trainer_builds_a_quiz_through_the_pages(app, client, login):
    trainer = make_trainer()
    course = make_course(trainer, lessons=1)
    category = make_category("Nghị quyết", owner=trainer)
    questions = [make_question(category, text=f"<p>Câu {i}</p>", data=choices(), user=trainer) for i in range(4)]
    login(trainer)
    module_id = course.modules[0].id
    assert client.get(f"/quizzes/module/{module_id}/new").status_code == 200
    response = client.post(f"/quizzes/module/{module_id}/new", data={
        "title": "Kiểm tra chuyên đề 1", "time_limit_minutes": "15", "attempts_allowed": "2",
        "grading_method": "highest", "pass_percent": "70", "per_page": "1", "shuffle_choices": "y",
        "review_shows": "full", "review_when": "immediately", "required": "y",
        "opens_at": "2026-01-01T07:30"})
    assert response.status_code == 302
    quiz = db.session.scalar(select(Quiz))
    assert quiz.time_limit_minutes == 15 and quiz.pass_percent == 70 and quiz.item.title == "Kiểm tra chuyên đề 1"
    assert quiz.opens_at.hour == 0 and quiz.opens_at.minute == 30  # 07:30 in Vietnam is 00:30 UTC
    page = client.get(f"/quizzes/item/{quiz.item_id}/questions?category={category.id}").get_data(as_text=True)
    assert "Câu 0" in page
    client.post(f"/quizzes/item/{quiz.item_id}/questions", data={"question": [questions[0].id, questions[1].id]})
    client.post(f"/quizzes/item/{quiz.item_id}/slots/random",
                data={"slot-category_id": category.id, "slot-count": "2", "slot-include_subcategories": "y"})
    db.session.expire_all()
    slots = db.session.scalars(select(QuizSlot).order_by(QuizSlot.position)).all()
    assert [(s.question_id, s.count) for s in slots] == [(questions[0].id, 1), (questions[1].id, 1), (None, 2)]
    too_many = client.post(f"/quizzes/item/{quiz.item_id}/slots/random", follow_redirects=True,
                           data={"slot-category_id": category.id, "slot-count": "9"})
    assert "chỉ có 4 câu hỏi" in too_many.get_data(as_text=True)
    client.post(f"/quizzes/item/{quiz.item_id}/slots/{slots[2].id}/delete")
    assert services.question_count(services.get_quiz(quiz.item_id)) == 2
    edit = client.post(f"/quizzes/item/{quiz.item_id}/edit", follow_redirects=True, data={
        "title": "Kiểm tra", "attempts_allowed": "0", "grading_method": "average", "pass_percent": "150",
        "per_page": "0", "review_shows": "score", "review_when": "immediately"})
    assert edit.status_code == 200
    db.session.expire_all()
    assert services.get_quiz(quiz.item_id).pass_percent == 70  # 150% refused, nothing saved


def test_other_trainers_and_cadres_get_404_on_trainer_pages(app, client, login):
    quiz = make_quiz(1)
    for user in (make_trainer(), enrolled_cadre(quiz)):
        login(user)
        for url in ("edit", "results", "statistics", "questions"):
            assert client.get(f"/quizzes/item/{quiz.item_id}/{url}").status_code in (403, 404), (user, url)
    login(make_trainer())
    module_id = services.course_of(quiz).modules[0].id
    assert client.post(f"/quizzes/module/{module_id}/new", data={"title": "X"}).status_code == 404


def test_results_filter_by_unit_subtree(app, client, login):
    province = make_unit("Tỉnh ủy")
    district = make_unit("Huyện ủy Vũ Thư", parent=province)
    commune = make_unit("Đảng ủy xã Tân Hòa", parent=district)
    other = make_unit("Huyện ủy Kiến Xương", parent=province)
    quiz = make_quiz(1)
    for unit, name in ((commune, "Nguyễn Thị Hằng"), (other, "Trần Văn Khoa")):
        cadre = enrolled_cadre(quiz, unit=unit, full_name=name)
        attempt = attempts.start_attempt(quiz, cadre)
        attempts.submit_attempt(attempt, cadre)
    db.session.commit()
    login(services.course_of(quiz).owner)
    html = client.get(f"/quizzes/item/{quiz.item_id}/results").get_data(as_text=True)
    assert "Nguyễn Thị Hằng" in html and "Trần Văn Khoa" in html
    html = client.get(f"/quizzes/item/{quiz.item_id}/results?unit={district.id}").get_data(as_text=True)
    assert "Nguyễn Thị Hằng" in html and "Trần Văn Khoa" not in html


def test_discrimination_index_is_the_correlation_with_the_rest_of_the_test():
    marks = [1, 0, 1, 1, 0, 1]
    rest = [4, 1, 3, 5, 2, 2]
    sd, discrimination, efficiency = _sample_stats(marks, rest)
    assert math.isclose(discrimination, 100 * pystats.correlation(marks, rest))
    assert math.isclose(sd, pystats.stdev(marks))
    assert 0 < efficiency <= 100 + 1e-9
    assert _sample_stats([1, 1, 1], [2, 3, 4])[1] is None  # no variance, no index


def _take(quiz, cadre, answers):
    attempt = attempts.start_attempt(quiz, cadre)
    answering.save_answers(attempt, cadre, answers)
    attempts.submit_attempt(attempt, cadre)
    db.session.commit()
    return attempt


def test_statistics_flag_a_question_with_a_wrong_key_and_regrade_fixes_it(app, client, login):
    quiz = make_quiz(5, pass_percent=100)
    # Question 5's key says "a" but the strong cadres answer "b": a bad key.
    patterns = ["aaaab", "aaacb", "acacb", "ccaca", "cccca"]
    cadres = []
    for pattern in patterns:
        cadre = enrolled_cadre(quiz)
        cadres.append(cadre)
        _take(quiz, cadre, {n: {"choice": c} for n, c in enumerate(pattern, start=1)})
    stats = {s.question_id: s for s in question_statistics(quiz)}
    slots = services.get_quiz(quiz.item_id).slots
    bad = stats[slots[4].question_id]
    assert bad.count == 5 and math.isclose(bad.facility, 40.0)
    assert bad.discrimination < 0
    assert stats[slots[0].question_id].discrimination > 0
    trainer = services.course_of(quiz).owner
    login(trainer)
    page = client.get(f"/quizzes/item/{quiz.item_id}/statistics").get_data(as_text=True)
    assert 'class="suspect"' in page
    # Fix the key in the bank (a new version), then regrade against it.
    question = slots[4].question
    version = bank.update_question(question, data=choices(right=1), user=trainer)
    db.session.commit()
    response = client.post(f"/quizzes/item/{quiz.item_id}/regrade/{question.id}", data={"version": version.id},
                           follow_redirects=True)
    assert "5 lượt làm bài thay đổi" in response.get_data(as_text=True)
    db.session.expire_all()
    first = attempts.attempts_of(quiz, cadres[0])[0]
    assert first.percent == 100.0 and first.passed
    assert first.questions[4].version.number == 1 and first.questions[4].graded_version_id == version.id
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "quiz.regrade"))
    assert entry.actor_id == trainer.id and len(entry.details["changes"]) == 5
    change = next(c for c in entry.details["changes"] if c["attempt"] == first.id)
    assert change["percent_before"] < change["percent_after"] == 100.0
    from courses.models import Progress
    progress = db.session.scalar(select(Progress).where(Progress.user_id == cadres[0].id))
    assert progress.completed_at is not None and progress.best_score == 100.0


def test_regrade_refuses_a_version_without_the_answered_choices(app):
    quiz = make_quiz(1)
    cadre = enrolled_cadre(quiz)
    _take(quiz, cadre, {1: {"choice": "d"}})
    question = services.get_quiz(quiz.item_id).slots[0].question
    trainer = services.course_of(quiz).owner
    version = bank.update_question(question, data=choices(n=2), user=trainer)
    import pytest
    with pytest.raises(services.QuizError):
        from quizzes.grading import regrade_question
        regrade_question(services.get_quiz(quiz.item_id), question, version, trainer)
    _ = make_user


def test_question_kinds_are_named_not_coded_on_the_quiz_pages(app, client, login):
    """Issue 17.8: kinds showed as 'single', 'truefalse' on the quiz editor and the question picker."""
    from tests.quizzes.factories import make_quiz

    quiz = make_quiz(2)
    login(services.course_of(quiz).owner)
    page = client.get(f"/quizzes/item/{quiz.item_id}/edit").get_data(as_text=True)
    badges = re.findall(r'<span class="badge">([^<]*)</span>', page)
    assert "Một đáp án" in badges and "single" not in badges, badges
