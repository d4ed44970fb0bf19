"""CSV and XLSX import, from a template trainers fill in Excel.

One question per row, after a header row. Columns (English or Vietnamese headers, any order,
accents and case ignored):

    question | Câu hỏi            the text (plain; line breaks kept)              required
    type | Loại                  single, multiple, truefalse, shortanswer, numerical, essay,
                                 description (or: một đáp án, nhiều đáp án, đúng/sai, trả lời
                                 ngắn, số, tự luận, mô tả); empty: single, or multiple when
                                 several letters are correct
    A … F | Phương án A … F      the choices; for shortanswer, the accepted answers
    correct | Đáp án             single: B; multiple: A, C (equal shares); truefalse: Đúng/Sai;
                                 shortanswer: more answers separated by |; numerical: 3,14 or
                                 3.14:0.01 (tolerance) or 1..5 (range)
    points | Điểm                default 1
    explanation | Giải thích     shown after answering
    category | Danh mục          a subcategory path below the chosen one: Chương 1/Bài 2

Cells are text, never formulas: a cell such as ``=1+1`` is stored as the text "=1+1".
A leading apostrophe that neutralized a formula (``'=1+1``) is dropped.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from elearn.text import fold
from quizzes.bank.models import QuestionKind
from quizzes.formats.common import (
    MAX_QUESTIONS,
    ErrorList,
    FormatError,
    LineError,
    ParsedQuestion,
    check_size,
    decode,
    default_name,
    parse_float,
    plain_html,
)

LETTERS = "ABCDEF"
MAX_UNZIPPED = 100 * 1024 * 1024
HEADERS_VI = ["Câu hỏi", "Loại", *[f"Phương án {x}" for x in LETTERS], "Đáp án", "Điểm", "Giải thích", "Danh mục"]
HEADERS_EN = ["question", "type", *LETTERS, "correct", "points", "explanation", "category"]
_COLUMNS = {
    "question": "question", "cau hoi": "question", "type": "type", "loai": "type",
    "correct": "correct", "answer": "correct", "dap an": "correct", "points": "points", "diem": "points",
    "explanation": "explanation", "giai thich": "explanation", "category": "category", "danh muc": "category",
    "stt": None, "no": None, "#": None,  # a row number column is allowed and ignored
}
for _x in LETTERS:
    for _name in (_x, f"choice {_x}", f"option {_x}", f"phuong an {_x}", f"lua chon {_x}"):
        _COLUMNS[fold(_name)] = _x
_KINDS = {
    "single": QuestionKind.SINGLE, "mot dap an": QuestionKind.SINGLE, "chon mot": QuestionKind.SINGLE,
    "multiple": QuestionKind.MULTIPLE, "nhieu dap an": QuestionKind.MULTIPLE, "chon nhieu": QuestionKind.MULTIPLE,
    "truefalse": QuestionKind.TRUEFALSE, "true/false": QuestionKind.TRUEFALSE, "dung/sai": QuestionKind.TRUEFALSE,
    "dung sai": QuestionKind.TRUEFALSE, "shortanswer": QuestionKind.SHORTANSWER,
    "tra loi ngan": QuestionKind.SHORTANSWER, "numerical": QuestionKind.NUMERICAL, "so": QuestionKind.NUMERICAL,
    "essay": QuestionKind.ESSAY, "tu luan": QuestionKind.ESSAY, "description": QuestionKind.DESCRIPTION,
    "mo ta": QuestionKind.DESCRIPTION, "matching": QuestionKind.MATCHING, "ghep noi": QuestionKind.MATCHING,
}
_TRUE = {"dung", "true", "t", "1", "yes", "co", "d"}
_FALSE = {"sai", "false", "f", "0", "no", "khong", "s"}
_NEUTRALIZED = re.compile(r"^'(?=[=+\-@\t\r])")


def cell_text(value: Any) -> str:
    """A cell as Excel shows it: 2.0 -> '2', dates as dd/mm/yyyy, True -> 'TRUE'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != datetime.min.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return _NEUTRALIZED.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n")).strip()


def parse_csv(content: bytes | str) -> list[ParsedQuestion]:
    text = decode(content)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        message = _("A cell is too large.") if "field limit" in str(error) else str(error)
        raise FormatError([LineError(0, _("The CSV file cannot be read: %(error)s", error=message))]) from None
    return parse_rows(rows)


