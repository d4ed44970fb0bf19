"""GIFT files Moodle reads, read the same way (issue 24).

Every import case of Moodle's own parser test, question/format/gift/tests/giftformat_test.php
(github.com/moodle/moodle, blob of commit 3d51aed3e2133fd808f9f016d29f89c8261cc33c), one test
each, named after Moodle's test method; the GIFT that Moodle's export tests expect it to write
(``test_export_*``) must import too; and the fixture files Moodle's behat tests import
(tests/quizzes/formats/moodle/*.gift.txt). Moodle's kinds map to elearn's: multichoice with an
``=`` answer -> single, without -> multiple; essay, description, truefalse, shortanswer,
numerical, match -> the same kinds. Moodle's answer, fraction and feedback lists are compared
to elearn's data (texts as a reader sees them).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn import db
from quizzes.bank import category_paths
from quizzes.bank import services as bank
from quizzes.bank.models import Question, QuestionKind
from quizzes.bank.types import get_type
from quizzes.formats import services
from quizzes.formats.common import FormatError
from quizzes.formats.gift import parse_gift
from tests.quizzes.formats.moodle import fixture_bytes, text

K = QuestionKind


def one(gift: str):
    """The one question of a GIFT text, its data as the bank stores it (validated and sanitized)."""
    [q] = parse_gift(gift)
    return q, bank.clean_data(q.kind, q.data)


def choices(data):
    return ([text(c["html"]) for c in data["choices"]], [c["fraction"] for c in data["choices"]],
            [text(c["feedback"]) for c in data["choices"]])


def test_import_essay(app):
    q, data = one("\n// essay\n::Q8:: How are you? {}")
    assert (q.kind, q.name, q.text_html, q.general_feedback_html, data) == (K.ESSAY, "Q8", "How are you?", "", {})


def test_import_match(app):
    q, data = one("""
// question: 2  name: Moodle activities
::Moodle activities::[html]Match the <b>activity</b> to the description.{
    =[html]An activity supporting asynchronous discussions. -> Forum
    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice
    =[plain]A bank of record entries which participants can add to. -> Database
    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki
    = -> Chat
}""")
    assert (q.kind, q.name) == (K.MATCHING, "Moodle activities")
    assert q.text_html == "Match the <b>activity</b> to the description."
    assert [text(p["prompt"]) for p in data["pairs"]] == [
        "An activity supporting asynchronous discussions.",
        "A teacher asks a question and specifies a choice of multiple responses.",
        "A bank of record entries which participants can add to.",
        "A collection of web pages that anyone can add to or edit.",
        ""]  # an empty prompt: "Chat" is an extra wrong answer, as in Moodle
    assert [text(p["answer"]) for p in data["pairs"]] == ["Forum", "Choice", "Database", "Wiki", "Chat"]
    assert data["shuffle"] is True  # Moodle: shuffleanswers 1


@pytest.mark.parametrize("numbering", ["abc", "ABCD", "123", "iii", "IIII", "none"])
def test_import_multichoice(app, numbering):
    # Moodle's numbering styles are a site setting, not in the file: elearn letters every choice
    # list the same way, so the import is the same for each.
    q, data = one("""
// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{
    =yellow # right; good!
    ~red # [html]wrong, it's yellow
    ~[plain]blue # wrong, it's yellow
}""")
    assert (q.kind, q.name, text(q.text_html)) == (K.SINGLE, "Q2", "What's between orange and green in the spectrum?")
    assert choices(data) == (["yellow", "red", "blue"], [1, 0, 0],
                             ["right; good!", "wrong, it's yellow", "wrong, it's yellow"])
    assert data["shuffle"] is True


def test_import_multichoice_multi(app):
    q, data = one("""
// multiple choice, multiple response with specified feedback for right and wrong answers
::colours:: What's between orange and green in the spectrum?
{
    ~%50%yellow # right; good!
    ~%-100%red # [html]wrong
    ~%50%off-beige # right; good!
    ~%-100%[plain]blue # wrong
}""")
    assert (q.kind, q.name) == (K.MULTIPLE, "colours")
    assert choices(data) == (["yellow", "red", "off-beige", "blue"], [0.5, -1, 0.5, -1],
                             ["right; good!", "wrong", "right; good!", "wrong"])
    assert data["all_or_nothing"] is False
    multiple = get_type(K.MULTIPLE)
    assert multiple.grade(data, {"choices": ["a", "c"]}) == 1.0
    assert multiple.grade(data, {"choices": ["a", "b"]}) == 0.0  # 0.5 - 1, clamped as Moodle does


def test_import_multichoice_multi_tricky(app):
    q, data = one("""
