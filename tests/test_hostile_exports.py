"""Formula payloads through every CSV/XLSX export.

Accounts, a unit and contest entrants carry the ``FORMULAS`` corpus and commas, quotes and line
breaks; every export that holds them is downloaded and read back with ``csv`` / ``openpyxl``: no
cell is a live formula (CSV: no text cell starts a formula; XLSX: no formula cell at all) and
every stored value comes back (CSV: behind the one neutralizing apostrophe).

New exports cannot escape: every route whose name or path looks like a download must be listed
in ``EXPORTS`` or ``NOT_TABULAR``, every GET page of the URL map that answers CSV or XLSX must
be in ``EXPORTS``, and every ``elearn ... export`` command in ``CLI_EXPORTS`` or ``CLI_NOT_TABULAR``.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from courses.models import Course
from elearn import db
from elearn.accounts.models import User
from elearn.exports import FORMULA_STARTS, XLSX_MIMETYPE, neutralize
from elearn.units.models import OrgUnit
from quizzes.contests import registration
from quizzes.contests import services as contests
from tests.factories import make_unit, make_user, wait_for_job
from tests.hostile import FORMULAS
from tests.hostile_world import close_round, every_get_page, make_world
from tests.reports.factories import enrol, make_course

NAMES = FORMULAS + ['Nguyễn "Văn", A\nDòng hai', "Trần, Thị; Bình", "Lê 'Thị' Hoa"]
POSITION = '=cmd|" /C calc"!A0'
EXPORTS = {  # endpoint -> the downloads the test below makes of it
    "stats.export_file": "detail, summary and the programme's by cadre and by unit, CSV and XLSX",
    "jobs.download": "a detail export large enough to run as a background job",
    "api.unit_detail_export": "the API's streamed detail as CSV (its NDJSON is JSON: no formula)",
    "contest_admin.export": "ranking and units, CSV and XLSX",
    "admin.handout_download": "temporary passwords of imported accounts (CSV)",
}
NOT_TABULAR = {
    "certificates.export_zip": "a ZIP of PDF certificates",
    "certificates.download": "a PDF certificate",
    "certificates.preview": "a PDF certificate",
    "contests.certificate": "a PDF certificate of contest participation or prize",
    "formats.export": "GIFT text (its escaping: tests/quizzes/formats)",
    "formats.template_csv_file": "a fixed template, no stored data",
    "formats.template_xlsx_file": "a fixed template, no stored data",
    "admin.user_import_template": "a fixed template, no stored data",
    "courses.attachment": "the uploaded file, as it was uploaded",
    "teach.item_attachment": "the uploaded file, as it was uploaded",
    "courses.cover": "the uploaded image",
    "courses.download": "a course's lessons handed to the phone's service worker (JSON list of addresses)",
    "notifications.edit_template": "a trainer's reminder template form (a page, not a file)",
    "notifications.reset_template": "puts a reminder template back to its default (a POST, no file)",
    "contests.ranking_file": "the published ranking file: numbers, hex pseudonyms and times, no stored text "
                             "(tests/quizzes/contests/test_proof.py)",
}
_DOWNLOAD = re.compile(r"export|download|_template|template_|handout|attachment|cover")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-F]{4})_")


def test_every_download_route_is_listed(app):
    routes = {r.endpoint for r in app.url_map.iter_rules()
              if _DOWNLOAD.search(r.endpoint) or re.search(r"\.(csv|xlsx|zip|pdf)\b", r.rule)}
    assert routes - set(EXPORTS) - set(NOT_TABULAR) == set(), "list the new download in EXPORTS or NOT_TABULAR"
    assert set(EXPORTS) | set(NOT_TABULAR) <= routes | set(app.view_functions), "a listed route is gone"


def test_every_get_page_answering_a_table_is_listed(app, client, login):
    world = make_world()
    login(world.admin)
    tables = {endpoint for endpoint, response in every_get_page(app, client, world)
              if response.mimetype in ("text/csv", XLSX_MIMETYPE)}
    assert tables - set(EXPORTS) - {e for e, why in NOT_TABULAR.items() if "template" in why} == set()


# --- reading back --------------------------------------------------------------------------------

def csv_cells(data: bytes) -> list[str]:
    assert data.startswith(b"\xef\xbb\xbf")
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]


def xlsx_cells(data: bytes) -> list:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(name)), f"a formula element in {name}"
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # a control character may be stored as an OOXML escape (_x000D_), which Excel decodes
    return [_OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), c.value) if isinstance(c.value, str) else c.value
            for c in cells]


def assert_safe(response, expected: list[str]) -> None:
    assert response.status_code == 200, response.status_code
    assert response.mimetype in ("text/csv", XLSX_MIMETYPE), response.mimetype
    assert_safe_file(response.get_data(), "csv" if response.mimetype == "text/csv" else "xlsx", expected)


def assert_safe_file(data: bytes, fmt: str, expected: list[str]) -> None:
    """No live formula in the file, and every expected value read back."""
    if fmt == "csv":
        cells = csv_cells(data)
        live = [c for c in cells if c.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(c)]
        assert not live, live
        missing = [v for v in expected if neutralize(v) not in cells]
    else:
        cells = xlsx_cells(data)
        missing = [v for v in expected if v not in cells]
    assert not missing, missing


# --- the data: hostile names in a hostile unit ------------------------------------------------------

@pytest.fixture
def hostile(app, login):
    world = make_world()
    unit = make_unit('=HYPERLINK("http://evil.example","bấm")', world.province, code="EVIL")
    course = make_course(world.admin, slug="hoc-tap-hostile", assign_to=unit)
    cadres = [make_user(f"evil{i}", unit=unit, full_name=name, position=POSITION) for i, name in enumerate(NAMES)]
    for cadre in cadres:
        enrol(cadre, course, stage="complete", score=90)
    login(world.admin)
    return world, unit, cadres


def _stored(cadres: list[User], unit: OrgUnit) -> list[str]:
    """What the database holds (names are normalized on the way in), as the exports must show it."""
    db.session.expire_all()
    return [c.full_name for c in cadres] + [unit.name]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_statistics_detail_and_summary(client, hostile, fmt):
    world, unit, cadres = hostile
    stored = _stored(cadres, unit)
    assert_safe(client.get(f"/stats/export?kind=detail&format={fmt}&unit=EVIL"), stored + [POSITION])
    assert_safe(client.get(f"/stats/export?kind=summary&format={fmt}"), [unit.name])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_statistics_programme_by_cadre_and_by_unit(client, hostile, fmt):
    from courses.programmes import services as programmes
    from courses.programmes import structure

    world, unit, cadres = hostile
    course = db.session.scalar(select(Course).where(Course.slug == "hoc-tap-hostile"))
    programme = programmes.create_programme(world.admin, '=1+2 "Chương trình", mới')
    structure.add_course(programme, course, world.admin)
    programmes.assign(programme, unit, None, world.admin)
    db.session.commit()
    stored = _stored(cadres, unit)
    title = db.session.get(type(programme), programme.id).title
    assert_safe(client.get(f"/stats/export?kind=programme&format={fmt}&unit=EVIL&programme={programme.id}"),
                stored + [POSITION, title])
    assert_safe(client.get(f"/stats/export?kind=programme_units&format={fmt}&programme={programme.id}"),
                [unit.name, title])


def test_statistics_detail_through_the_api(client, hostile):
    from tests.api.factories import bearer, make_token

    world, unit, cadres = hostile
    headers = bearer(make_token(world.admin, ["stats:read"]))
    assert_safe(client.get("/api/v1/stats/units/EVIL/detail?format=csv", headers=headers),
                _stored(cadres, unit) + [POSITION])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_statistics_detail_as_a_background_job(app, client, hostile, fmt):
    world, unit, cadres = hostile
    app.config["EXPORT_JOB_THRESHOLD"] = 1
    response = client.get(f"/stats/export?kind=detail&format={fmt}&unit=EVIL")
    assert response.status_code == 302 and response.location.startswith("/jobs/")
    job_id = response.location.removeprefix("/jobs/")
    assert wait_for_job(job_id).status.value == "done"
    assert_safe(client.get(f"/jobs/{job_id}/download"), _stored(cadres, unit) + [POSITION])


def _closed_round(world, cadres) -> tuple[int, int]:
    contest = db.session.get(contests.Contest, world.ids["contest_id"])
    return contest.id, close_round(world, [registration.cadre_entrant(contest, c) for c in cadres])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_contest_ranking_and_units(client, hostile, fmt):
    world, unit, cadres = hostile
    contest_id, round_id = _closed_round(world, cadres)
    base = f"/contests/manage/{contest_id}/rounds/{round_id}"
    assert_safe(client.get(f"{base}/ranking.{fmt}"), _stored(cadres, unit))
    assert_safe(client.get(f"{base}/units.{fmt}"), [unit.name])


def test_account_handout(client, hostile):
    world, unit, _cadres = hostile
    rows = [["username", "full_name", "unit_code"]] + [[f"moi{i}", name, "EVIL"] for i, name in enumerate(NAMES)]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    page = client.post("/admin/users/import", data={"file": (io.BytesIO(out.getvalue().encode()), "cadres.csv")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    token = page.split('action="/admin/handouts/')[1].split('"')[0]
    stored = list(db.session.scalars(select(User.full_name).where(User.username.like("moi%"))))
    assert len(stored) == len(NAMES)
    assert_safe(client.post(f"/admin/handouts/{token}"), stored + ["EVIL"])


# --- the command line ----------------------------------------------------------------------------------

CLI_EXPORTS = {"stats export", "contests export"}
CLI_NOT_TABULAR = {"questions export": "GIFT text (tests/quizzes/formats)"}


def _commands(group, prefix=""):
    for name, command in getattr(group, "commands", {}).items():
        yield f"{prefix}{name}".strip()
        yield from _commands(command, f"{prefix}{name} ")


def test_every_cli_export_is_listed(app):
    found = {c for c in _commands(app.cli) if re.search(r"export|dump|csv|xlsx", c.split(" ")[-1])}
    assert found == CLI_EXPORTS | set(CLI_NOT_TABULAR), found


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_exports(app, hostile, tmp_path, fmt):
    world, unit, cadres = hostile
    stored = _stored(cadres, unit)
    _contest_id, round_id = _closed_round(world, cadres)
    runs = {"detail.": (["stats", "export", "--unit", "EVIL"], stored + [POSITION]),
            "summary.": (["stats", "export", "--summary"], [unit.name]),
            "ranking.": (["contests", "export", str(round_id), "--table", "ranking"], stored),
            "units.": (["contests", "export", str(round_id), "--table", "units"], [unit.name])}
    for name, (args, expected) in runs.items():
        out = tmp_path / (name + fmt)
        result = app.test_cli_runner().invoke(args=[*args, "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert_safe_file(out.read_bytes(), fmt, expected)
