"""Every question type: validation, hostile responses, grading, what the browser sees."""
import random

import pytest

from quizzes.bank.models import QuestionKind
from quizzes.bank.types import TYPES, InvalidQuestion, InvalidResponse, answer_key, finite_float, get_type, parse_number

K = QuestionKind

pytestmark = pytest.mark.usefixtures("vi")


def single_data(**extra):
    return get_type(K.SINGLE).validate({"choices": [
        {"html": "Hà Nội", "fraction": 1, "feedback": "Đúng rồi"},
        {"html": "Huế", "fraction": 0, "feedback": "Huế là cố đô"},
        {"html": "Sài Gòn", "fraction": 0.5}], **extra})


def multiple_data(**extra):
    return get_type(K.MULTIPLE).validate({"choices": [
        {"id": "a", "html": "Cần", "fraction": 0.5},
        {"id": "b", "html": "Kiệm", "fraction": 0.5},
        {"id": "c", "html": "Xa hoa", "fraction": -1, "feedback": "Không"},
        {"id": "d", "html": "Lãng phí", "fraction": -0.5}], **extra})


def test_every_kind_has_a_type():
    assert set(TYPES) == set(QuestionKind)
    assert not TYPES[K.ESSAY].auto_graded and not TYPES[K.DESCRIPTION].auto_graded
    assert all(TYPES[k].auto_graded for k in set(K) - {K.ESSAY, K.DESCRIPTION})


# --- single ----------------------------------------------------------------------------------

def test_single_assigns_ids_and_grades_by_fraction():
    data = single_data()
    t = get_type(K.SINGLE)
    assert [c["id"] for c in data["choices"]] == ["a", "b", "c"]
    assert data["shuffle"] is True
    assert t.grade(data, {"choice": "a"}) == 1.0
    assert t.grade(data, {"choice": "c"}) == 0.5
    assert t.grade(data, {"choice": "b"}) == 0.0
    assert t.grade(data, None) == 0.0
    assert t.grade(data, {"choice": None}) == 0.0


@pytest.mark.parametrize("data, message", [
    ({"choices": [{"html": "A", "fraction": 0}, {"html": "B", "fraction": 0.5}]}, "100%"),
    ({"choices": [{"html": "A", "fraction": 1}]}, "hai"),
    ({"choices": [{"html": "A", "fraction": 1}, {"html": "  ", "fraction": 0}]}, "trống"),
    ({"choices": [{"html": "<p> </p>", "fraction": 1}, {"html": "B"}]}, "trống"),
    ({"choices": [{"id": "x", "html": "A", "fraction": 1}, {"id": "x", "html": "B"}]}, "x"),
    ({"choices": [{"id": "a b", "html": "A", "fraction": 1}, {"html": "B"}]}, "mã"),
    ({"choices": [{"html": "A", "fraction": 2}, {"html": "B"}]}, "100%"),
    ({"choices": [{"html": "A", "fraction": "nhiều"}, {"html": "B"}]}, "số"),
    ({"choices": "A,B"}, "không đúng"),
    ({"choices": [{"html": 5, "fraction": 1}, {"html": "B"}]}, "văn bản"),
    ({"choices": [{"html": f"c{i}", "fraction": 1} for i in range(60)]}, "50"),
    ([], "không đúng"),
])
def test_single_refuses_bad_data_in_vietnamese(data, message):
    with pytest.raises(InvalidQuestion) as error:
        get_type(K.SINGLE).validate(data)
    assert message in str(error.value)


def test_single_image_only_choice_is_content():
    data = get_type(K.SINGLE).validate({"choices": [{"html": '<img src="https://x.vn/a.png" alt="">', "fraction": 1},
                                                    {"html": "B"}]})
    assert len(data["choices"]) == 2


@pytest.mark.parametrize("response", [
    {"choice": "zz"}, {"choice": 1}, {"choice": ["a"]}, {"choice": {"id": "a"}}, "a", ["a"], None, 3,
    {"choice": "a" * 100_000},
])
def test_single_hostile_responses(response):
    with pytest.raises(InvalidResponse):
        get_type(K.SINGLE).clean_response(single_data(), response)


