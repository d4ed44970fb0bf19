"""CSV/XLSX parsing (pure): the template, Excel quirks, formulas kept as text."""
from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from quizzes.bank.models import QuestionKind as K
from quizzes.formats.common import FormatError
from quizzes.formats.spreadsheet import parse_csv, parse_rows, parse_xlsx, template_csv, template_xlsx


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_templates_parse_to_every_supported_kind():
    kinds = [q.kind for q in parse_csv(template_csv())]
    assert kinds == [K.SINGLE, K.MULTIPLE, K.TRUEFALSE, K.SHORTANSWER, K.NUMERICAL, K.ESSAY]
    assert [q.kind for q in parse_xlsx(template_xlsx())] == kinds
    assert template_csv().startswith(b"\xef\xbb\xbf")


def test_english_headers_semicolons_and_crlf():
    text = "question;type;A;B;correct;points;explanation;category\r\nQ?;multiple;x;y;A,B;2,5;vì;C1/C2\r\n"
    (q,) = parse_csv(text.encode())
    assert q.kind == K.MULTIPLE and q.points == 2.5 and q.category == ("C1", "C2")
    assert [c["fraction"] for c in q.data["choices"]] == [0.5, 0.5] and q.general_feedback_html == "vì"


def test_excel_floats_booleans_and_formulas():
    rows = [["Câu hỏi", "Loại", "Phương án A", "Phương án B", "Đáp án", "Điểm"],
            ["=1+1", None, 1945.0, 1930.0, "B", 2.0],
            ["Trái đất tròn?", "Đúng/Sai", None, None, True, None],
            ["Số pi?", "số", None, None, 3.14, 1],
            ["'=HYPERLINK(\"x\")", "tự luận", None, None, None, None]]
    a, b, c, d = parse_xlsx(xlsx(rows))
    assert a.text_html == "=1+1" and [x["html"] for x in a.data["choices"]] == ["1945", "1930"]
    assert a.points == 2.0 and a.data["choices"][1]["fraction"] == 1.0
    assert b.data["answer"] is True and c.data["answers"][0]["value"] == 3.14
    assert d.kind == K.ESSAY and d.text_html == '=HYPERLINK("x")'


def test_errors_name_their_row():
    rows = [["Câu hỏi", "Loại", "A", "B", "Đáp án"], ["Q1", "", "x", "y", "C"], [], ["", "", "", "", "A"],
            ["Q4", "loại lạ", "", "", ""], ["Q5", "đúng/sai", "", "", "có lẽ"], ["Q6", "số", "", "", "abc"],
            ["Q7", "một đáp án", "x", "y", "A B"], ["Q8", "trả lời ngắn", "", "", ""]]
    with pytest.raises(FormatError) as info:
        parse_rows(rows)
    assert [e.line for e in info.value.errors] == [2, 4, 5, 6, 7, 8, 9]
    assert all(f"Row {e.line}" in e.message for e in info.value.errors)


def test_header_problems():
    with pytest.raises(FormatError, match="Unknown column"):
        parse_rows([["Câu hỏi", "Ghi chú"], ["Q", ""]])
    with pytest.raises(FormatError, match="no question column"):
        parse_rows([["Loại"], ["x"]])
    with pytest.raises(FormatError, match="empty"):
        parse_rows([[None, ""]])


def test_not_an_xlsx_and_zip_bomb_guard():
    with pytest.raises(FormatError, match="not an Excel"):
        parse_xlsx(b"PK\x03\x04 not really")
    with pytest.raises(FormatError, match="not an Excel"):
        parse_xlsx("câu hỏi".encode())


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.sampled_from(list(",;\"\n\r\tABCabc=+'|.:01Đđ ")) | st.characters(), max_size=200))
def test_arbitrary_csv_raises_only_format_error(text):
    try:
        parse_csv(text)
    except FormatError as error:
        assert error.errors


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.lists(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
                         max_size=12), max_size=6))
def test_arbitrary_cells_raise_only_format_error(rows):
    try:
        parse_rows(rows)
    except FormatError as error:
        assert error.errors
