"""GIFT parsing as Moodle defines it: pure functions, no database."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.bank.models import QuestionKind as K
from quizzes.formats.common import MAX_IMPORT_BYTES, FormatError
from quizzes.formats.gift import category_path, parse_gift


def one(text):
    questions = parse_gift(text)
    assert len(questions) == 1
    return questions[0]


def errors(text):
    with pytest.raises(FormatError) as info:
        parse_gift(text)
    return [(e.line, e.message) for e in info.value.errors]


def test_single_choice_with_title_feedback_and_general_feedback():
    q = one("::Thủ đô::Thủ đô của Việt Nam là?{\n=Hà Nội#Đúng\n~Huế#Sai\n####Hà Nội từ 1010.\n}")
    assert q.kind == K.SINGLE and q.name == "Thủ đô" and q.text_html == "Thủ đô của Việt Nam là?"
    assert q.data["choices"] == [
        {"id": "a", "html": "Hà Nội", "fraction": 1.0, "feedback": "Đúng"},
        {"id": "b", "html": "Huế", "fraction": 0.0, "feedback": "Sai"}]
    assert q.general_feedback_html == "Hà Nội từ 1010." and q.points == 1.0


def test_weights_make_a_multiple_choice_with_penalties():
    q = one("Chọn số chẵn {~%50%2 ~%50%4 ~%-25%3 ~%-33.333%5}")
    assert q.kind == K.MULTIPLE
    assert [c["fraction"] for c in q.data["choices"]] == [0.5, 0.5, -0.25, -0.33333]
    assert q.data["all_or_nothing"] is False


def test_partial_weight_with_one_right_answer_stays_single():
    q = one("Q {=đúng ~%50%gần đúng ~sai}")
    assert q.kind == K.SINGLE and [c["fraction"] for c in q.data["choices"]] == [1.0, 0.5, 0.0]


def test_missing_word_keeps_both_parts_with_a_blank():
    q = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert q.text_html == "Grant is _____ in Grant's tomb." and q.kind == K.SINGLE


@pytest.mark.parametrize("answer,value", [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)])
def test_true_false(answer, value):
    q = one(f"Trái đất quay quanh Mặt trời.{{{answer}}}")
    assert q.kind == K.TRUEFALSE and q.data["answer"] is value


def test_true_false_feedback_is_wrong_then_right():
    q = one("Đúng hay sai?{T#Chưa đúng#Chính xác}")
    assert q.data == {"answer": True, "feedback_true": "Chính xác", "feedback_false": "Chưa đúng"}
    q = one("Đúng hay sai?{FALSE#Chưa đúng#Chính xác}")
    assert q.data == {"answer": False, "feedback_true": "Chưa đúng", "feedback_false": "Chính xác"}


def test_short_answer_with_partial_credit():
    q = one("Ai viết Tuyên ngôn độc lập?{=Hồ Chí Minh =%50%Bác Hồ#Gần đúng}")
    assert q.kind == K.SHORTANSWER
    assert q.data["answers"] == [{"text": "Hồ Chí Minh", "fraction": 1.0, "feedback": ""},
                                 {"text": "Bác Hồ", "fraction": 0.5, "feedback": "Gần đúng"}]


def test_numerical_tolerance_range_and_several_answers():
    assert one("Pi?{#3.14:0.01}").data["answers"] == [
        {"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": ""}]
    assert one("Từ 1 đến 5{#1..5}").data["answers"][0] | {} == {
        "value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}
    q = one("Năm?{#\n=1945:0#Chính xác\n=%50%1945:2#Gần đúng\n}")
    assert q.kind == K.NUMERICAL
    assert [(a["value"], a["tolerance"], a["fraction"], a["feedback"]) for a in q.data["answers"]] == [
        (1945.0, 0.0, 1.0, "Chính xác"), (1945.0, 2.0, 0.5, "Gần đúng")]


def test_matching_with_an_extra_wrong_answer():
    q = one("Ghép {\n=Canada -> Ottawa\n=Italy -> Rome\n= -> Paris\n}")
    assert q.kind == K.MATCHING
    assert q.data["pairs"] == [{"id": "p1", "prompt": "Canada", "answer": "Ottawa"},
                               {"id": "p2", "prompt": "Italy", "answer": "Rome"},
                               {"id": "p3", "prompt": "", "answer": "Paris"}]


def test_essay_and_description_are_kept_as_what_they_are():
    essay, description = parse_gift("Viết cảm nghĩ.{####Gợi ý chấm}\n\nĐọc đoạn văn sau.")
    assert (essay.kind, essay.data, essay.general_feedback_html) == (K.ESSAY, {}, "Gợi ý chấm")
    assert (description.kind, description.data, description.points) == (K.DESCRIPTION, {}, 0.0)
    assert description.text_html == "Đọc đoạn văn sau."


def test_escapes_and_unknown_escapes_kept_as_written():
    q = one(r"a \~ b \= c \# d \{ e \} f \: g\nh \\ \(x\) {=ok ~no}")
    assert q.text_html == "a ~ b = c # d { e } f : g<br>h \\ \\(x\\)"


def test_comments_categories_and_blank_line_separation():
    text = ("// đầu tệp\n$CATEGORY: $course$/top/Chương 1/Bài a//b\n\n// chú thích\n::A::Câu 1{T}\n\n\n"
            "$CATEGORY: Khác\n\n::B::Câu\nnhiều dòng{F}\n")
    a, b = parse_gift(text)
    assert a.category == ("Chương 1", "Bài a/b") and a.line == 5
    assert b.category == ("Khác",) and b.text_html == "Câu<br>nhiều dòng" and b.line == 10
    assert category_path("$system$/top") == ()


def test_format_markers():
    assert one("[plain]<b>x</b>{T}").text_html == "&lt;b&gt;x&lt;/b&gt;"
    assert one("[html]<p onclick='x()'>y<script>z</script></p>{T}").text_html == "<p>y</p>"
    assert one("[markdown]**đậm**{T}").text_html == "<p><strong>đậm</strong></p>"
    assert one("[moodle]a\nb{T}").text_html == "a<br>b"
    q = one("[html]<b>Q</b>{=[plain]<i>x</i> ~<i>y</i>}")
    assert [c["html"] for c in q.data["choices"]] == ["&lt;i&gt;x&lt;/i&gt;", "<i>y</i>"]


def test_tags_and_points_from_comments():
    q = one("// [tag:Lịch sử] [tag:lop10] [tag:a\\]b] [id:x1]\n// [points:2.5]\nQ{T}")
    assert q.tags == ["lịch sử", "lop10", "a]b"] and q.points == 2.5


def test_every_error_is_reported_with_its_line():
    text = "Q1 {=a ~b\n\nQ2 {=ok ~}\n\nQ3 ok {T}\n\nQ4 {#abc}\n\n::Q5 không đóng{T}\n\nQ6 {=a -> b}\n"
    found = errors(text)
    assert [line for line, _ in found] == [1, 3, 7, 9, 11]
    assert "brace" in found[0][1] and "empty" in found[1][1] and "number" in found[2][1]


def test_two_answer_blocks_and_stray_closing_brace():
    assert errors("a } b {T}")[0][0] == 1
    assert errors("a {T} b {F}")[0][0] == 1


def test_numerical_catch_all_feedback_is_kept_and_a_stray_tilde_refused():
    [q] = parse_gift("Q{#3 ~#sai}")  # as Moodle reads it (issue 24): feedback for any other answer
    assert q.data["other_feedback"] == "sai"
    assert "~#" in errors("Q{#3 ~5}")[0][1]


def test_error_line_points_at_the_bad_answer():
    assert errors("Q {\n=a\n~\n~c\n}")[0][0] == 3


def test_empty_file_and_comments_only_give_no_questions():
    assert parse_gift("") == [] and parse_gift("// chỉ chú thích\n\n  \n") == []


def test_bom_crlf_and_non_utf8():
    assert one("\ufeffQ\r\n{T}".encode()).text_html == "Q"
    assert "UTF-8" in errors("Câu hỏi {T}".encode("utf-16"))[0][1]


def test_huge_file_is_refused_before_parsing():
    found = errors(b"Q{T}\n\n" * (MAX_IMPORT_BYTES // 6 + 1))
    assert "too large" in found[0][1]


def test_script_in_every_field_is_sanitized():
    q = one("[html]<script>alert(1)</script>Q<img src=x onerror=alert(1)>{=<a href='javascript:x'>a</a>"
            "#<b onmouseover=x>f</b> ~b}")
    assert "script" not in q.text_html and "onerror" not in q.text_html
    assert "javascript" not in q.data["choices"][0]["html"] and "onmouseover" not in q.data["choices"][0]["feedback"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}~=#:%->\\/$[]\n TFabc01.đươ")) | st.characters(), max_size=300))
def test_arbitrary_input_raises_only_format_error(text):
    try:
        parse_gift(text)
    except FormatError as error:
        assert error.errors and all(e.line >= 0 and e.message for e in error.errors)


def test_equals_sign_takes_no_weight_as_in_moodle():
    q = one("Q {=%50%x ~%0%%25%y ~z}")
    assert [(c["html"], c["fraction"]) for c in q.data["choices"]] == [("%50%x", 1.0), ("%25%y", 0.0), ("z", 0.0)]


def test_a_block_with_too_many_answers_is_refused_before_converting_them():
    found = errors("Q {" + "~a\n" * 100_000 + "}")
    assert found[0][0] == 1 and "at most" in found[0][1]
