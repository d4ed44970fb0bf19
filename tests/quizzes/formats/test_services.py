"""Import and export through the real services, CLI and page."""
from __future__ import annotations

import html
import io
import json

import pytest
from sqlalchemy import func, select

from elearn import db
from elearn.audit import AuditLog
from elearn.permissions import Role
from quizzes.bank import category_paths
from quizzes.bank import queries as bank_queries
from quizzes.bank import services as bank
from quizzes.bank.models import Question, QuestionCategory, QuestionKind
from quizzes.formats import services
from quizzes.formats.common import FormatError
from quizzes.formats.export import write_gift
from tests.factories import make_user
from tests.quizzes.formats.test_gift_roundtrip import every_kind

GOOD = """// Bộ câu hỏi mẫu
::Thủ đô::Thủ đô của Việt Nam?{=Hà Nội#Đúng ~Huế#Sai ####Từ 1010}

Chọn số chẵn {~%50%2 ~%50%4 ~%-50%3}

Đúng hay sai? {T}

$CATEGORY: Chương 1/Bài 2

Tác giả? {=Hồ Chí Minh =%50%Bác Hồ}

Pi? {#3.14:0.01}

Ghép {=a -> 1 =b -> 2}

Viết cảm nghĩ {}

Đọc đoạn văn.
"""


def count(model=Question):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def target(app):
    category = bank.create_category("Nhập")
    db.session.commit()
    return category


def test_import_every_kind_into_subcategories(target):
    result = services.import_file(target, "gift", GOOD.encode(), None)
    db.session.commit()
    assert result.imported == 8 and result.categories == 2
    assert result.by_type == {"single": 1, "multiple": 1, "truefalse": 1, "shortanswer": 1, "numerical": 1,
                              "matching": 1, "essay": 1, "description": 1}
    sub = category_paths.find_category_path("Nhập/Chương 1/Bài 2", None)
    assert sub is not None and len(bank_queries.list_questions(sub)) == 5
    first = bank_queries.list_questions(target)[0].current_version
    assert first.name == "Thủ đô" and first.general_feedback_html == "Từ 1010"
    assert first.data["choices"][0]["feedback"] == "Đúng"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "questions.import")).details["imported"] == 8


def test_invalid_question_is_an_error_with_its_line_and_nothing_is_written(target):
    text = GOOD + "\nTổng không đủ {~%50%a ~%30%b ~c}\n\nQ {=a ~b}\n\nĐiểm âm // [points:x]\n"
    text += "\n// [points:0]\nKhông điểm {=a ~b}\n"
    with pytest.raises(FormatError) as info:
        services.import_file(target, "gift", text.encode(), None)
    db.session.rollback()
    lines = [e.line for e in info.value.errors]
    assert lines == [20, 27]
    assert "80%" in info.value.errors[0].message
    assert count() == 0 and count(QuestionCategory) == 1


def test_export_then_import_gives_back_the_same_questions(target):
    services.import_file(target, "gift", write_gift(every_kind()).encode(), None)
    db.session.commit()
    exported = services.export_gift(target, None)
    copy = bank.create_category("Bản sao")
    services.import_file(copy, "gift", exported.encode(), None)
    db.session.commit()

    def snapshot(category):
        return [(q.kind, q.name, q.text_html, q.general_feedback_html, q.data, q.points, q.tags, q.category)
                for q in services.export_questions(category)]
    assert snapshot(copy) == snapshot(target) and len(snapshot(copy)) == len(every_kind())
    assert services.export_gift(copy, None) == exported


@pytest.mark.parametrize("fmt,content", [
    ("aiken", "Thủ đô?\nA. Hà Nội\nB. Huế\nANSWER: A\n".encode()),
    ("csv", "Câu hỏi,Loại,Phương án A,Phương án B,Đáp án\n=1+1,,x,y,A\n".encode("utf-8-sig")),
])
def test_other_formats(target, fmt, content):
    result = services.import_file(target, fmt, content, None)
    assert result.imported == 1 and result.by_type == {"single": 1}


def test_formula_cell_is_stored_as_text_and_exported_escaped(target):
    services.import_file(target, "csv", "Câu hỏi,A,B,Đáp án\n=HYPERLINK(\"x\"),=1,+2,A\n".encode(), None)
    version = bank_queries.list_questions(target)[0].current_version
    assert version.text_html == '=HYPERLINK("x")' and version.data["choices"][0]["html"] == "=1"
    assert '[html]\\=HYPERLINK("x")' in services.export_gift(target, None)


