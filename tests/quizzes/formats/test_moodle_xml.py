"""Moodle XML import and export (issue 24): the kinds elearn has, images kept, all or nothing.

Fixtures in tests/quizzes/formats/moodle/ (each names its Moodle source)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from elearn import db
from elearn.uploads import stored_path
from quizzes.bank.models import Question, QuestionCategory, QuestionKind
from quizzes.bank.types import get_type
from quizzes.formats import services
from quizzes.formats.common import FormatError
from quizzes.formats.moodlexml import parse_moodle_xml
from tests.courses.factories import make_trainer
from tests.factories import make_unit, make_user

HERE = Path(__file__).parent / "moodle"


def fixture(name: str) -> bytes:
    return (HERE / name).read_bytes()


def test_moodles_nested_categories_read_as_moodle_reads_them(app):
    questions = parse_moodle_xml(fixture("nested_categories_with_questions.xml"))
    assert [(q.name, q.kind, q.category) for q in questions] == [
        ("Iota Question", QuestionKind.TRUEFALSE, ("Iota",)),
        ("Kappa Essay Question", QuestionKind.ESSAY, ("Iota", "Kappa")),
        ("Kappa Question", QuestionKind.TRUEFALSE, ("Iota", "Kappa")),
        ("Lambda Question", QuestionKind.TRUEFALSE, ("Iota", "Kappa", "Lambda")),
        ("Mu Question", QuestionKind.TRUEFALSE, ("Iota", "Mu")),
    ]
    assert questions[0].data["answer"] is True and questions[0].points == 1.0
    assert questions[0].text_html == "<p>Testing Iota Question</p>"


def test_every_kind_with_weights_feedback_and_images(app):
    questions = {q.name: q for q in parse_moodle_xml(fixture("questions_with_images.xml"))}
    flag = questions["Quốc kỳ"]
    assert flag.kind == QuestionKind.SINGLE and flag.points == 2.0 and flag.category == ("Default for Lịch sử", "Hình ảnh")
    assert [(c["html"], c["fraction"], c["feedback"]) for c in flag.data["choices"]] == [
        ("Việt Nam", 1.0, "Đúng."), ("Lào", 0.0, ""), ("Campuchia", 0.0, "")]
    assert flag.data["shuffle"] is False and flag.tags == ["lịch sử"]
    assert set(flag.files) == {"co do.png"} and flag.files["co do.png"][:4] == b"\x89PNG"
    old = questions["mcq with image"]
    assert old.kind == QuestionKind.MULTIPLE and '<img src="@@PLUGINFILE@@/moodle.png"' in old.text_html
    assert [c["fraction"] for c in old.data["choices"]] == [0.5, 0.5, -1.0]
    year = questions["Năm thành lập Đảng"]
    assert year.data["answers"] == [{"value": 1930.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "Đúng: 3/2/1930."},
                                    {"value": 1931.0, "tolerance": 1.0, "fraction": 0.5, "feedback": "Gần đúng."}]
    assert year.data["other_feedback"] == "Xem lại bài 1."        # Moodle's "*" answer
    author = questions["Tác giả Tuyên ngôn"]
    assert [a["text"] for a in author.data["answers"]] == ["Hồ Chí Minh", "Nguyễn Ái Quốc"]
    pairs = questions["Ghép sự kiện"].data["pairs"]
    assert [(p["prompt"], p["answer"]) for p in pairs][0] == ("<p>Cách mạng tháng Tám</p>", "1945")
    assert questions["Giới thiệu"].kind == QuestionKind.DESCRIPTION
    for q in questions.values():                                    # each is a valid question of its kind
        get_type(q.kind).validate(q.data)


def _target(trainer) -> QuestionCategory:
    from quizzes.bank import services as bank
    return bank.get_or_create_category_path("Nhập Moodle", trainer)


def test_import_keeps_the_images_and_points_the_texts_at_them(app, client, login):
    trainer = make_trainer()
    target = _target(trainer)
    result = services.import_file(target, "moodlexml", fixture("questions_with_images.xml"), trainer)
    db.session.commit()
    assert result.imported == 6 and result.categories == 2
    flag = db.session.scalar(select(Question).where(Question.tags.contains("lịch sử")))
    html = flag.current_version.text_html
    assert "@@PLUGINFILE@@" not in html and 'src="/questions/files/' in html
    address = html.split('src="', 1)[1].split('"', 1)[0]
    assert stored_path(address.rsplit("/", 1)[1]) is not None
    response = client.get(address)                                 # shown to whoever sees the question
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/questions/files/../../etc/passwd").status_code == 404
    assert client.get("/questions/files/" + "0" * 32 + ".png").status_code == 404


def test_export_then_import_gives_the_same_questions_and_images(app):
    trainer = make_trainer()
    target = _target(trainer)
    services.import_file(target, "moodlexml", fixture("questions_with_images.xml"), trainer)
    exported = services.export_file(target, "moodlexml", trainer)
    assert "@@PLUGINFILE@@/" in exported and "<file name=" in exported
    again = parse_moodle_xml(exported.encode())
    first = services.export_questions(target)
    assert [(q.name, q.kind, q.category, q.points) for q in again] == [
        (q.name, q.kind, q.category, q.points) for q in first]
    by_name = {q.name: q for q in again}
    for q in first:
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            assert [(c["fraction"], c["feedback"]) for c in by_name[q.name].data["choices"]] == [
                (c["fraction"], c["feedback"]) for c in q.data["choices"]]
        if q.kind == QuestionKind.NUMERICAL:
            assert by_name[q.name].data == q.data
    assert by_name["Quốc kỳ"].files and next(iter(by_name["Quốc kỳ"].files.values()))[:4] == b"\x89PNG"


@pytest.mark.parametrize("content, message", [
    (b"<quiz><question type='cloze'><name><text>Cloze</text></name></question></quiz>", "cloze"),
    (b"<quiz><question type='multichoice'>", "XML"),
    (b"<notquiz/>", "<quiz>"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
     b"<quiz><question type='description'><questiontext><text>&lol2;</text></questiontext></question></quiz>", "DTD"),
])
def test_bad_files_are_refused_with_a_reason(app, content, message):
    with pytest.raises(FormatError) as refused:
        parse_moodle_xml(content)
    assert message in str(refused.value)


def test_a_file_that_is_not_an_image_refuses_the_whole_import(app):
    trainer = make_trainer()
    target = _target(trainer)
    before = db.session.scalar(select(Question.id).order_by(Question.id.desc()).limit(1))
    mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x10" + b"\x00" * 64
    import base64
    content = ("<quiz><question type='truefalse'><name><text>Greeting</text></name><questiontext format='html'>"
               "<text><![CDATA[<p><a href=\"@@PLUGINFILE@@/bonjour.mp3\">Listen</a></p>]]></text>"
               f"<file name='bonjour.mp3' encoding='base64'>{base64.b64encode(mp3).decode()}</file></questiontext>"
               "<answer fraction='100'><text>true</text></answer><answer fraction='0'><text>false</text></answer>"
               "</question>"
               "<question type='truefalse'><name><text>Fine</text></name><questiontext><text>Ok?</text></questiontext>"
               "<answer fraction='100'><text>true</text></answer><answer fraction='0'><text>false</text></answer>"
               "</question></quiz>").encode()
    with pytest.raises(FormatError) as refused:
        services.import_file(target, "moodlexml", content, trainer)
    assert "bonjour.mp3" in str(refused.value) and refused.value.errors[0].line == 1
    db.session.rollback()
    assert db.session.scalar(select(Question.id).order_by(Question.id.desc()).limit(1)) == before


def test_trainer_imports_and_exports_moodle_xml_through_the_page(app, client, login):
    trainer = make_trainer()
    make_user(unit=make_unit())
    login(trainer)
    page = client.get("/questions/import")
    assert "Moodle XML" in page.get_data(as_text=True)
    response = client.post("/questions/import", data={
        "format": "auto", "new_category": "Ngân hàng Moodle", "category": "0",
        "file": (io.BytesIO(fixture("nested_categories_with_questions.xml")), "moodle.xml")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "5 câu hỏi" in response.get_data(as_text=True)
    category = db.session.scalar(select(QuestionCategory).where(QuestionCategory.name == "Ngân hàng Moodle"))
    exported = client.get(f"/questions/export?category={category.id}&format=moodlexml")
    assert exported.mimetype == "application/xml" and b"Iota Question" in exported.data
    assert [q.name for q in parse_moodle_xml(exported.data)][0] == "Iota Question"
