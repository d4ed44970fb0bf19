import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from elearn.exports import Column, csv_response, iter_csv, neutralize, write_csv, write_xlsx

COLUMNS = [Column("Họ và tên"), Column("Số", "int"), Column("Điểm", "number"),
           Column("Ngày", "date"), Column("Lúc", "datetime")]
HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tx", "\rx",
           'Nguyễn "Văn", A\nB', "Trần, Thị", "bình thường"]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_neutralize_prefixes_formula_starts_only():
    assert [neutralize(v) for v in ("=A1", "+1", "-1", "@x", "\t1", "\r1")] == \
        ["'=A1", "'+1", "'-1", "'@x", "'\t1", "'\r1"]
    assert neutralize("Hà Nội = thủ đô") == "Hà Nội = thủ đô"
    assert neutralize("") == ""


def test_csv_round_trips_hostile_text_and_neutralizes_formulas():
    rows = [(name, i, None, None, None) for i, name in enumerate(HOSTILE)]
    data = b"".join(iter_csv(COLUMNS, rows, chunk_size=10))
    parsed = read_csv(data)
    assert parsed[0] == ["Họ và tên", "Số", "Điểm", "Ngày", "Lúc"]
    names = [r[0] for r in parsed[1:]]
    expected = ["'" + v if v[0] in "=+-@\t\r" else v for v in HOSTILE]
    assert names == expected
    assert all(not n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)


def test_csv_formats_numbers_and_dates_in_vietnam_time():
    late_utc = datetime(2023, 3, 14, 18, 30, tzinfo=UTC)  # 15/03 01:30 in Hà Nội
    rows = [("A", 7, 85.25, late_utc, late_utc), ("B", -3, -1.0, date(2023, 1, 2), None)]
    parsed = read_csv(b"".join(iter_csv(COLUMNS, rows)))  # Vietnamese outside a request: decimal comma
    assert parsed[1] == ["A", "7", "85,3", "15/03/2023", "15/03/2023 01:30"]  # half up, as Excel shows 85.25
    assert parsed[2] == ["B", "-3", "-1,0", "02/01/2023", ""]  # numbers are not text: no apostrophe
    assert read_csv(b"".join(iter_csv(COLUMNS, rows, decimal=".")))[1][2] == "85.3"  # English


def test_csv_streams_lazily():
    consumed = []

    def rows():
        for i in range(10_000):
            consumed.append(i)
            yield ("x" * 20, i, None, None, None)

    chunks = iter_csv(COLUMNS, rows(), chunk_size=1024)
    next(chunks)
    assert 0 < len(consumed) < 100  # the first chunk left before the rows were all read


def test_empty_csv_is_well_formed(tmp_path):
    path = tmp_path / "empty.csv"
    assert write_csv(path, COLUMNS, []) == 0
    assert read_csv(path.read_bytes()) == [[c.header for c in COLUMNS]]


def test_xlsx_has_real_cells_frozen_header_and_text_never_formula(tmp_path):
    path = tmp_path / "out.xlsx"
    when = datetime(2023, 3, 14, 18, 30, tzinfo=UTC)
    rows = [(name, i, 7.5, when, when) for i, name in enumerate(HOSTILE)]
    assert write_xlsx(path, COLUMNS, rows, sheet_name="Chi tiết", title_rows=["Báo cáo"]) == len(HOSTILE)
    book = openpyxl.load_workbook(path)
    sheet = book["Chi tiết"]
    assert sheet["A1"].value == "Báo cáo"
    assert [c.value for c in sheet[2]] == [c.header for c in COLUMNS]
    assert sheet.freeze_panes == "A3"
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"  # a string cell, not a formula
    assert sheet["B4"].value == 1 and sheet["C4"].value == 7.5
    assert sheet["D3"].value == datetime(2023, 3, 15) and sheet["D3"].number_format == "dd/mm/yyyy"
    assert sheet["E3"].value == datetime(2023, 3, 15, 1, 30)
    assert sheet.column_dimensions["A"].width >= 20


def test_xlsx_to_a_binary_file(tmp_path):
    out = io.BytesIO()
    assert write_xlsx(out, COLUMNS, []) == 0
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.max_row == 1


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Column("x", "money")


def test_csv_response_streams_with_utf8_filename(app):
    with app.test_request_context():
        response = csv_response("thống kê.csv", COLUMNS, [("A", 1, None, None, None)])
    assert response.is_streamed
    assert "filename*=UTF-8''th%E1%BB%91ng%20k%C3%AA.csv" in response.headers["Content-Disposition"]
    assert read_csv(b"".join(response.response))[1][0] == "A"


def test_local_days_as_iso_text(tmp_path):
    columns = [Column("Ngày", "date")]
    assert read_csv(b"".join(iter_csv(columns, [("2023-03-15",)])))[1] == ["15/03/2023"]
    path = tmp_path / "d.xlsx"
    write_xlsx(path, columns, [("2023-03-15",)])
    assert openpyxl.load_workbook(path).active["A2"].value == datetime(2023, 3, 15)


def test_xlsx_wide_rows_control_characters_and_styles(tmp_path):
    from elearn.xlsx import column_letter

    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    columns = [Column(f"Cột {i}") for i in range(29)] + [Column("Điểm", "number", decimals=2)]
    row = tuple(f"<b>&{i}\x00\x07" for i in range(29)) + (9.125,)
    path = tmp_path / "wide.xlsx"
    assert write_xlsx(path, columns, [row, (None,) * 30]) == 2
    sheet = openpyxl.load_workbook(path).active
    assert sheet["AC2"].value == "<b>&28"                      # escaped; characters XML forbids dropped
    assert sheet["AD2"].value == 9.125 and sheet["AD2"].number_format == "0.00"
    assert sheet["A1"].font.b and sheet["A3"].value is None
