"""Properties that must hold for any input: grades stay in [0, 1], hostile JSON only ever
raises InvalidResponse, and the public view never carries the key."""
import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.bank.models import QuestionKind
from quizzes.bank.types import InvalidQuestion, InvalidResponse, get_type

K = QuestionKind

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
ids = st.sampled_from(["a", "b", "c", "d", "p1", "p2", "p3", "zz", ""])
responses = json_values | st.fixed_dictionaries({}, optional={
    "choice": ids | json_values, "choices": st.lists(ids, max_size=6) | json_values,
    "value": st.booleans() | st.text(max_size=12) | st.floats() | json_values,
    "text": st.text(max_size=30) | json_values,
    "pairs": st.dictionaries(ids, ids, max_size=4) | json_values})

weights = st.floats(min_value=-1, max_value=1, allow_nan=False)


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(list(K)))
    if kind in (K.SINGLE, K.MULTIPLE):
        n = draw(st.integers(2, 5))
        fractions = [draw(weights) for _ in range(n)]
        if kind == K.SINGLE:
            fractions[draw(st.integers(0, n - 1))] = 1.0
        else:
            positives = [i for i, f in enumerate(fractions) if f > 0] or [0]
            for i in positives:
                fractions[i] = 1.0 / len(positives)
        data = {"choices": [{"html": f"<p>{i}</p>", "fraction": f} for i, f in enumerate(fractions)],
                "all_or_nothing": draw(st.booleans())}
    elif kind == K.TRUEFALSE:
        data = {"answer": draw(st.booleans())}
    elif kind == K.SHORTANSWER:
        data = {"answers": [{"text": "Hồ Chí Minh"}, {"text": draw(st.text(min_size=1, max_size=10)), "fraction": 0.5}],
                "accent_insensitive": draw(st.booleans()), "case_sensitive": draw(st.booleans())}
    elif kind == K.NUMERICAL:
        data = {"answers": [{"value": draw(st.floats(-1e6, 1e6)), "tolerance": draw(st.floats(0, 10))}]}
    elif kind == K.MATCHING:
        data = {"pairs": [{"prompt": f"q{i}", "answer": draw(st.sampled_from(["x", "y", "z", f"a{i}"]))}
                          for i in range(draw(st.integers(2, 4)))]}
    else:
        data = {}
    try:
        return kind, get_type(kind).validate(data)
    except InvalidQuestion:  # e.g. a drawn short answer equal to the first one
        return kind, get_type(kind).validate({**data, "answers": data["answers"][:1]})


@settings(max_examples=400, deadline=None)
@given(questions(), responses)
def test_clean_response_raises_only_invalid_response_and_grade_stays_in_unit_interval(question, response):
    kind, data = question
    qtype = get_type(kind)
    try:
        cleaned = qtype.clean_response(data, response)
    except InvalidResponse:
        cleaned = None
    else:
        json.dumps(cleaned)  # what an attempt stores must be plain JSON
        assert qtype.clean_response(data, cleaned) == cleaned  # cleaning is idempotent
    grade = qtype.grade(data, cleaned)
    assert 0.0 <= grade <= 1.0
    assert isinstance(qtype.response_text(data, cleaned), str)


@settings(max_examples=200, deadline=None)
@given(questions(), st.lists(ids | st.integers(), max_size=6), st.integers(0, 2**32))
def test_public_never_carries_the_key(question, order, seed):
    kind, data = question
    qtype = get_type(kind)
    for shown in (qtype.public(data, order), qtype.public(data, qtype.new_order(data, random.Random(seed)))):
        text = json.dumps(shown)
        for secret in ("fraction", "feedback", '"answer"', '"pairs"', '"text"', "tolerance", "all_or_nothing", "Hồ Chí Minh"):
            assert secret not in text
        if "choices" in shown:
            assert sorted(c["id"] for c in shown["choices"]) == sorted(c["id"] for c in data["choices"])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(K)), json_values)
def test_validate_raises_only_invalid_question(kind, data):
    try:
        get_type(kind).validate(data)
    except InvalidQuestion:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), weights), min_size=2, max_size=6), st.data())
def test_multiple_grade_in_unit_interval_for_any_selection(choices, draw):
    positives = [i for i, (_, f) in enumerate(choices) if f > 0] or [0]
    fractions = [1.0 / len(positives) if i in positives else f for i, (_, f) in enumerate(choices)]
    data = get_type(K.MULTIPLE).validate({"choices": [{"html": str(i), "fraction": f} for i, f in enumerate(fractions)]})
    chosen = draw.draw(st.lists(st.sampled_from([c["id"] for c in data["choices"]]), unique=True))
    grade = get_type(K.MULTIPLE).grade(data, {"choices": chosen})
    assert 0.0 <= grade <= 1.0
    if set(chosen) == {data["choices"][i]["id"] for i in positives}:
        assert grade == 1.0
