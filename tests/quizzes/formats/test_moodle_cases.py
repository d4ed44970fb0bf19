"""Files Moodle itself reads, read the same way (issue 24). Sources: Moodle's own importer tests,
question/format/gift/tests/giftformat_test.php (test_import_numerical_with_feedback, "{#3:2~#Completely
wrong}") and question/format/aiken/tests/aikenformat_test.php (choices without a space after the letter)."""
from __future__ import annotations

from quizzes.bank.models import QuestionKind
from quizzes.bank.types import get_type
from quizzes.formats.aiken import parse_aiken
from quizzes.formats.gift import parse_gift

GIFT_NUMERICAL_OTHER = """// from Moodle's giftformat_test.php
::Question 1:: What is 1 + 2? {#3:2~#Completely wrong}
"""

AIKEN_NO_SPACE = """Which is the right answer?
A)Incorrect
B)Correct
ANSWER: B
"""


def test_gift_numerical_keeps_the_feedback_for_any_other_answer(app):
    [q] = parse_gift(GIFT_NUMERICAL_OTHER)
    assert q.kind == QuestionKind.NUMERICAL
    data = get_type(q.kind).validate(q.data)
    assert data["answers"] == [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}]
    assert data["other_feedback"] == "Completely wrong"
    numerical = get_type(QuestionKind.NUMERICAL)
    assert numerical.response_feedback(data, {"value": "9"}) == ["Completely wrong"]  # shown on review
    assert numerical.response_feedback(data, {"value": "4"}) == []  # within 3 ± 2: no "other" feedback
    assert numerical.grade(data, {"value": "9"}) == 0.0 and numerical.grade(data, {"value": "1"}) == 1.0


def test_aiken_choices_without_a_space_after_the_letter(app):
    [q] = parse_aiken(AIKEN_NO_SPACE)
    assert q.kind == QuestionKind.SINGLE
    choices = q.data["choices"]
    assert [c["html"] for c in choices] == ["Incorrect", "Correct"] and [c["fraction"] for c in choices] == [0, 1]
