"""GIFT export -> import gives back the same questions (pure: writer and parser)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearn.html import sanitize_html
from quizzes.bank.models import QuestionKind as K
from quizzes.formats.common import ParsedQuestion, plain_html
from quizzes.formats.export import write_gift
from quizzes.formats.gift import parse_gift

SPECIAL = list("~=#{}:\\[]%/<>&\"' ") + ["->", "\n", "####", "::", "//", "_____", "\\n", "Đảng", "ươ", "ộ"]


def comparable(q: ParsedQuestion):
    return (q.kind, q.name, q.text_html, q.general_feedback_html, q.data, q.tags, q.points, q.category)


def roundtrip(questions):
    back = parse_gift(write_gift(questions))
    assert [comparable(q) for q in back] == [comparable(q) for q in questions]


def every_kind():
    def q(kind, data, **kw):
        base = dict(kind=kind, text_html=f"<p>Câu {kind.value} {{x}} = ~ # :</p>", data=data, line=0,
                    name=f"Tên: {kind.value} ~ # =", general_feedback_html="Giải thích <b>#1</b> {a}")
        return ParsedQuestion(**(base | kw))
    return [
        q(K.SINGLE, {"choices": [
            {"id": "a", "html": "Hà Nội = thủ đô", "fraction": 1.0, "feedback": "Đúng #1"},
            {"id": "b", "html": "%50% Huế", "fraction": 0.0, "feedback": ""},
            {"id": "c", "html": "[html] Sài Gòn", "fraction": 0.5, "feedback": ""},
            {"id": "d", "html": "Đà Nẵng", "fraction": 1.0, "feedback": ""},
            {"id": "e", "html": "Vinh", "fraction": -0.25, "feedback": "Phạt"}], "shuffle": False,
            "all_or_nothing": False}, tags=["lịch sử", "địa lý"], points=2.0),
        q(K.MULTIPLE, {"choices": [
            {"id": "a", "html": "A", "fraction": 0.3333333, "feedback": "x"},
            {"id": "b", "html": "B", "fraction": 0.3333333, "feedback": ""},
            {"id": "c", "html": "C", "fraction": 0.3333334, "feedback": ""},
            {"id": "d", "html": "D", "fraction": -1.0, "feedback": ""}], "shuffle": True,
            "all_or_nothing": True}, category=("Chương 1", "Bài a/b")),
        q(K.TRUEFALSE, {"answer": True, "feedback_true": "", "feedback_false": "Sai rồi"}),
        q(K.TRUEFALSE, {"answer": False, "feedback_true": "Sai #", "feedback_false": "Đúng"}, general_feedback_html=""),
        q(K.SHORTANSWER, {"answers": [{"text": "Hồ Chí Minh", "fraction": 1.0, "feedback": ""},
                                      {"text": "[plain] Bác = Hồ", "fraction": 0.5, "feedback": "Gần"}],
                          "case_sensitive": True, "accent_insensitive": True}, category=("Chương 2",)),
        q(K.NUMERICAL, {"answers": [{"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": ""},
                                    {"value": -1e-07, "tolerance": 2.5, "fraction": 0.25, "feedback": "Gần"}]}),
        q(K.MATCHING, {"pairs": [{"id": "p1", "prompt": "Canada -&gt; ?", "answer": "Ottawa"},
                                 {"id": "p2", "prompt": "Ý", "answer": "Rome = Roma"},
                                 {"id": "p3", "prompt": "", "answer": "Paris"}], "shuffle": False}),
        q(K.ESSAY, {}, points=5.0),
        q(K.DESCRIPTION, {}, points=0.0, general_feedback_html="", category=()),
    ]


def test_every_kind_round_trips():
    roundtrip(every_kind())


def test_export_is_readable_gift():
    text = write_gift(every_kind())
    assert "$CATEGORY: Chương 1/Bài a//b" in text and "::Tên\\: single \\~ \\# \\=::[html]" in text
    assert "// [tag:lịch sử]" in text and "// [points:2.0]" in text


words = st.lists(st.sampled_from(SPECIAL) | st.text(alphabet="aăâbcdđeêơưxyzÁẠ01", min_size=1, max_size=6),
                 min_size=1, max_size=8).map("".join)
visible = words.map(lambda s: " ".join(s.split())).filter(bool)


def html_of(text: str) -> str:
    return sanitize_html(plain_html(text))


html = visible.map(html_of).filter(bool)
fraction = st.integers(-100, 100).map(lambda n: n / 100)


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(list(K)))
    if kind in (K.SINGLE, K.MULTIPLE):
        n = draw(st.integers(2, 5))
        fractions = [draw(fraction) for _ in range(n)]
        if kind == K.SINGLE:
            fractions[draw(st.integers(0, n - 1))] = 1.0
        data = {"choices": [{"id": chr(97 + i), "html": draw(html), "fraction": f,
                             "feedback": draw(st.just("") | html)} for i, f in enumerate(fractions)],
                "shuffle": draw(st.booleans()),
                "all_or_nothing": draw(st.booleans()) if kind == K.MULTIPLE else False}
    elif kind == K.TRUEFALSE:
        data = {"answer": draw(st.booleans()), "feedback_true": draw(st.just("") | html),
                "feedback_false": draw(st.just("") | html)}
    elif kind == K.SHORTANSWER:
        texts = draw(st.lists(visible.filter(lambda s: "->" not in s), min_size=1, max_size=3))
        data = {"answers": [{"text": t, "fraction": draw(fraction.filter(lambda f: f >= 0)),
                             "feedback": draw(st.just("") | html)} for t in texts],
                "case_sensitive": draw(st.booleans()), "accent_insensitive": draw(st.booleans())}
    elif kind == K.NUMERICAL:
        number = st.floats(allow_nan=False, allow_infinity=False)
        data = {"answers": [{"value": draw(number), "tolerance": abs(draw(number)), "fraction": 1.0,
                             "feedback": draw(st.just("") | html)} for _ in range(draw(st.integers(1, 3)))]}
    elif kind == K.MATCHING:
        data = {"pairs": [{"id": f"p{i + 1}", "prompt": draw(html), "answer": draw(html)} for i in range(3)],
                "shuffle": draw(st.booleans())}
    else:
        data = {}
    return ParsedQuestion(
        kind=kind, text_html=draw(html), data=data, line=0, name=draw(visible),
        general_feedback_html=draw(st.just("") | html) if kind != K.DESCRIPTION else "",
        points=draw(st.sampled_from([0.0, 1.0, 2.5, 10.0])), tags=draw(st.lists(
            st.sampled_from(["lịch sử", "địa lý", "tư tưởng", "khó]dễ"]), unique=True, max_size=2)),
        category=tuple(draw(st.lists(visible.filter(lambda s: "/" not in s), max_size=2))))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(questions(), min_size=1, max_size=4))
def test_generated_questions_round_trip(generated):
    roundtrip(generated)
