"""Exports by page and by command: content, order, scope, audit, and bad input."""
import csv
import io

import openpyxl
import pytest
from sqlalchemy import select

from elearn import db
from elearn.audit import AuditLog
from tests.factories import make_user
from tests.reports.factories import Province, enrol


@pytest.fixture
def tree(app):
    return Province()


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def exports():
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "stats.export").order_by(AuditLog.id)))


def test_detail_csv_is_scoped_ordered_and_audited(tree, login):
    client = login(tree.manager_a)
    response = client.get("/stats/export?kind=detail&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = rows_of(response.get_data())
    assert rows[0][:4] == ["Đường dẫn đơn vị", "Đơn vị", "Tên đăng nhập", "Họ và tên"]
    # tree order (the commune's own cadre before the cell's), then Vietnamese name order
    assert [r[2] for r in rows[1:]] == ["xa", "anh", "binh", "duc"]
    anh = rows[2]
    assert anh[0] == "Tỉnh ủy Thử / Huyện ủy An / Đảng ủy xã An Bình / Chi bộ thôn Một"
    assert anh[4] == "Bí thư" and anh[6] == "01/03/2023" and anh[7] == "11/03/2023"
    assert anh[8] == "100" and anh[9] == "04/03/2023" and anh[10] == "90,0" and anh[11] == "Đạt"
    assert rows[1][11] == "Chưa đạt" and rows[3][11] == "Chưa đạt"
    (entry,) = exports()
    assert entry.actor_id == tree.manager_a.id and entry.target == "PA"
    assert entry.details["rows"] == 4 and entry.details["kind"] == "detail" and entry.details["format"] == "csv"


def test_manager_cannot_export_outside_subtree(tree, login):
    client = login(tree.manager_a)
    for query in ("unit=PB", "unit=P", "unit=PB&kind=summary&format=xlsx"):
        assert client.get("/stats/export?" + query).status_code == 403
    assert exports() == []
    # whatever else is sent, nothing from outside
    rows = rows_of(client.get("/stats/export?kind=detail&format=csv&unit=PA1&scope=/").get_data())
    assert "other" not in {r[2] for r in rows}


def test_export_needs_the_permission(tree, login):
    assert login(tree.anh).get("/stats/export").status_code == 403
    assert exports() == []


@pytest.mark.parametrize("query", ["unit=NOPE", "course=no-such", "from=2023-05-01&to=2023-04-01", "from=hôm-qua"])
def test_bad_input_is_refused_with_a_message(tree, login, query):
    response = login(tree.manager_a).get("/stats/export?format=csv&" + query)
    assert response.status_code == 400
    assert "flash-error" in response.get_data(as_text=True)
    assert exports() == []


def test_period_without_data_gives_an_empty_well_formed_file(tree, login):
    client = login(tree.manager_a)
    rows = rows_of(client.get("/stats/export?format=csv&from=2020-01-01&to=2020-12-31").get_data())
    assert len(rows) == 1 and rows[0][0] == "Đường dẫn đơn vị"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/stats/export?format=xlsx&from=2020-01-01&to=2020-12-31").get_data()))
    assert book.active.max_row == 1
    assert exports()[-1].details["rows"] == 0 and exports()[-1].details["from"] == "2020-01-01"


def test_hostile_names_round_trip_neutralized(tree, login):
    names = ["=HYPERLINK(\"http://x\",\"y\")", "+1 Lê", "-Trần", "@Vũ", 'Nguyễn "Văn", A\nDòng hai']
    for i, name in enumerate(names):
        enrol(make_user(f"evil{i}", unit=tree.cell_a, full_name=name, position="=cmd|' /C calc'!A0"), tree.course)
    rows = rows_of(login(tree.manager_a).get("/stats/export?format=csv&unit=PA1a").get_data())
    got = {r[2]: r for r in rows[1:]}
    for i, name in enumerate(names):
        cell = got[f"evil{i}"][3]
        assert cell == ("'" + name if name[0] in "=+-@" else name)
        assert got[f"evil{i}"][4] == "'=cmd|' /C calc'!A0"


def test_xlsx_detail_has_real_cells(tree, login):
    response = login(tree.manager_a).get("/stats/export?kind=detail&format=xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.freeze_panes == "A2"
    anh = [c.value for c in sheet[3]]
    assert anh[2] == "anh" and anh[6].day == 1 and anh[6].month == 3 and anh[8] == 100 and anh[10] == 90.0
    assert sheet.cell(3, 7).number_format == "dd/mm/yyyy"


def test_summary_has_tree_subtotals_and_total(tree, login):
    client = login(tree.admin)
    rows = rows_of(client.get("/stats/export?kind=summary&format=csv").get_data())
    assert rows[0][:4] == ["STT", "Đơn vị", "Loại dòng", "Số học viên"]
    body = [(r[0], r[1], r[2], r[3], r[5]) for r in rows[1:]]
    assert body == [
        ("1", "Huyện ủy An", "Cộng", "4", "1"),
        ("1.1", "    Đảng ủy xã An Bình", "Cộng", "4", "1"),
        ("", "        Trực thuộc Đảng ủy xã An Bình", "Trực thuộc", "1", "0"),
        ("1.1.1", "        Chi bộ thôn Một", "", "3", "1"),
        ("2", "Huyện ủy Bình", "", "1", "1"),
        ("", "Tổng cộng: Tỉnh ủy Thử", "Tổng cộng", "5", "2"),
    ]
    assert rows[-1][6] == "40,0"  # Vietnamese decimal comma (issue 17.9)
    assert exports()[-1].details["rows"] == 6


def test_cli_export_detail_summary_and_errors(tree, runner, tmp_path):
    out = tmp_path / "detail.csv"
    result = runner.invoke(args=["stats", "export", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(rows_of(out.read_bytes())) == 6
    xlsx = tmp_path / "summary.xlsx"
    result = runner.invoke(args=["stats", "export", "--format", "xlsx", "--summary", "--unit", "PA",
                                 "--course", "hoc-tap-2023", "--from", "01/01/2023", "--to", "31/12/2023", "-o", str(xlsx)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet.cell(sheet.max_row, 3).value == "Tổng cộng" and sheet.cell(sheet.max_row, 4).value == 4
    scoped = tmp_path / "scoped.csv"
    assert runner.invoke(args=["stats", "export", "--as", "quanly.a", "-o", str(scoped)]).exit_code == 0
    assert {r[2] for r in rows_of(scoped.read_bytes())[1:]} == {"xa", "anh", "binh", "duc"}
    assert [e.details["rows"] for e in exports()] == [5, 4, 4]
    for bad in (["--unit", "NOPE"], ["--course", "nope"], ["--from", "2023-02-01", "--to", "2023-01-01"],
                ["--as", "quanly.a", "--unit", "PB"], ["--as", "nobody"]):
        target = tmp_path / "bad.csv"
        result = runner.invoke(args=["stats", "export", *bad, "-o", str(target)])
        assert result.exit_code != 0 and not target.exists() and not (tmp_path / "bad.csv.part").exists()
        assert "Traceback" not in result.output and "Error:" in result.output, result.output
    assert len(exports()) == 3