def test_single_choice_from_another_question_is_refused():
    other = get_type(K.SINGLE).validate({"choices": [{"id": "q9x", "html": "X", "fraction": 1},
                                                     {"id": "q9y", "html": "Y"}]})
    with pytest.raises(InvalidResponse):
        get_type(K.SINGLE).clean_response(single_data(), {"choice": other["choices"][0]["id"]})


def test_single_public_hides_key_and_keeps_order():
    data = single_data()
    public = get_type(K.SINGLE).public(data, ["c", "a", "b"])
    assert public == {"kind": "single", "choices": [{"id": "c", "html": "Sài Gòn"}, {"id": "a", "html": "Hà Nội"},
                                                     {"id": "b", "html": "Huế"}]}
    text = repr(get_type(K.SINGLE).public(data))
    assert "fraction" not in text and "feedback" not in text and "Đúng rồi" not in text
    # A forged or stale order never hides or duplicates a choice.
    forged = get_type(K.SINGLE).public(data, ["c", "c", "zz", 5])
    assert [c["id"] for c in forged["choices"]] == ["c", "a", "b"]


def test_shuffle_uses_the_given_rng_and_respects_the_flag():
    t = get_type(K.SINGLE)
    data = get_type(K.SINGLE).validate({"choices": [{"html": str(i), "fraction": 1 if i == 0 else 0}
                                                    for i in range(10)]})
    assert t.new_order(data, random.Random(1)) == t.new_order(data, random.Random(1))
    assert sorted(t.new_order(data, random.Random(1))) == sorted(c["id"] for c in data["choices"])
    assert t.new_order(data, random.Random(1)) != [c["id"] for c in data["choices"]]
    fixed = {**data, "shuffle": False}
    assert t.new_order(fixed, random.Random(1)) == [c["id"] for c in data["choices"]]


def test_single_review_helpers():
    t, data = get_type(K.SINGLE), single_data()
    assert t.choice_feedback(data) == {"a": "Đúng rồi", "b": "Huế là cố đô"}
    assert t.response_feedback(data, {"choice": "b"}) == ["Huế là cố đô"]
    assert str(t.right_answer_html(data)) == "Hà Nội"
    assert t.response_text(data, {"choice": "c"}) == "Sài Gòn"


# --- multiple --------------------------------------------------------------------------------

def test_multiple_partial_credit_with_penalties_clamped():
    t, data = get_type(K.MULTIPLE), multiple_data()
    assert data["all_or_nothing"] is False
    assert t.grade(data, {"choices": ["a", "b"]}) == 1.0
    assert t.grade(data, {"choices": ["a"]}) == 0.5
    assert t.grade(data, {"choices": ["a", "b", "d"]}) == 0.5
    assert t.grade(data, {"choices": ["a", "c"]}) == 0.0  # -0.5 clamps to 0
    assert t.grade(data, {"choices": ["a", "b", "c", "d"]}) == 0.0
    assert t.grade(data, {"choices": []}) == 0.0


def test_multiple_all_or_nothing():
    t, data = get_type(K.MULTIPLE), multiple_data(all_or_nothing=True)
    assert t.grade(data, {"choices": ["b", "a"]}) == 1.0
    assert t.grade(data, {"choices": ["a"]}) == 0.0
    assert t.grade(data, {"choices": ["a", "b", "d"]}) == 0.0


def test_multiple_thirds_earn_full_marks():
    t = get_type(K.MULTIPLE)
    data = t.validate({"choices": [{"html": x, "fraction": 0.3333} for x in "ABC"] + [{"html": "D", "fraction": 0}]})
    assert t.grade(data, {"choices": ["a", "b", "c"]}) == 1.0


@pytest.mark.parametrize("fractions, message", [
    ([0.5, 0.4, 0], "90%"), ([0.6, 0.6], "120%"), ([0, -0.5], "đúng"), ([1, -1.5], "100%"),
])
def test_multiple_weights_must_sum_to_100(fractions, message):
    with pytest.raises(InvalidQuestion) as error:
        get_type(K.MULTIPLE).validate({"choices": [{"html": f"c{i}", "fraction": f} for i, f in enumerate(fractions)]})
    assert message in str(error.value)


