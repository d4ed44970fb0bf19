"""The attempt page gives nothing of the key away: options go out as per-attempt tokens (issue 15.1)."""
from __future__ import annotations

import re

from sqlalchemy import select

from elearn import db
from quizzes import attempts, services
from quizzes.bank.models import QuestionKind
from quizzes.models import QuizAttempt
from tests.quizzes.bank.factories import make_category, make_question
from tests.quizzes.factories import enrolled_cadre, make_quiz, option
from tests.quizzes.pages import options

BANK_VALUE = re.compile(r'value="(?:[a-z]|p\d+)"')  # choice ids a, b, c …; matching ids p1, p2 …


def _attempt(cadre) -> QuizAttempt:
    db.session.expire_all()
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id))


def _pages(client, attempt) -> str:
    return "".join(client.get(f"/quizzes/attempt/{attempt.id}?page={n}").get_data(as_text=True)
                   for n in range(1, len(attempt.questions) + 1))


def test_no_bank_id_reaches_the_page_or_the_save_answer(app, client, login):
    quiz = make_quiz(3)
    cadre = enrolled_cadre(quiz)
    login(cadre)
    client.post(f"/quizzes/item/{quiz.item_id}/start")
    attempt = _attempt(cadre)
    html = _pages(client, attempt)
    assert len(options(html)) == 12 and not BANK_VALUE.search(html)
    saved = client.post(f"/quizzes/attempt/{attempt.id}/save", data={"shown": "1", "q1": option(attempt, 1, "a")})
    assert saved.json["ok"] and not re.search(r'"[a-d]"', saved.get_data(as_text=True))
    assert _attempt(cadre).questions[0].response == {"choice": "a"}  # stored as the bank id, for grading
    again = client.get(f"/quizzes/attempt/{attempt.id}?page=1").get_data(as_text=True)
    checked = re.search(r'value="([^"]+)" checked', again).group(1)
    assert checked == option(attempt, 1, "a") and not BANK_VALUE.search(again)


def test_the_right_option_has_another_token_in_every_attempt(app, client, login):
    quiz = make_quiz(1)
    first, second = enrolled_cadre(quiz), enrolled_cadre(quiz)
    one, two = attempts.start_attempt(quiz, first), attempts.start_attempt(quiz, second)
    db.session.commit()
    assert option(one, 1, "a") != option(two, 1, "a")
    assert len({option(one, 1, c) for c in "abcd"} | {option(two, 1, c) for c in "abcd"}) == 8


def test_picking_the_first_or_smallest_value_everywhere_scores_at_chance(app, client, login):
    """Authors write the right answer first: with ids as values, "always a" scored 100 %."""
    quiz = make_quiz(20, attempts_allowed=2)
    cadre = enrolled_cadre(quiz)
    login(cadre)
    for pick in (lambda values: values[0], min):
        client.post(f"/quizzes/item/{quiz.item_id}/start")
        attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == cadre.id)
                                    .order_by(QuizAttempt.id.desc()))
        html = _pages(client, attempt)
        data = {"shown": [str(n) for n in range(1, 21)]}
        for n in range(1, 21):
            data[f"q{n}"] = pick([o["value"] for o in options(html) if o["name"] == f"q{n}"])
        assert client.post(f"/quizzes/attempt/{attempt.id}/save", data=data).json["saved"] == 20
        client.post(f"/quizzes/attempt/{attempt.id}/submit", data={"submit_key": f"k{attempt.id}"})
        db.session.refresh(attempt)
        assert attempt.score is not None and attempt.score <= 12  # chance is 5 of 20; P(> 12) < 0.001


def test_a_token_from_another_attempt_is_refused_and_nothing_saved(app, client, login):
    quiz = make_quiz(2)
    mine, theirs = enrolled_cadre(quiz), enrolled_cadre(quiz)
    other = attempts.start_attempt(quiz, theirs)
    db.session.commit()
    login(mine)
    client.post(f"/quizzes/item/{quiz.item_id}/start")
    attempt = _attempt(mine)
    for value in (option(other, 1, "a"), option(attempt, 2, "a"), "a"):
        response = client.post(f"/quizzes/attempt/{attempt.id}/save",
                               data={"shown": ["1", "2"], "q1": value, "q2": option(attempt, 2, "b")})
        assert response.status_code == 400 and not response.json["ok"]
        assert [row.response for row in _attempt(mine).questions] == [None, None]


def test_matching_prompts_and_answers_have_independent_tokens(app, client, login):
    quiz = make_quiz(0)
    category = make_category("Ghép nối")
    pairs = [{"prompt": f"Sự kiện {i}", "answer": f"Năm {1930 + i}"} for i in range(1, 4)]
    question = make_question(category, QuestionKind.MATCHING, data={"pairs": pairs})
    services.add_fixed_questions(quiz, [question])
    db.session.commit()
    cadre = enrolled_cadre(quiz)
    login(cadre)
    client.post(f"/quizzes/item/{quiz.item_id}/start")
    attempt = _attempt(cadre)
    html = client.get(f"/quizzes/attempt/{attempt.id}").get_data(as_text=True)
    assert not BANK_VALUE.search(html) and 'name="q1-p' not in html
    prompts = re.findall(r'name="q1-([^"]+)"', html)
    answers = set(re.findall(r'<option value="([^"]+)"', html))
    assert len(prompts) == 3 and len(answers) == 3 and not set(prompts) & answers
    # Prompt i's right answer is the answer whose label is "Năm 193i": map it through the page.
    by_label = {label: value for value, label in re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', html)}
    labels = re.findall(r'<td class="content">Sự kiện (\d)</td>', html)
    assert len(labels) == 3
    data = {"shown": "1"}
    for prompt, n in zip(prompts, labels):
        data[f"q1-{prompt}"] = by_label[f"Năm {1930 + int(n)}"]
    assert client.post(f"/quizzes/attempt/{attempt.id}/save", data=data).json["ok"]
    response = _attempt(cadre).questions[0].response
    assert response == {"pairs": {"p1": "p1", "p2": "p2", "p3": "p3"}}  # stored as bank ids, for grading