def parse_xlsx(content: bytes) -> list[ParsedQuestion]:
    check_size(content)
    from openpyxl import load_workbook
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise FormatError([LineError(0, _("The Excel file is too large once unpacked."))])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel features it skips
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
            sheet = book.worksheets[0]
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append(list(row))
                if len(rows) > MAX_QUESTIONS + 1:
                    break
            book.close()
    except FormatError:
        raise
    except Exception:  # a damaged or foreign file: openpyxl and zipfile raise many kinds
        raise FormatError([LineError(0, _("The file is not an Excel workbook (.xlsx)."))]) from None
    return parse_rows(rows)


def parse_rows(rows: list[list[Any]]) -> list[ParsedQuestion]:
    """Rows of cells (the header first, blank rows skipped) as questions; row numbers as Excel shows them."""
    errors = ErrorList()
    numbered = [(i, [cell_text(c) for c in row]) for i, row in enumerate(rows, start=1)]
    numbered = [(i, row) for i, row in numbered if any(row)]
    if not numbered:
        raise FormatError([LineError(0, _("The file is empty."))])
    if len(numbered) > MAX_QUESTIONS + 1:
        raise FormatError([LineError(0, _("The file has more than %(n)d questions; split it.", n=MAX_QUESTIONS))])
    header_row, header = numbered[0]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = fold(name)
        if not key:
            continue
        if key not in _COLUMNS:
            errors.add(header_row, _("Unknown column %(name)s. The columns are: %(list)s.", name=name,
                                     list=", ".join(HEADERS_VI)))
        elif _COLUMNS[key] is not None:
            columns[_COLUMNS[key]] = index
    if "question" not in columns:
        errors.add(header_row, _("The header row has no question column (Câu hỏi)."))
    errors.raise_if_any()
    questions = []
    for number, row in numbered[1:]:
        cells = {key: row[index] if index < len(row) else "" for key, index in columns.items()}
        try:
            questions.append(_question(cells, number))
        except FormatError as error:
            for e in error.errors:
                errors.add(e.line, e.message)
    errors.raise_if_any(questions)
    return questions


def _fail(row: int, message: str):
    raise FormatError([LineError(row, message)])


def _question(cells: dict[str, str], row: int) -> ParsedQuestion:
    text = cells.get("question", "")
    if not text:
        _fail(row, _("Row %(row)d: the question is empty.", row=row))
    choices = [(x, cells.get(x, "")) for x in LETTERS]
    correct = cells.get("correct", "")
    letters = [x for x in re.split(r"[\s,;]+", correct.upper()) if x] if correct else []
    raw_kind = fold(cells.get("type", ""))
    if raw_kind:
        kind = _KINDS.get(raw_kind)
        if kind is None:
            _fail(row, _("Row %(row)d: unknown question type %(type)s.", row=row, type=cells["type"]))
    else:
        kind = QuestionKind.MULTIPLE if len(letters) > 1 else QuestionKind.SINGLE
    points_text = cells.get("points", "")
    points = parse_float(points_text) if points_text else (0.0 if kind == QuestionKind.DESCRIPTION else 1.0)
    if points is None:
        _fail(row, _("Row %(row)d: the points %(value)s are not a number.", row=row, value=points_text))
    text_html = plain_html(text)
    data = _DATA[kind](choices, correct, letters, row)
    return ParsedQuestion(kind, text_html, data, row, default_name(text_html),
                          category=tuple(p.strip() for p in cells.get("category", "").split("/") if p.strip()),
                          points=points, general_feedback_html=plain_html(cells.get("explanation", "")))


def _choice_data(single: bool):
    def build(choices, correct, letters, row):
        given = [(x, t) for x, t in choices if t]
        known = {x for x, _t in given}
        if not letters:
            _fail(row, _("Row %(row)d: say which choice is correct (e.g. B).", row=row))
        if single and len(letters) > 1:
            _fail(row, _("Row %(row)d: a single-choice question has one correct letter, not %(value)s.",
                         row=row, value=correct))
        wrong = [x for x in letters if x not in known]
        if wrong:
            _fail(row, _("Row %(row)d: the correct answer %(letter)s is not one of the filled choices.",
                         row=row, letter=", ".join(wrong)))
        share = round(1 / len(set(letters)), 7)
        return {"choices": [{"id": x.lower(), "html": plain_html(t), "feedback": "",
                             "fraction": (1.0 if single else share) if x in letters else 0.0} for x, t in given],
                "shuffle": True, **({} if single else {"all_or_nothing": False})}
    return build


