"""Files Moodle itself reads, read the same way (issue 24). Sources: Moodle's own importer tests,
question/format/gift/tests/giftformat_test.php (test_import_numerical_with_feedback, "{#3:2~#Completely
wrong}") and question/format/aiken/tests/aikenformat_test.php (choices without a space after the letter)."""
from __future__ import annotations

import pytest

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


# --- every import case of Moodle's giftformat_test.php, one test per Moodle test method ---------

def one(text: str):
    [q] = parse_gift(text)
    return q


def test_moodle_import_essay(app):
    q = one("// essay\n::Q8:: How are you? {}")
    assert (q.kind, q.name, q.text_html, q.points) == (QuestionKind.ESSAY, "Q8", "How are you?", 1.0)


def test_moodle_import_match(app):
    q = one("""// question: 2  name: Moodle activities
::Moodle activities::[html]Match the <b>activity</b> to the description.{
    =[html]An activity supporting asynchronous discussions. -> Forum
    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice
    =[plain]A bank of record entries which participants can add to. -> Database
    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki
    = -> Chat
}""")
    assert q.kind == QuestionKind.MATCHING and q.name == "Moodle activities"
    assert q.text_html == "Match the <b>activity</b> to the description."
    pairs = get_type(q.kind).validate(q.data)["pairs"]
    assert [p["answer"] for p in pairs] == ["Forum", "Choice", "Database", "Wiki", "Chat"]
    assert pairs[0]["prompt"] == "An activity supporting asynchronous discussions."
    assert pairs[3]["prompt"] == "<p>A collection of web pages that anyone can add to or edit.</p>"  # markdown
    assert pairs[4]["prompt"] == ""                                # Moodle's extra wrong answer


def test_moodle_import_multichoice(app):
    q = one("""// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{
    =yellow # right; good!
    ~red # [html]wrong, it's yellow
    ~[plain]blue # wrong, it's yellow
}""")
    assert q.kind == QuestionKind.SINGLE and q.text_html == "What's between orange and green in the spectrum?"
    assert [(c["html"], c["fraction"], c["feedback"]) for c in q.data["choices"]] == [
        ("yellow", 1.0, "right; good!"), ("red", 0.0, "wrong, it's yellow"), ("blue", 0.0, "wrong, it's yellow")]


def test_moodle_import_multichoice_multi(app):
    q = one("""::colours:: What's between orange and green in the spectrum?
{
    ~%50%yellow # right; good!
    ~%-100%red # [html]wrong
    ~%50%off-beige # right; good!
    ~%-100%[plain]blue # wrong
}""")
    assert q.kind == QuestionKind.MULTIPLE
    assert [(c["html"], c["fraction"], c["feedback"]) for c in q.data["choices"]] == [
        ("yellow", 0.5, "right; good!"), ("red", -1.0, "wrong"), ("off-beige", 0.5, "right; good!"),
        ("blue", -1.0, "wrong")]
    get_type(q.kind).validate(q.data)


def test_moodle_import_multichoice_multi_tricky(app):
    q = one("""::colours:: What's between orange and green in the spectrum?
{
    ~%100%yellow # right; good!
    ~%-50%red # wrong
    ~%-50%blue # wrong
}""")
    assert q.kind == QuestionKind.MULTIPLE                          # Moodle: single = 0
    assert [c["fraction"] for c in q.data["choices"]] == [1.0, -0.5, -0.5]
    get_type(q.kind).validate(q.data)


def test_moodle_import_numerical(app):
    q = one("// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}")
    data = get_type(q.kind).validate(q.data)
    assert q.kind == QuestionKind.NUMERICAL and q.name == "Q5"
    assert data["answers"] == [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}]
    assert data["other_feedback"] == "Completely wrong"


SHORTANSWER = """// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%50%Cat#What is it with Moodlers and cats?
    =%0%*#Completely wrong
}"""


def test_moodle_import_shortanswer(app):
    q = one(SHORTANSWER)
    data = get_type(q.kind).validate(q.data)
    assert q.kind == QuestionKind.SHORTANSWER
    assert [(a["text"], a["fraction"], a["feedback"]) for a in data["answers"]] == [
        ("Frog", 1.0, "Good!"), ("Cat", 0.5, "What is it with Moodlers and cats?"), ("*", 0.0, "Completely wrong")]
    short = get_type(q.kind)                                        # "*" is Moodle's wildcard: any other answer
    assert short.grade(data, {"text": "frog"}) == 1.0 and short.grade(data, {"text": "cat"}) == 0.5
    assert short.response_feedback(data, {"text": "dog"}) == ["Completely wrong"]
    assert short.response_feedback(data, {"text": "frog"}) == ["Good!"]


