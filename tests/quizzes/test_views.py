"""Taking a quiz through the pages, with and without JavaScript, and what the browser may see."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from elearn import db
from elearn.db import utcnow
from quizzes import answering, attempts
from quizzes.models import AttemptState, QuizAttempt
from tests import sql
from tests.factories import make_user
from tests.quizzes.bank.factories import make_category, make_question
from tests.quizzes.factories import enrolled_cadre, make_quiz, option

SECRETS = ("fraction", "Nhận xét", "Giải thích", "feedback")


def _attempt_of(cadre) -> QuizAttempt:
    db.session.expire_all()
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id)
                             .order_by(QuizAttempt.id.desc()))


def test_take_a_quiz_without_javascript(app, client, login):
    quiz = make_quiz(3, per_page=2)
    cadre = enrolled_cadre(quiz)
    login(cadre)
    page = client.get(f"/quizzes/item/{quiz.item_id}")
    assert page.status_code == 200 and "Bắt đầu làm bài" in page.get_data(as_text=True)
    response = client.post(f"/quizzes/item/{quiz.item_id}/start")
    assert response.status_code == 302
    attempt = _attempt_of(cadre)
    url = f"/quizzes/attempt/{attempt.id}"
    html = client.get(url).get_data(as_text=True)
    assert 'name="q1"' in html and 'name="q2"' in html and 'name="q3"' not in html
    for secret in SECRETS:
        assert secret not in html
    # The page form saves question 1 and 2 and moves to page 2.
    response = client.post(url, data={"shown": ["1", "2"], "q1": option(attempt, 1, "a"),
                                      "q2": option(attempt, 2, "b"), "page": "1", "go": "2"})
    assert response.headers["Location"].endswith("page=2")
    html = client.get(url + "?page=2").get_data(as_text=True)
    assert 'name="q3"' in html
    client.post(url, data={"shown": ["3"], "q3": option(attempt, 3, "a"), "page": "2", "go": "summary"})
    summary = client.get(url + "/summary").get_data(as_text=True)
    key = re.search(r'name="submit_key" value="([0-9a-f]+)"', summary).group(1)
    response = client.post(url + "/submit", data={"submit_key": key})
    assert response.headers["Location"].endswith(f"/quizzes/attempt/{attempt.id}/review")
    attempt = _attempt_of(cadre)
    assert attempt.state == AttemptState.FINISHED and attempt.score == 2
    review = client.get(url + "/review").get_data(as_text=True)
    assert "Giải thích 1" in review and "66,7 %" in review  # Vietnamese number form (issue 17.9)
    assert "Bạn đã hoàn thành khóa học" in review  # the quiz was the course's one required item
    # A replayed submission (same key: a double tap) writes nothing and shows the same result,
    # with no word; another tab's form (another key) is told the attempt was already submitted.
    client.post(url + "/submit", data={"submit_key": key})
    again = _attempt_of(cadre)
    assert again.finished_at == attempt.finished_at and again.score == 2
    assert "đã được nộp" not in client.get(url + "/review").get_data(as_text=True)
    client.post(url + "/submit", data={"submit_key": "another-tab"})
    assert "đã được nộp" in client.get(url + "/review").get_data(as_text=True)


def test_a_replayed_submission_takes_no_write_lock(app, client, login):
    quiz = make_quiz(1)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    attempts.submit_attempt(attempt, cadre, "key")
    db.session.commit()
    login(cadre)
    with sql.statements(app) as seen:
        response = client.post(f"/quizzes/attempt/{attempt.id}/submit", data={"submit_key": "key"})
    assert response.headers["Location"].endswith(f"/quizzes/attempt/{attempt.id}/review")
    assert not sql.writes(seen), seen


def test_a_submission_reads_first_and_holds_the_write_lock_for_few_statements(app, client, login):
    quiz = make_quiz(3)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    answering.save_answers(attempt, cadre, {1: {"choice": "a"}, 2: {"choice": "b"}})
    db.session.commit()
    url = f"/quizzes/attempt/{attempt.id}"
    login(cadre)
    with sql.statements(app) as seen:
        response = client.post(url + "/submit", data={"submit_key": "k"})
    assert response.headers["Location"].endswith(url + "/review")
    control = ("BEGIN", "COMMIT", "ROLLBACK")
    # The account, the attempt, its answers with their keys; then close it with its totals, check
    # the answers again, store the scores, read the grades, record progress, mark the statistics.
    if db.engine().dialect.name == "sqlite":
        # The write lock is taken at the first write (elearn.db: on_first_write).
        locked = next(i for i, s in enumerate(seen) if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")))
        before = [s for s in seen[:locked] if not s.startswith(control)]
        under = [s for s in seen[locked:] if not s.startswith(control)]
        assert len(before) == 3 and len(under) == 6, (before, under)
    else:  # no database-wide write lock to take: the same nine statements
        assert len([s for s in seen if not s.startswith(control)]) == 9, seen
    assert _attempt_of(cadre).score == 1


def test_javascript_saves_one_answer_and_gets_a_small_json_answer(app, client, login):
    quiz = make_quiz(2, time_limit_minutes=30)
    cadre = enrolled_cadre(quiz)
    login(cadre)
    client.post(f"/quizzes/item/{quiz.item_id}/start")
    attempt = _attempt_of(cadre)
    html = client.get(f"/quizzes/attempt/{attempt.id}").get_data(as_text=True)
    assert 'id="quiz-timer"' in html and "attempt.js" in html and "<script>" not in html
    response = client.post(f"/quizzes/attempt/{attempt.id}/save", data={"shown": "1", "q1": option(attempt, 1, "b")})
    assert response.status_code == 200 and response.json["ok"] and response.json["saved"] == 1
    assert 1700 < response.json["remaining"] <= 1800
    body = response.get_data(as_text=True)
    for secret in SECRETS:
        assert secret not in body
    assert _attempt_of(cadre).questions[0].response == {"choice": "b"}
    # Clearing an answer saves it as cleared.
    client.post(f"/quizzes/attempt/{attempt.id}/save", data={"shown": "1"})
    assert _attempt_of(cadre).questions[0].response is None
    bad = client.post(f"/quizzes/attempt/{attempt.id}/save", data={"shown": "9", "q9": "a"})
    assert bad.status_code == 400 and "9" in bad.json["error"]


def test_another_cadres_attempt_is_a_404(app, client, login):
    quiz = make_quiz(1)
    owner = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, owner)
    db.session.commit()
    login(enrolled_cadre(quiz))
    base = f"/quizzes/attempt/{attempt.id}"
    assert client.get(base).status_code == 404
    assert client.get(base + "/summary").status_code == 404
    assert client.get(base + "/review").status_code == 404
    assert client.post(base + "/save", data={"shown": "1", "q1": "a"}).status_code == 404
    assert client.post(base, data={"shown": "1", "q1": "a"}).status_code == 404
    assert client.post(base + "/submit").status_code == 404
    assert _attempt_of(owner).state == AttemptState.IN_PROGRESS and _attempt_of(owner).questions[0].response is None


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_graded(app, client, login):
    quiz = make_quiz(2, time_limit_minutes=5)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre, now=utcnow() - timedelta(minutes=4))
    answering.save_answers(attempt, cadre, {1: {"choice": "a"}})
    attempt.deadline = utcnow() - timedelta(seconds=30)
    db.session.commit()
    login(cadre)
    response = client.post(f"/quizzes/attempt/{attempt.id}/save", data={"shown": "2", "q2": "a"})
    assert response.status_code == 409 and response.json["finished"]
    done = _attempt_of(cadre)
    assert done.state == AttemptState.FINISHED and done.auto_submitted and done.score == 1
    assert done.questions[1].response is None
    # The page form after the deadline: nothing saved, sent to the review.
    response = client.post(f"/quizzes/attempt/{attempt.id}", data={"shown": "2", "q2": "a", "go": "finish"})
    assert response.headers["Location"].endswith("/review")
    assert _attempt_of(cadre).questions[1].response is None


def test_the_quiz_page_closes_an_attempt_whose_time_ran_out(app, client, login):
    quiz = make_quiz(1, time_limit_minutes=1)
    cadre = enrolled_cadre(quiz)
    attempts.start_attempt(quiz, cadre, now=utcnow() - timedelta(minutes=10))
    db.session.commit()
    login(cadre)
    assert client.get(f"/quizzes/item/{quiz.item_id}").status_code == 200
    assert _attempt_of(cadre).state == AttemptState.FINISHED


def test_score_only_review_shows_no_answers(app, client, login):
    quiz = make_quiz(1, review_shows="score")
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    answering.save_answers(attempt, cadre, {1: {"choice": "b"}})
    attempts.submit_attempt(attempt, cadre)
    db.session.commit()
    login(cadre)
    html = client.get(f"/quizzes/attempt/{attempt.id}/review").get_data(as_text=True)
    assert "0,0 %" in html
    for secret in ("Giải thích", "Nhận xét", "Phương án 1"):
        assert secret not in html


def test_answers_after_close_stay_hidden_until_the_quiz_closes(app, client, login):
    closes = utcnow() + timedelta(hours=1)
    quiz = make_quiz(1, review_when="after_close", closes_at=closes)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    attempts.submit_attempt(attempt, cadre)
    db.session.commit()
    login(cadre)
    assert "Giải thích" not in client.get(f"/quizzes/attempt/{attempt.id}/review").get_data(as_text=True)
    quiz.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "Giải thích" in client.get(f"/quizzes/attempt/{attempt.id}/review").get_data(as_text=True)


def test_script_in_question_text_and_choices_never_runs(app, client, login):
    category = make_category("Độc hại")
    question = make_question(category, text='<p>Câu <script>alert("x")</script><b onclick="alert(1)">đậm</b></p>',
                             data={"choices": [{"html": '<img src="x" onerror="alert(2)">A', "fraction": 1},
                                               {"html": "<script>alert(3)</script>B", "fraction": 0}]})
    quiz = make_quiz(0, category=category)
    from quizzes import services
    services.add_fixed_questions(quiz, [question])
    db.session.commit()
    cadre = enrolled_cadre(quiz)
    login(cadre)
    client.post(f"/quizzes/item/{quiz.item_id}/start")
    attempt = _attempt_of(cadre)
    html = client.get(f"/quizzes/attempt/{attempt.id}").get_data(as_text=True)
    assert "đậm" in html
    for bad in ("<script>alert", "onerror", "onclick"):
        assert bad not in html


def test_starting_beyond_the_attempts_allowed_is_refused(app, client, login):
    quiz = make_quiz(1, attempts_allowed=1)
    cadre = enrolled_cadre(quiz)
    login(cadre)
    client.post(f"/quizzes/item/{quiz.item_id}/start")
    attempt = _attempt_of(cadre)
    client.post(f"/quizzes/attempt/{attempt.id}/submit", data={"submit_key": "x"})
    response = client.post(f"/quizzes/item/{quiz.item_id}/start", follow_redirects=True)
    assert "Bạn đã dùng hết" in response.get_data(as_text=True)
    count = len(db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id)).all())
    assert count == 1


def test_a_stranger_cannot_see_a_quiz_of_a_course_they_are_not_on(app, client, login):
    quiz = make_quiz(1)
    stranger = make_user()
    login(stranger)
    assert client.get(f"/quizzes/item/{quiz.item_id}").status_code == 404
    assert client.post(f"/quizzes/item/{quiz.item_id}/start").status_code == 302
    assert _attempt_of(stranger) is None


def test_review_sends_back_to_an_open_attempt_and_grades_one_whose_time_ran_out(app, client, login):
    quiz = make_quiz(1, time_limit_minutes=5)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    answering.save_answers(attempt, cadre, {1: {"choice": "a"}})
    db.session.commit()
    login(cadre)
    response = client.get(f"/quizzes/attempt/{attempt.id}/review")
    assert response.headers["Location"].endswith(f"/quizzes/attempt/{attempt.id}")  # still open: back to it
    attempt.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(f"/quizzes/attempt/{attempt.id}/review").status_code == 200
    done = _attempt_of(cadre)
    assert done.state == AttemptState.FINISHED and done.auto_submitted and done.score == 1


def test_an_attempt_resumes_on_its_page_and_can_be_finished_from_any_page(app, client, login):
    """Issue 17.7: 'Kết thúc bài làm…' was on the last page only, and coming back opened page 1."""
    quiz = make_quiz(3, per_page=1)
    cadre = enrolled_cadre(quiz)
    login(cadre)
    client.post(f"/quizzes/item/{quiz.item_id}/start")
    attempt = _attempt_of(cadre)
    url = f"/quizzes/attempt/{attempt.id}"
    first = client.get(url).get_data(as_text=True)
    assert 'name="q1"' in first and 'value="summary"' in first  # finish from page 1 of 3
    client.get(url + "?page=2")
    back = client.get(url).get_data(as_text=True)  # the quiz page's "continue", a reload
    assert 'name="q2"' in back and 'name="q1"' not in back
