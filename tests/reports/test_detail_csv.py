"""The detail CSV written by the database must be the CSV the Python writer makes, byte for byte."""
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import literal, select

from courses.forms import local_day_end
from elearn import db
from elearn.db import UTCDateTime
from elearn.exports import Column, CsvBlocks, _number_text, iter_csv
from reports import csv_sql, detail_csv, export, filters, queries
from tests.factories import make_unit, make_user
from tests.reports.factories import Province, enrol, make_course

HOSTILE = ["plain", "Nguyễn Văn Á", "=1+1", "+84 912", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "a,b",
           'say "hi"', "two\nlines", "=HYPERLINK(\"http://x\",\"y\"),z", "' quoted", "", None]


def python_csv(columns, rows, decimal=None) -> bytes:
    return b"".join(iter_csv(columns, rows, decimal=decimal))


def database_csv(f) -> bytes:
    columns = export.detail_columns()
    return python_csv(columns, CsvBlocks(detail_csv.blocks(f, columns, export._passed_text())))


def sql_cells(column: Column, values, type_=None, decimal=".") -> list[str]:
    dialect = db.engine().dialect.name
    return [db.session.scalar(select(csv_sql.cell(column, literal(v, type_), dialect, decimal=decimal)))
            for v in values]


def python_cell(column: Column, value, decimal=".") -> str:
    """The text the CSV writer gives the value, cut out of a line with a second column."""
    body = python_csv([column, Column("end")], [(value, "end")], decimal).decode("utf-8-sig").split("\r\n", 1)[1]
    assert body.endswith(",end\r\n")
    return body[:-len(",end\r\n")]


def test_text_cells_are_neutralized_and_quoted_like_the_csv_writer(app):
    column = Column("x")
    assert sql_cells(column, HOSTILE) == [python_cell(column, v) for v in HOSTILE]
    assert sql_cells(column, ["=1+1", '=a,"b"', None]) == ["'=1+1", '"\'=a,""b"""', ""]


def test_numbers_round_half_up_in_python_and_in_the_database(app):
    values = [0, 0.5, 2.5, 12.5, 33.3333, 99.94, 99.96, 100.0, None]
    for decimals in (0, 1):
        column = Column("n", "number", decimals=decimals)
        for decimal in (".", ","):  # English, Vietnamese (quoted: the comma separates cells)
            assert sql_cells(column, values, decimal=decimal) == [python_cell(column, v, decimal) for v in values]
    assert sql_cells(Column("n", "number"), [12.25, None], decimal=",") == ['"12,3"', ""]
    assert [_number_text(v, 0) for v in (0.5, 2.5, 12.5)] == ["1", "3", "13"]  # format() gives 0, 2, 12
    assert _number_text(0.15, 1) == "0.2"


def test_dates_are_vietnam_days(app):
    values = [datetime(2023, 3, 1, 16, 59, tzinfo=UTC), datetime(2023, 3, 1, 17, 0, tzinfo=UTC), None]
    assert sql_cells(Column("d", "date"), values, UTCDateTime()) == ["01/03/2023", "02/03/2023", ""]
    assert sql_cells(Column("d", "datetime"), values[1:], UTCDateTime()) == ["02/03/2023 00:00", ""]
    assert [python_cell(Column("d", "date"), v) for v in values] == ["01/03/2023", "02/03/2023", ""]


def test_a_due_days_last_instant_is_that_day_in_the_database_too(app):
    due = local_day_end(date(2027, 1, 19))  # 16:59:59.999999 UTC: SQLite rounded it into the 20th
    assert sql_cells(Column("d", "date"), [due], UTCDateTime()) == ["19/01/2027"]
    assert sql_cells(Column("d", "datetime"), [due], UTCDateTime()) == ["19/01/2027 23:59"]
    assert db.session.scalar(select(queries.local_day(literal(due, UTCDateTime())))) == "2027-01-19"


@pytest.fixture
def tree(app):
    tree = Province()
    # a unit whose name is SQL and a formula: it travels to the database as a literal
    hostile_unit = make_unit("=Chi bộ 'B'); DROP TABLE user_account; --, \"x\"", tree.commune_a, code="PA1b")
    second = make_course(tree.admin, slug="chuyen-de-2", title='Chuyên đề 2: "Dân vận", khéo')
    for i, name in enumerate(v for v in HOSTILE if v):
        cadre = make_user(f"k{i}", unit=(tree.commune_a, tree.cell_a, hostile_unit)[i % 3], full_name=name,
                          position=HOSTILE[-2 - i % 5] or "")
        enrol(cadre, tree.course, stage=("none", "started", "lesson", "complete")[i % 4], score=(None, 62.5, 12.25)[i % 3])
        if i % 3 == 0:
            enrol(cadre, second, stage="complete", score=100.0)
    return tree


def test_the_database_writes_the_same_file_as_python(tree):
    for code in (None, "PA", "PA1a", "PA1b", "PB"):
        f = filters.resolve(None, code)
        assert database_csv(f) == python_csv(export.detail_columns(), export.detail_table(f))
    f = filters.resolve(tree.manager_a)
    assert database_csv(f).count(b"\r\n") > 10


def test_a_period_without_rows_gives_the_header_only(tree):
    f = filters.resolve(None, None, None, "2020-01-01", "2020-12-31")
    assert database_csv(f).decode("utf-8-sig").split("\r\n") == [
        python_csv(export.detail_columns(), []).decode("utf-8-sig").split("\r\n")[0], ""]