def _truefalse(choices, correct, letters, row):
    value = fold(correct)
    if value not in _TRUE | _FALSE:
        _fail(row, _("Row %(row)d: a true/false answer is Đúng or Sai, not %(value)s.", row=row, value=correct))
    return {"answer": value in _TRUE, "feedback_true": "", "feedback_false": ""}


def _shortanswer(choices, correct, letters, row):
    texts = [t for _x, t in choices if t] + [t.strip() for t in correct.split("|") if t.strip()]
    if not texts:
        _fail(row, _("Row %(row)d: give the accepted answers in the choice columns.", row=row))
    unique = list(dict.fromkeys(texts))
    return {"answers": [{"text": t, "fraction": 1.0, "feedback": ""} for t in unique],
            "case_sensitive": False, "accent_insensitive": False}


def _numerical(choices, correct, letters, row):
    text = correct.replace("±", ":").replace(" ", "")
    if ".." in text:
        low, high = (parse_float(t) for t in text.split("..", 1))
        value = None if low is None or high is None else (low + high) / 2
        tolerance = None if value is None else abs(high - value)
    elif ":" in text:
        value, tolerance = (parse_float(t) for t in text.split(":", 1))
    else:
        value, tolerance = parse_float(text), 0.0
    if value is None or tolerance is None:
        _fail(row, _("Row %(row)d: the numerical answer %(value)s is not a number (e.g. 3,14 or 3,14:0,01).",
                     row=row, value=correct or "?"))
    return {"answers": [{"value": value, "tolerance": tolerance, "fraction": 1.0, "feedback": ""}]}


def _nothing(choices, correct, letters, row):
    return {}


def _matching(choices, correct, letters, row):
    _fail(row, _("Row %(row)d: matching questions cannot be written in the spreadsheet; use GIFT.", row=row))


_DATA = {
    QuestionKind.SINGLE: _choice_data(True), QuestionKind.MULTIPLE: _choice_data(False),
    QuestionKind.TRUEFALSE: _truefalse, QuestionKind.SHORTANSWER: _shortanswer, QuestionKind.NUMERICAL: _numerical,
    QuestionKind.MATCHING: _matching, QuestionKind.ESSAY: _nothing, QuestionKind.DESCRIPTION: _nothing,
}

TEMPLATE_ROWS = [
    ["Thủ đô của nước Cộng hòa xã hội chủ nghĩa Việt Nam là?", "một đáp án", "Hà Nội", "Huế", "Đà Nẵng",
     "Thành phố Hồ Chí Minh", "", "", "A", "1", "Hà Nội là thủ đô từ năm 1945.", "Địa lý"],
    ["Những phẩm chất đạo đức cách mạng Bác Hồ nêu là?", "nhiều đáp án", "Cần, kiệm, liêm, chính",
     "Chí công vô tư", "Hưởng thụ", "", "", "", "A, B", "2", "", "Tư tưởng Hồ Chí Minh/Đạo đức"],
    ["Bản Tuyên ngôn độc lập được đọc ngày 2/9/1945.", "đúng/sai", "", "", "", "", "", "", "Đúng", "1", "",
     "Lịch sử"],
    ["Ai là tác giả bản Tuyên ngôn độc lập năm 1945?", "trả lời ngắn", "Hồ Chí Minh", "Nguyễn Ái Quốc", "",
     "", "", "", "", "1", "", "Lịch sử"],
    ["Đảng Cộng sản Việt Nam được thành lập năm nào?", "số", "", "", "", "", "", "", "1930", "1", "", "Lịch sử"],
    ["Nêu cảm nghĩ của đồng chí về việc học tập và làm theo tấm gương Bác Hồ.", "tự luận", "", "", "", "", "",
     "", "", "5", "", ""],
]


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS_VI)
    writer.writerows(TEMPLATE_ROWS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def template_xlsx() -> bytes:
    """The template as a workbook, written by the project's one XLSX writer (``elearn.exports``):
    every cell text, the header frozen."""
    from elearn.exports import Column, write_xlsx

    widths = [50] + [18] * 7 + [10] * 2 + [30] * 2
    out = io.BytesIO()
    write_xlsx(out, [Column(h, width=w) for h, w in zip(HEADERS_VI, widths)], TEMPLATE_ROWS, sheet_name="Câu hỏi")
    return out.getvalue()