@pytest.mark.parametrize("response", [
    {"choices": ["a", "zz"]}, {"choices": "a"}, {"choices": [1]}, {"choices": [None]}, {"choices": [["a"]]},
    {"choices": ["a"] * 1000}, [], "a,b",
])
def test_multiple_hostile_responses(response):
    with pytest.raises(InvalidResponse):
        get_type(K.MULTIPLE).clean_response(multiple_data(), response)


def test_multiple_clean_response_dedupes_into_data_order():
    assert get_type(K.MULTIPLE).clean_response(multiple_data(), {"choices": ["c", "a", "c"]}) == {"choices": ["a", "c"]}
    assert get_type(K.MULTIPLE).clean_response(multiple_data(), {}) == {"choices": []}


def test_multiple_right_answer_lists_every_correct_choice():
    assert str(get_type(K.MULTIPLE).right_answer_html(multiple_data())) == "Cần; Kiệm"


# --- true/false ------------------------------------------------------------------------------

def test_truefalse():
    t = get_type(K.TRUEFALSE)
    data = t.validate({"answer": False, "feedback_true": "Sai: ...", "feedback_false": "Chính xác"})
    assert t.grade(data, t.clean_response(data, {"value": "false"})) == 1.0
    assert t.grade(data, t.clean_response(data, {"value": True})) == 0.0
    assert t.grade(data, {"value": None}) == 0.0
    assert t.grade(data, {"value": 0}) == 0.0  # only a real boolean counts
    assert t.response_feedback(data, {"value": True}) == ["Sai: ..."]
    assert str(t.right_answer_html(data)) == "Sai"
    assert t.public(data) == {"kind": "truefalse"}
    for bad in ({"value": "có"}, {"value": 2}, {"value": [True]}, None):
        with pytest.raises(InvalidResponse):
            t.clean_response(data, bad)
    with pytest.raises(InvalidQuestion):
        t.validate({"answer": "true"})


# --- short answer ----------------------------------------------------------------------------

def test_shortanswer_ignores_case_and_spaces_and_normalizes_unicode():
    t = get_type(K.SHORTANSWER)
    data = t.validate({"answers": [{"text": "  Hồ   Chí Minh ", "feedback": "Đúng"}, {"text": "Bác Hồ", "fraction": 0.5}]})
    assert data["answers"][0] == {"text": "Hồ Chí Minh", "fraction": 1.0, "feedback": "Đúng"}
    assert t.grade(data, t.clean_response(data, {"text": "hồ chí   minh"})) == 1.0
    decomposed = "Ho\u0302\u0300 Chi\u0301 Minh"  # the same words typed with combining marks
    assert t.grade(data, t.clean_response(data, {"text": decomposed})) == 1.0
    assert t.grade(data, {"text": "BÁC HỒ"}) == 0.5
    assert t.grade(data, {"text": "Ho Chi Minh"}) == 0.0  # accents matter by default
    assert t.response_feedback(data, {"text": "HỒ CHÍ MINH"}) == ["Đúng"]
    assert t.public(data) == {"kind": "shortanswer"}


def test_shortanswer_accent_insensitive_and_case_sensitive():
    t = get_type(K.SHORTANSWER)
    data = t.validate({"answers": [{"text": "Đảng Cộng sản Việt Nam"}], "accent_insensitive": True})
    assert t.grade(data, {"text": "dang cong san viet nam"}) == 1.0
    strict = t.validate({"answers": [{"text": "Đảng"}], "case_sensitive": True})
    assert t.grade(strict, {"text": "đảng"}) == 0.0
    assert t.grade(strict, {"text": "Đảng"}) == 1.0
    assert answer_key("Đà  Nẵng", accent_insensitive=True) == "da nang"