// multiple choice, multiple response with specified feedback for right and wrong answers
::colours:: What's between orange and green in the spectrum?
{
    ~%100%yellow # right; good!
    ~%-50%red # wrong
    ~%-50%blue # wrong
}""")
    assert q.kind == K.MULTIPLE  # no '=': Moodle's single = 0, even with one 100% answer
    assert choices(data) == (["yellow", "red", "blue"], [1, -0.5, -0.5], ["right; good!", "wrong", "wrong"])


def test_import_numerical(app):
    q, data = one("\n// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}")
    assert (q.kind, q.name, q.text_html) == (K.NUMERICAL, "Q5", "What is a number from 1 to 5?")
    # Moodle: answers ['3', '*'], fractions [1, 0], tolerances [2, '']: the '*' answer is elearn's
    # feedback for any other answer.
    assert data["answers"] == [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}]
    assert data["other_feedback"] == "Completely wrong"
    numerical = get_type(K.NUMERICAL)
    assert numerical.response_feedback(data, {"value": "9"}) == ["Completely wrong"]
    assert numerical.response_feedback(data, {"value": "4"}) == []
    assert numerical.grade(data, {"value": "9"}) == 0.0 and numerical.grade(data, {"value": "1"}) == 1.0


SHORTANSWER = """
// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%50%Cat#What is it with Moodlers and cats?
    =%0%*#Completely wrong%s
}"""


def _check_shortanswer(q, data):
    assert (q.kind, q.name, q.text_html) == (K.SHORTANSWER, "Shortanswer", "Which is the best animal?")
    assert [a["text"] for a in data["answers"]] == ["Frog", "Cat", "*"]
    assert [a["fraction"] for a in data["answers"]] == [1, 0.5, 0]
    assert [a["feedback"] for a in data["answers"]] == ["Good!", "What is it with Moodlers and cats?",
                                                        "Completely wrong"]
    # '*' is Moodle's wildcard: any other answer earns 0 and gets "Completely wrong".
    short = get_type(K.SHORTANSWER)
    assert data["wildcards"] is True and data["case_sensitive"] is False  # Moodle: usecase 0
    assert [short.grade(data, {"text": t}) for t in ("frog", "Cat", "dog")] == [1.0, 0.5, 0.0]
    assert short.response_feedback(data, {"text": "dog"}) == ["Completely wrong"]
    assert short.response_feedback(data, {"text": "FROG"}) == ["Good!"]


def test_import_shortanswer(app):
    q, data = one(SHORTANSWER.replace("%s", ""))
    _check_shortanswer(q, data)
    assert q.general_feedback_html == ""


def test_import_shortanswer_with_general_feedback(app):
    q, data = one(SHORTANSWER.replace("%s", "\n    ####[html]Here is some general feedback!"))
    _check_shortanswer(q, data)
    assert q.general_feedback_html == "Here is some general feedback!"


def test_import_truefalse(app):
    q, data = one("""
