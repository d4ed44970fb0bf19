"""Numbers in the language of the request (issue 17.9): a CSV is text, so its numbers are written
'90,0' and '40,0' in Vietnamese and '90.0', '40.0' in English, whichever path writes them (Python,
the database, a background job); an XLSX number stays a number cell."""
import io

import openpyxl
import pytest

from elearn.exports import Column, iter_csv
from tests.factories import wait_for_job
from tests.reports.factories import Province
from tests.reports.test_export import rows_of


@pytest.fixture
def tree(app):
    return Province()


def _in(client, locale: str):
    client.post("/locale/" + locale, data={"next": "/"})
    return client


@pytest.mark.parametrize("locale, score, rate", [("vi", "90,0", "40,0"), ("en", "90.0", "40.0")])
def test_csv_numbers_follow_the_request_language(tree, login, locale, score, rate):
    client = _in(login(tree.admin), locale)
    detail = rows_of(client.get("/stats/export?kind=detail&format=csv&unit=PA1a").get_data())  # written by SQL
    anh = {r[2]: r for r in detail[1:]}["anh"]
    assert anh[8] == "100" and anh[10] == score
    summary = rows_of(client.get("/stats/export?kind=summary&format=csv").get_data())  # written by Python
    assert summary[-1][6] == rate


@pytest.mark.parametrize("app_config", [{"EXPORT_JOB_THRESHOLD": 1}])
@pytest.mark.parametrize("locale, score", [("vi", "90,0"), ("en", "90.0")])
def test_a_background_export_keeps_the_language_it_was_asked_in(tree, login, locale, score):
    client = _in(login(tree.admin), locale)
    response = client.get("/stats/export?kind=detail&format=csv&unit=PA1a")
    job_id = response.headers["Location"].removeprefix("/jobs/")
    wait_for_job(job_id)
    rows = rows_of(client.get(f"/jobs/{job_id}/download").get_data())
    assert {r[2]: r for r in rows[1:]}["anh"][10] == score


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_xlsx_numbers_are_number_cells(tree, login, locale):
    client = _in(login(tree.admin), locale)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/stats/export?kind=summary&format=xlsx").get_data())).active
    assert sheet.cell(sheet.max_row, 7).value == 40.0


def test_the_csv_writer_takes_the_decimal_mark(app):
    columns = [Column("n", "number", decimals=2), Column("i", "int"), Column("t")]
    vi = b"".join(iter_csv(columns, [(1234.565, 1234, "1.5"), (None, None, None)], decimal=","))
    assert vi.decode("utf-8-sig").split("\r\n")[1:3] == ['"1234,57",1234,1.5', ",,"]  # text is left as it is
    assert b"".join(iter_csv(columns, [(2.5, 1, "")], decimal=".")).decode("utf-8-sig").split("\r\n")[1] == "2.50,1,"