def test_shortanswer_wildcards_as_moodle_compares_them():
    t = get_type(K.SHORTANSWER)
    data = t.validate({"wildcards": True, "answers": [
        {"text": "*Minh", "feedback": "Đúng"}, {"text": "2\\*3", "fraction": 0.5},
        {"text": "a*b*c", "fraction": 0.5}, {"text": "*", "fraction": 0, "feedback": "Sai"}]})
    assert data["wildcards"] is True
    assert t.grade(data, {"text": "Hồ Chí minh"}) == 1.0 and t.response_feedback(data, {"text": "minh"}) == ["Đúng"]
    assert t.grade(data, {"text": "2*3"}) == 0.5 and t.grade(data, {"text": "2x3"}) == 0.0  # \* is a star
    assert t.grade(data, {"text": "aXbYc"}) == 0.5 and t.grade(data, {"text": "abc"}) == 0.5
    assert t.grade(data, {"text": "acb"}) == 0.0
    assert t.response_feedback(data, {"text": "Hà Nội"}) == ["Sai"]  # the lone '*': any other answer
    assert t.response_feedback(data, {"text": ""}) == []  # no answer is not "any other answer"
    # Without the option a star is a star (questions written in elearn keep their meaning).
    plain = t.validate({"answers": [{"text": "2*3"}]})
    assert "wildcards" not in plain and t.grade(plain, {"text": "2*3"}) == 1.0 and t.grade(plain, {"text": "2x3"}) == 0
    many = t.validate({"wildcards": True, "answers": [{"text": "*a" * 400 + "b"}]})
    assert t.grade(many, {"text": "a" * 999}) == 0.0  # no regular expression to backtrack


@pytest.mark.parametrize("data", [
    {"answers": []}, {"answers": [{"text": " "}]}, {"answers": [{"text": "A", "fraction": 0.5}]},
    {"answers": [{"text": "Hà Nội"}, {"text": "hà  nội"}]}, {"answers": [{"text": "x" * 2000}]},
])
def test_shortanswer_bad_data(data):
    with pytest.raises(InvalidQuestion):
        get_type(K.SHORTANSWER).validate(data)


@pytest.mark.parametrize("response", [{"text": 5}, {"text": ["a"]}, {"text": "a" * 5000}, "text"])
def test_shortanswer_hostile_responses(response):
    data = get_type(K.SHORTANSWER).validate({"answers": [{"text": "A"}]})
    with pytest.raises(InvalidResponse):
        get_type(K.SHORTANSWER).clean_response(data, response)


# --- numerical -------------------------------------------------------------------------------

def test_numerical_tolerance_and_decimal_comma():
    t = get_type(K.NUMERICAL)
    data = t.validate({"answers": [{"value": "3,14", "tolerance": 0.01, "feedback": "Đúng"},
                                   {"value": 3, "tolerance": 0.5, "fraction": 0.5}]})
    assert data["answers"][0]["value"] == 3.14
    assert t.grade(data, t.clean_response(data, {"value": "3,14"})) == 1.0
    assert t.grade(data, t.clean_response(data, {"value": "3.15"})) == 1.0
    assert t.grade(data, t.clean_response(data, {"value": 3.13})) == 1.0
    assert t.grade(data, {"value": "3,2"}) == 0.5
    assert t.grade(data, {"value": "4"}) == 0.0
    assert t.grade(data, {"value": ""}) == 0.0
    assert t.response_feedback(data, {"value": "3,14"}) == ["Đúng"]
    assert str(t.right_answer_html(data)) == "3,14 ± 0,01"


@pytest.mark.parametrize("text, value", [
    ("3,14", 3.14), ("3.14", 3.14), ("-2", -2.0), ("1.234,5", 1234.5), ("1,234.5", 1234.5), (" 1 000 ", 1000.0),
    ("1e3", 1000.0), ("abc", None), ("", None), ("1,2,3", None), ("nan", None), ("inf", None), ("1e999", None),
    ("9" * 100, None),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text, value", [("-3.14", -3.14), (".5", 0.5), ("1e3", 1000.0), ("+2", 2.0),
                                         ("1,5", None), ("1e999", None), ("inf", None), ("nan", None),
                                         ("", None), (" 1", None), ("1.2.3", None)])
def test_finite_float_reads_plain_decimals_only(text, value):
    assert finite_float(text) == value  # what parse_number and the import formats' parse_float end with