def test_moodle_import_shortanswer_with_general_feedback(app):
    q = one(SHORTANSWER[:-1] + "    ####[html]Here is some general feedback!\n}")
    assert q.general_feedback_html == "Here is some general feedback!"
    assert [a["text"] for a in q.data["answers"]] == ["Frog", "Cat", "*"]


def test_moodle_import_truefalse(app):
    q = one("// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n"
            "FALSE#42 is the Ultimate Answer.#You gave the right answer.}")
    assert q.kind == QuestionKind.TRUEFALSE and q.data["answer"] is False
    assert q.data["feedback_true"] == "42 is the Ultimate Answer."
    assert q.data["feedback_false"] == "You gave the right answer."


@pytest.mark.parametrize("answer", ["T", "TRUE"])
def test_moodle_import_truefalse_true_answer(app, answer):
    q = one("// name 0-11\n::2-08 TSL::TSL is blablabla.{" + answer + "}")
    assert (q.name, q.text_html, q.data["answer"]) == ("2-08 TSL", "TSL is blablabla.", True)


def test_moodle_import_backslash(app):
    q = one("// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")
    assert q.text_html == "A \\ B \\\\ C"


def test_moodle_import_pre_content(app):
    q = one("""::Q001::[html]<p>What would running the test method print?</p>
<pre>
    public void test() \\{
        method1();
        method2();
        method3();
    \\}
</pre>
{}""")
    assert q.kind == QuestionKind.ESSAY  # (HTML drops the newline right after <pre>, as browsers do)
    assert q.text_html == ("<p>What would running the test method print?</p>\n<pre>    public void test() {\n"
                           "        method1();\n        method2();\n        method3();\n    }\n</pre>")


def test_moodle_import_question_with_tags(app):
    q = one("// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
            "// And an idnumber: [id:myid].\n::Question name:: How are you? {}")
    assert q.tags == ["tag", "other-tag"] and q.name == "Question name"   # elearn has no idnumber


@pytest.mark.parametrize("comment, tags", [
    ("", []), ("// A basic comment.", []), ("// A comment with [id:frog] <-- an idnumber.", []),
    ("// Look tags: [tag:frog] [tag:toad].", ["frog", "toad"]), ("// [tag:add] [tag:basic] [id:four]", ["add", "basic"]),
    ("// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.", ["basic", "add"]),
    ("// Ceci n'est pas une [tag:\n// frog].", []), ("// [tag:t\\]ag].", ["t]ag"]),
])
def test_moodle_extract_tags_from_comment(app, comment, tags):
    q = one(comment + "\n::Q:: How are you? {}")
    assert q.tags == tags


# --- Moodle's aikenformat_test.php -----------------------------------------------------------------

def test_moodle_aiken_errors_file(app):
    """Moodle skips the three bad questions of its fixture and imports three; elearn refuses the
    file (all or nothing, README) naming each bad one's line, and reads the good ones as Moodle does."""
    from pathlib import Path

    from quizzes.formats.common import FormatError

    text = (Path(__file__).parent / "moodle" / "aiken_errors.txt").read_text(encoding="utf-8")
    with pytest.raises(FormatError) as refused:
        parse_aiken(text)
    assert {e.line for e in refused.value.errors} == {3, 5, 7, 14}   # Moodle: 3, 5, 7 and 18
    good = "\n\n".join(block for block in text.split("\n\n") if "good question" in block)
    first, second, third = parse_aiken(good)
    assert [(c["html"], c["fraction"]) for c in first.data["choices"]] == [("Correct", 1.0), ("Incorrect", 0.0)]
    assert [(c["html"], c["fraction"]) for c in second.data["choices"]] == [
        ("Incorrect (No space)", 0.0), ("Correct (No space)", 1.0)]
    assert [c["html"] for c in third.data["choices"]] == ["Correct (&lt; &gt; &amp;)", "Incorrect (&lt; &gt; &amp;)"]
    assert third.name == "A third good question with HTML chars such as > < &"