// true/false
::Q1:: 42 is the Absolute Answer to everything.{
FALSE#42 is the Ultimate Answer.#You gave the right answer.}""")
    assert (q.kind, q.name, q.text_html) == (K.TRUEFALSE, "Q1", "42 is the Absolute Answer to everything.")
    # Moodle: correctanswer 0, feedbacktrue "42 is the Ultimate Answer.", feedbackfalse "You gave ..."
    assert data == {"answer": False, "feedback_true": "42 is the Ultimate Answer.",
                    "feedback_false": "You gave the right answer."}


@pytest.mark.parametrize("answer", ["T", "TRUE"], ids=["true_answer1", "true_answer2"])
def test_import_truefalse_true_answer(app, answer):
    q, data = one(f"// name 0-11\n::2-08 TSL::TSL is blablabla.{{{answer}}}")
    assert (q.kind, q.name, q.text_html) == (K.TRUEFALSE, "2-08 TSL", "TSL is blablabla.")
    assert data == {"answer": True, "feedback_true": "", "feedback_false": ""}


def test_import_backslash(app):
    # MDL-34171: "\\\\" in GIFT is one backslash; Moodle expects 'A \\ B \\\\ C' (PHP) = A \ B \\ C.
    q, data = one("\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")
    assert (q.kind, q.name, q.text_html) == (K.ESSAY, "double backslash", "A \\ B \\\\ C")


def test_import_pre_content(app):
    q, data = one("""
::Q001::[html]<p>What would running the test method print?</p>
<pre>
    public void test() \\{
        method1();
        method2();
        method3();
    \\}
</pre>
{}""")
    assert (q.kind, q.name) == (K.ESSAY, "Q001")
    # The indentation is kept; HTML drops a newline right after <pre>, and so does the sanitizer.
    assert q.text_html.replace("<pre>", "<pre>\n") == """<p>What would running the test method print?</p>
<pre>
    public void test() {
        method1();
        method2();
        method3();
    }
</pre>"""


def test_import_question_with_tags(app):
    q, data = one("""
// This question is to test importing tags: [tag:tag] [tag:other-tag].
// And an idnumber: [id:myid].
::Question name:: How are you? {}""")
    assert (q.kind, q.name, q.text_html) == (K.ESSAY, "Question name", "How are you?")
    assert q.tags == ["tag", "other-tag"]  # the idnumber has no place in elearn: ignored


@pytest.mark.parametrize("expected, comment", [
    ([], ""),
    ([], "// A basic comment."),
    ([], "// A comment with [id:frog] <-- an idnumber."),
    (["frog", "toad"], "// Look tags: [tag:frog] [tag:toad]."),
    (["add", "basic"], "// [tag:add] [tag:basic] [id:four]"),
    (["basic", "add"], "// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion."),
    ([], "// Ceci n\\'est pas une [tag:\n// \\ frog]."),
    ([], "// [id:i\\]d]."),
    (["t]ag"], "// [tag:t\\]ag]."),
], ids=["blank comment", "nothing in comment", "idnumber only", "tags only", "everything",
        "everything mixed up", "split over line", "escape ] idnumber", "escape ] tag"])
def test_extract_idnumber_and_tags_from_comment(app, expected, comment):
    # Moodle's cases give the comment alone; here it heads a question, as in a file. (In "split
    # over line" the second line is a comment too: in a file, a line without // is question text.)
    q, _data = one(comment + "\n::Q:: How are you? {}")
    assert q.tags == expected


# What Moodle's own exporter writes (the expected texts of its test_export_* methods), read back.
MOODLE_WRITES = {
    "export_essay": ("// question: 666  name: Q8\n::Q8::How are you?{}\n", K.ESSAY, {}),
    "export_match": ("""// question: 666  name: Moodle activities
::Moodle activities::[html]Match the <b>activity</b> to the description.{
\t=<div class\\="frog">An activity supporting asynchronous discussions.</div> -> Forum
\t=[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice
\t=[plain]A bank of record entries which participants can add to. -> Database
\t=[markdown]A collection of web pages that anyone can add to or edit. -> Wiki
\t= -> Chat
}
""", K.MATCHING, {"answers": ["Forum", "Choice", "Database", "Wiki", "Chat"]}),
    "export_multichoice": ("""// question: 666  name: Q8
::Q8::What's between orange and green in the spectrum?{
\t=yellow#right; good!
\t~red#[html]wrong, it's yellow
\t~[plain]blue#wrong, it's yellow
}
""", K.SINGLE, {"fractions": [1, 0, 0], "feedback": ["right; good!", "wrong, it's yellow", "wrong, it's yellow"]}),
    "export_multichoice_multi_tricky": ("""// question: 666  name: Q8
::Q8::What's between orange and green in the spectrum?{
\t~%100%yellow#right; good!
\t~%-50%red#wrong, it's yellow
\t~%-50%blue#wrong, it's yellow
}
""", K.MULTIPLE, {"fractions": [1, -0.5, -0.5]}),
    "export_numerical": ("""// question: 666  name: Q5
::Q5::What is a number from 1 to 5?{#
\t=%100%3:2#
\t~#Completely wrong
}
""", K.NUMERICAL, {"values": [(3.0, 2.0, 1.0)], "other_feedback": "Completely wrong"}),
    "export_shortanswer": ("""// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
\t=%100%Frog#Good!
\t=%50%Cat#What is it with Moodlers and cats?
\t=%0%*#Completely wrong
}
""", K.SHORTANSWER, {"answers": ["Frog", "Cat", "*"], "fractions": [1, 0.5, 0]}),
    "export_shortanswer_with_general_feedback": ("""// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
\t=%100%Frog#Good!
\t=%50%Cat#What is it with Moodlers and cats?
\t=%0%*#Completely wrong
\t####[html]Here is some general feedback!
}
""", K.SHORTANSWER, {"general": "Here is some general feedback!"}),
    "export_truefalse": ("// question: 666  name: Q1\n::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is "
                         "the Ultimate Answer.#You gave the right answer.}\n", K.TRUEFALSE,
                         {"tf": {"answer": True, "feedback_true": "You gave the right answer.",
                                 "feedback_false": "42 is the Ultimate Answer."}}),
    "export_backslash": ("// question: 666  name: backslash\n::backslash::A \\\\ B \\\\\\\\ C{}\n", K.ESSAY,
                         {"text": "A \\ B \\\\ C"}),
    "export_question_with_tags_and_idnumber": (
        "// question: 7  name: True/false question\n// [id:myid] [tag:tag1] [tag:tag2]\n::True/false question::"
        "[html]The answer is true.{TRUE#This is the wrong answer.#This is the right answer.####You should have "
        "selected true.}\n", K.TRUEFALSE,
        {"tags": ["tag1", "tag2"], "general": "You should have selected true.",
         "tf": {"answer": True, "feedback_true": "This is the right answer.",
                "feedback_false": "This is the wrong answer."}}),
}


@pytest.mark.parametrize("case", list(MOODLE_WRITES))
def test_what_moodle_exports_imports(app, case):
    gift, kind, expect = MOODLE_WRITES[case]
    q, data = one(gift)
    assert q.kind == kind
    items = data.get("choices") or data.get("answers") or data.get("pairs") or []
    if "answers" in expect:
        assert [text(i.get("answer") or i.get("text") or "") for i in items] == expect["answers"]
    if "fractions" in expect:
        assert [i["fraction"] for i in items] == expect["fractions"]
    if "feedback" in expect:
        assert [text(i["feedback"]) for i in items] == expect["feedback"]
    if "values" in expect:
        assert [(a["value"], a["tolerance"], a["fraction"]) for a in items] == expect["values"]
    if "other_feedback" in expect:
        assert data["other_feedback"] == expect["other_feedback"]
    if "general" in expect:
        assert q.general_feedback_html == expect["general"]
    if "tf" in expect:
        assert data == expect["tf"]
    if "tags" in expect:
        assert q.tags == expect["tags"]
    if "text" in expect:
        assert q.text_html == expect["text"]


@pytest.fixture
def target(app):
    category = bank.create_category("Moodle")
    db.session.commit()
    return category


def _imported(category_ids=None):
    rows = db.session.scalars(select(Question).order_by(Question.id)).all()
    return [(q.current_version.kind, q.current_version.name) for q in rows
            if category_ids is None or q.category_id in category_ids]


def test_fixture_questions_gift_imports_nine_questions(target):
    # Moodle's behat import of this file says "Importing 9 questions from file".
    result = services.import_file(target, "gift", fixture_bytes("questions.gift.txt"), None)
    db.session.commit()
    assert result.imported == 9
    assert _imported() == [(K.ESSAY, "Q8"), (K.MATCHING, "Moodle activities"), (K.SINGLE, "Q2"),
                           (K.MULTIPLE, "colours"), (K.NUMERICAL, "Q5"), (K.SHORTANSWER, "Shortanswer"),
                           (K.TRUEFALSE, "Q1"), (K.TRUEFALSE, "2-08 TSL"), (K.TRUEFALSE, "2-08 TSL")]
    versions = {q.current_version.name: q.current_version for q in db.session.scalars(select(Question))}
    # The stray '";' after two answer blocks (in Moodle's file) makes them missing-word questions,
    # as Moodle reads them; the true/false keeps its general feedback.
    assert versions["Q5"].text_html == 'What is a number from 1 to 5? _____";'
    assert versions["Q1"].general_feedback_html == "This is, of course, a Hitchiker's Guide to the Galaxy reference."


def test_fixture_questions_in_category(target):
    result = services.import_file(target, "gift", fixture_bytes("questions_in_category.gift.txt"), None)
    db.session.commit()
    assert result.imported == 4 and result.categories == 1
    sub = category_paths.find_category_path("Moodle/Default for New Features", None)  # "$course$/" dropped
    assert _imported({sub.id}) == [(K.MATCHING, "Moodle activities"), (K.SINGLE, "Greeting"),
                                   (K.SHORTANSWER, "Moodle user"), (K.TRUEFALSE, "Moodle acronym")]
    greeting = db.session.scalar(select(Question).where(Question.search_text.contains("greeting"))).current_version
    assert greeting.text_html.startswith('<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen')
    assert [c["fraction"] for c in greeting.data["choices"]] == [0, 1, 0, 0]


# Files Moodle refuses (its importer's error strings), refused by elearn with the line.
@pytest.mark.parametrize("gift, line", [
    ("::Q:: Brace not closed {=a ~b", 1),                 # braceerror
    ("\n\n::Q:: One choice only {~a}", 3),               # importminerror (multichoice)
    ("::Q:: Pairs {=a -> 1 =b 2}", 1),                    # giftmatchingformat
    ("::Q:: Not a number {#three}", 1),                   # errornotnumbers
    ("::Q:: No numerical answer {#}", 1),                 # giftnonumericalanswers
])
def test_moodle_refuses_so_does_elearn(app, gift, line):
    with pytest.raises(FormatError) as caught:
        parse_gift(gift)
    assert [e.line for e in caught.value.errors] == [line]