def test_numerical_bad_data_and_responses():
    t = get_type(K.NUMERICAL)
    with pytest.raises(InvalidQuestion, match="âm"):
        t.validate({"answers": [{"value": 1, "tolerance": -0.1}]})
    with pytest.raises(InvalidQuestion):
        t.validate({"answers": [{"value": "một"}]})
    with pytest.raises(InvalidQuestion):
        t.validate({"answers": [{"value": True}]})
    data = t.validate({"answers": [{"value": 1}]})
    for bad in ({"value": "một"}, {"value": True}, {"value": float("nan")}, {"value": [1]}, {"value": "1" * 5000}):
        with pytest.raises(InvalidResponse):
            t.clean_response(data, bad)


# --- matching --------------------------------------------------------------------------------

def matching_data():
    return get_type(K.MATCHING).validate({"pairs": [
        {"prompt": "Tuyên ngôn Độc lập", "answer": "1945"},
        {"prompt": "Di chúc", "answer": "1969"},
        {"prompt": "Lời kêu gọi thi đua ái quốc", "answer": "1948"},
        {"prompt": "", "answer": "1930"}]})


def test_matching_share_of_pairs_right():
    t, data = get_type(K.MATCHING), matching_data()
    assert [p["id"] for p in data["pairs"]] == ["p1", "p2", "p3", "p4"]
    assert t.grade(data, {"pairs": {"p1": "p1", "p2": "p2", "p3": "p3"}}) == 1.0
    assert t.grade(data, t.clean_response(data, {"pairs": {"p1": "p1", "p2": "p4", "p3": ""}})) == pytest.approx(1 / 3)
    assert t.grade(data, {"pairs": {}}) == 0.0


def test_matching_shared_answers_count_for_both_prompts():
    t = get_type(K.MATCHING)
    data = t.validate({"pairs": [{"prompt": "Hà Nội", "answer": "Miền Bắc"}, {"prompt": "Thái Bình", "answer": "Miền Bắc"},
                                 {"prompt": "Huế", "answer": "Miền Trung"}]})
    public = t.public(data)
    assert sorted(a["html"] for a in public["answers"]) == ["Miền Bắc", "Miền Trung"]
    assert t.grade(data, {"pairs": {"p1": "p1", "p2": "p1", "p3": "p3"}}) == 1.0


def test_matching_public_shows_prompts_and_answers_only():
    t, data = get_type(K.MATCHING), matching_data()
    public = t.public(data)
    assert [p["html"] for p in public["prompts"]] == ["Tuyên ngôn Độc lập", "Di chúc", "Lời kêu gọi thi đua ái quốc"]
    assert [a["id"] for a in public["answers"]] != ["p1", "p2", "p3", "p4"]  # never in the key's order
    assert sorted(a["html"] for a in public["answers"]) == ["1930", "1945", "1948", "1969"]
    order = t.new_order(data, random.Random(3))
    assert [a["id"] for a in t.public(data, order)["answers"]] == order


@pytest.mark.parametrize("response", [
    {"pairs": {"p9": "p1"}}, {"pairs": {"p1": "p9"}}, {"pairs": {"p4": "p1"}}, {"pairs": ["p1"]},
    {"pairs": {"p1": 1}}, {"pairs": {"p1": ["p1"]}},
])
def test_matching_hostile_responses(response):
    with pytest.raises(InvalidResponse):
        get_type(K.MATCHING).clean_response(matching_data(), response)


def test_matching_needs_two_prompts():
    with pytest.raises(InvalidQuestion):
        get_type(K.MATCHING).validate({"pairs": [{"prompt": "A", "answer": "1"}, {"prompt": "", "answer": "2"}]})
    with pytest.raises(InvalidQuestion):
        get_type(K.MATCHING).validate({"pairs": [{"prompt": "A", "answer": "1"}, {"prompt": "B", "answer": " "}]})


# --- essay and description -------------------------------------------------------------------

def test_essay_and_description():
    essay, desc = get_type(K.ESSAY), get_type(K.DESCRIPTION)
    assert essay.validate({"whatever": 1}) == {}
    assert essay.clean_response({}, {"text": " bài viết "}) == {"text": "bài viết"}
    assert essay.grade({}, {"text": "x"}) == 0.0
    with pytest.raises(InvalidResponse):
        essay.clean_response({}, {"text": "x" * 60_000})
    assert desc.clean_response({}, {"anything": 1}) == {}
    assert desc.public({}) == {"kind": "description"}
