"""Import and export through the real services, CLI and page."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from elearn import db
from elearn.models import AuditLog
from elearn.permissions import Role
from quizzes.bank import services as bank
from quizzes.bank.models import Question, QuestionCategory, QuestionKind
from quizzes.formats import services
from quizzes.formats.common import FormatError
from tests.factories import make_user
from tests.quizzes.formats.test_gift_roundtrip import every_kind
from quizzes.formats.export import write_gift

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
    sub = bank.find_category_path("Nhập/Chương 1/Bài 2", None)
    assert sub is not None and len(bank.list_questions(sub)) == 5
    first = bank.list_questions(target)[0].current_version
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
    version = bank.list_questions(target)[0].current_version
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
    page = client.get("/questions/import")
    assert page.status_code == 200 and "Của tôi" in page.get_data(as_text=True)
    bad = client.post("/questions/import", data={"format": "gift", "category": category.id,
                                                 "file": (io.BytesIO(b"Q {=a ~b\n"), "x.gift")})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "<td>1</td>" in html and count() == 0
    good = client.post("/questions/import", data={"format": "gift", "category": category.id,
                                                  "file": (io.BytesIO(GOOD.encode()), "x.gift")})
    assert "8" in good.get_data(as_text=True) and count() == 8
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