def test_cli_import_json_good_and_bad(runner, tmp_path):
    good, bad = tmp_path / "good.gift", tmp_path / "bad.gift"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text("Q1 {=a ~b}\n\nQ2 {=a ~b\n\nQ3 {~%50%a ~%20%b}\n", encoding="utf-8")
    result = runner.invoke(args=["questions", "import", str(bad), "--format", "gift", "--category", "Tên danh mục",
                                 "--json"])
    assert result.exit_code == 2, result.output
    body = json.loads(result.output)
    assert body["imported"] == 0 and [e["line"] for e in body["errors"]] == [3, 5]
    assert "ngoặc" in body["errors"][0]["message"] or body["errors"][0]["message"]
    assert count() == 0
    result = runner.invoke(args=["questions", "import", str(good), "--format", "gift", "--category", "Tên danh mục",
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"imported": 8, "by_type": {
        "single": 1, "multiple": 1, "truefalse": 1, "shortanswer": 1, "numerical": 1, "matching": 1, "essay": 1,
        "description": 1}}
    out = tmp_path / "out.gift"
    result = runner.invoke(args=["questions", "export", "--format", "gift", "--category", "Tên danh mục",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "$CATEGORY: Chương 1/Bài 2" in out.read_text(encoding="utf-8")
    stdout = runner.invoke(args=["questions", "export", "--category", "Tên danh mục"])
    assert stdout.output == out.read_text(encoding="utf-8")
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert {"questions.import_failed", "questions.import", "questions.export"} <= set(actions)


def test_cli_owner_tree(runner, tmp_path):
    trainer = make_user(roles=[Role.TRAINER])
    good = tmp_path / "good.gift"
    good.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["questions", "import", str(good), "--category", "Riêng", "--owner",
                                 trainer.username])
    assert result.exit_code == 0, result.output
    assert category_paths.find_category_path("Riêng", trainer) is not None and category_paths.find_category_path("Riêng", None) is None
    result = runner.invoke(args=["questions", "export", "--category", "Riêng", "--owner", trainer.username])
    assert result.exit_code == 0 and "Thủ đô" in result.output
    assert runner.invoke(args=["questions", "export", "--category", "Riêng"]).exit_code == 1


def test_cli_huge_file_is_refused(runner, tmp_path):
    huge = tmp_path / "huge.gift"
    huge.write_bytes(b"Q{T}\n\n" * 2_000_000)
    result = runner.invoke(args=["questions", "import", str(huge), "--category", "X", "--json"])
    assert result.exit_code == 2 and "MB" in json.loads(result.output)["errors"][0]["message"]


@pytest.fixture
def trainer(app):
    return make_user(roles=[Role.TRAINER])


def test_import_page_shows_errors_then_counts(client, login, trainer):
    category = bank.create_category("Của tôi", owner=trainer)
    db.session.commit()
    login(trainer)
    bank_page = client.get(f"/bank/categories/{category.id}").get_data(as_text=True)
    assert f"/questions/import?category={category.id}" in bank_page
    assert f"/questions/export?category={category.id}" in bank_page
    page = client.get(f"/questions/import?category={category.id}")
    assert page.status_code == 200 and "Của tôi" in page.get_data(as_text=True)
    bad = client.post("/questions/import", data={"format": "gift", "category": category.id,
                                                 "file": (io.BytesIO(b"Q {=a ~b\n"), "x.gift")})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "<td>1</td>" in html and count() == 0
    good = client.post("/questions/import", data={"format": "gift", "category": category.id,
                                                  "file": (io.BytesIO(GOOD.encode()), "x.gift")})
    assert "8" in good.get_data(as_text=True) and count() == 8
    # Issue 17.6: the result leads to what was imported.
    assert f'href="/bank/categories/{category.id}?sub=1"' in good.get_data(as_text=True)
    export = client.get(f"/questions/export?category={category.id}")
    assert export.status_code == 200 and "Thủ đô" in export.get_data(as_text=True)
    assert client.get("/questions/template.xlsx").status_code == 200
    assert client.get("/questions/template.csv").data.startswith(b"\xef\xbb\xbf")


def test_another_trainers_category_is_404(client, login, trainer):
    other = bank.create_category("Của người khác", owner=make_user(roles=[Role.TRAINER]))
    db.session.commit()
    login(trainer)
    assert client.get(f"/questions/export?category={other.id}").status_code == 404
    response = client.post("/questions/import", data={"format": "gift", "category": other.id,
                                                      "file": (io.BytesIO(GOOD.encode()), "x.gift")})
    assert response.status_code == 404 and count() == 0


def test_cadre_cannot_open_the_page(client, login):
    login(make_user(roles=[Role.CADRE]))
    assert client.get("/questions/import").status_code == 403


def test_hostile_html_is_sanitized_in_every_stored_field(target):
    from tests.hostile import XSS, assert_no_live_script

    blocks = []
    for n, payload in enumerate(XSS):
        p = payload.replace("{", "\\{").replace("}", "\\}").replace("=", "\\=").replace("#", "\\#")
        p = p.replace("~", "\\~").replace(":", "\\:")
        blocks.append(f"::T{n}::[html]Câu {p}{{=đúng {p}#{p} ~sai {p} ####{p}}}")
        blocks.append(f"::M{n}::[html]Ghép {p}{{=a {p} -> b {p} =c -> d}}")
    services.import_file(target, "gift", "\n\n".join(blocks).encode(), None)
    versions = [q.current_version for q in bank_queries.list_questions(target)]
    assert len(versions) == 2 * len(XSS)
    for v in versions:
        stored = [v.text_html, v.general_feedback_html] + [
            item.get(key, "") for item in v.data.get("choices", []) + v.data.get("pairs", [])
            for key in ("html", "feedback", "prompt", "answer")]
        for field in stored:
            assert_no_live_script(field)


def test_formula_cells_stay_text(target):
    from tests.hostile import FORMULAS

    rows = ["Câu hỏi,Loại,A,B,Đáp án"] + [
        '"{}",một đáp án,"{}",x,A'.format(f.replace('"', '""'), f.replace('"', '""')) for f in FORMULAS]
    services.import_file(target, "csv", "\n".join(rows).encode(), None)
    texts = [q.current_version.data["choices"][0]["html"] for q in bank_queries.list_questions(target)]
    assert texts == [html.escape(f.strip(), quote=False) for f in FORMULAS]
    exported = services.export_gift(target, None)
    assert all(not line.startswith(("=", "+", "-", "@")) for line in exported.splitlines())


def test_error_page_escapes_what_the_file_says(client, login, trainer):
    from tests.hostile import assert_no_live_script

    category = bank.create_category("Của tôi", owner=trainer)
    db.session.commit()
    login(trainer)
    response = client.post("/questions/import", data={
        "format": "csv", "category": category.id,
        "file": (io.BytesIO('Câu hỏi,<script>alert(1)</script>\nQ,x\n'.encode()), "x.csv")})
    page = response.get_data(as_text=True)
    assert "&lt;script&gt;" in page
    assert_no_live_script(page)


def test_guess_format():
    from quizzes.formats.spreadsheet import template_xlsx

    assert services.guess_format("x.bin", template_xlsx()) == "xlsx"
    assert services.guess_format("cau-hoi.CSV", b"a,b") == "csv"
    assert services.guess_format("a.txt", b"Q?\nA. x\nB. y\nANSWER: A\n") == "aiken"
    assert services.guess_format("a.txt", GOOD.encode()) == "gift"


def test_page_imports_the_excel_template_automatically(client, login, trainer):
    from quizzes.formats.spreadsheet import template_xlsx

    login(trainer)
    response = client.post("/questions/import", data={
        "format": "auto", "new_category": "Mẫu/Excel", "file": (io.BytesIO(template_xlsx()), "mau.xlsx")})
    assert response.status_code == 200 and count() == 6
    category = category_paths.find_category_path("Mẫu/Excel", trainer)
    assert category is not None and category.owner_id == trainer.id


def _bank_valid(q):
    """Make a generated question one the bank accepts (its own rules are tested elsewhere)."""
    if q.kind == QuestionKind.MULTIPLE:
        positive = [c for c in q.data["choices"] if c["fraction"] > 0] or q.data["choices"][:1]
        for c in positive:
            c["fraction"] = round(1 / len(positive), 7)
    if q.kind == QuestionKind.SHORTANSWER:
        q.data["answers"] = list({a["text"].casefold(): a for a in q.data["answers"]}.values())
        q.data["answers"][0]["fraction"] = 1.0
    if q.kind == QuestionKind.MATCHING:
        q.data["pairs"][0]["prompt"] = q.data["pairs"][0]["prompt"] or "x"
        q.data["pairs"][1]["prompt"] = q.data["pairs"][1]["prompt"] or "y"
    q.points = 0.0 if q.kind == QuestionKind.DESCRIPTION else (q.points or 1.0)
    return q


def test_generated_questions_round_trip_through_the_database(app):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.quizzes.formats.test_gift_roundtrip import questions

    counter = iter(range(10_000))

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(questions(), min_size=1, max_size=3))
    def check(generated):
        n = next(counter)
        first, second = bank.create_category(f"A{n}"), bank.create_category(f"B{n}")
        services.import_file(first, "gift", write_gift([_bank_valid(q) for q in generated]).encode(), None)
        exported = services.export_gift(first, None)
        services.import_file(second, "gift", exported.encode(), None)
        assert services.export_gift(second, None) == exported
        db.session.rollback()

    check()


def test_page_refuses_a_huge_upload_with_a_clear_message(client, login, trainer, monkeypatch):
    # A smaller limit for the test: werkzeug's test client leaks the temporary file of a large body.
    from quizzes.formats import common, views
    monkeypatch.setattr(common, "MAX_IMPORT_BYTES", 100_000)
    monkeypatch.setattr(views, "MAX_IMPORT_BYTES", 100_000)
    category = bank.create_category("Của tôi", owner=trainer)
    db.session.commit()
    login(trainer)
    response = client.post("/questions/import", data={
        "format": "gift", "category": category.id, "file": (io.BytesIO(b"Q{T}\n\n" * 20_000), "big.gift")})
    assert response.status_code == 200 and "MB" in response.get_data(as_text=True) and count() == 0
