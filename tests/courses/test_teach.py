"""Authoring through HTTP: hostile input, uploads, ownership, ordering."""
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.http import parse_options_header

from courses import enrolment, services, structure
from courses.models import Course, CourseStatus, Item, ItemKind, Lesson, Progress
from elearn import db
from elearn.permissions import Role
from tests.courses.factories import items_of, make_course, make_trainer
from tests.factories import make_unit, make_user

SCRIPT = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'


@pytest.fixture
def app_config():
    return {"ATTACHMENT_MAX_BYTES": 50_000}


def _pdf(size=1000) -> bytes:
    return b"%PDF-1.4\n" + b"0" * size + b"\n%%EOF\n"


def _zip(second_part: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # A fixed date: the same parts give the same bytes (writestr would stamp the current time).
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", (2023, 1, 1, 0, 0, 0)), "<Types/>")
        z.writestr(zipfile.ZipInfo(second_part, (2023, 1, 1, 0, 0, 0)), "<w:document/>")
    return buf.getvalue()


def _docx() -> bytes:
    return _zip("word/document.xml")


def _lesson_data(**overrides):
    data = {"title": "Bài học", "body": "<p>Nội dung</p>", "video_url": "", "minutes": "10", "required": "y"}
    data.update(overrides)
    return data


def test_trainer_writes_a_course_end_to_end(client, login, app):
    trainer = make_trainer()
    cadre_unit = make_unit()
    cadre = make_user(unit=cadre_unit)
    login(trainer)
    response = client.post("/teach/new", data={"title": "Kỹ năng viết tin", "theme": "Nghiệp vụ", "year": "2023",
                                               "summary": "Tóm tắt", "self_enroll": "y"})
    course = db.session.scalar(select(Course).where(Course.title == "Kỹ năng viết tin"))
    assert response.status_code == 302 and course.owner_id == trainer.id
    client.post(f"/teach/{course.id}/modules", data={"title": "Phần 1"})
    module = course.modules[0]
    response = client.post(f"/teach/modules/{module.id}/lessons/new", content_type="multipart/form-data",
                           data=_lesson_data(video_url="https://youtu.be/dQw4w9WgXcQ",
                                             attachment=(io.BytesIO(_docx()), "tai-lieu.docx")))
    assert response.status_code == 302
    item = items_of(course)[0]
    lesson = item.lesson
    assert lesson.attachment_type.endswith("wordprocessingml.document")
    assert lesson.attachment_name == "tai-lieu.docx" and lesson.attachment_path != "tai-lieu.docx"
    assert (Path(app.config["UPLOAD_DIR"]) / lesson.attachment_path).read_bytes() == _docx()
    preview = client.get(f"/teach/items/{item.id}/preview").get_data(as_text=True)
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in preview and "Nội dung" in preview
    assert client.post(f"/teach/{course.id}/status", data={"status": "published"}).status_code == 302
    assert course.status == CourseStatus.PUBLISHED
    response = client.post(f"/teach/{course.id}/assign", data={"unit": str(cadre_unit.id), "due_on": "2030-12-31"})
    assert response.status_code == 302
    assert services.get_enrollment(cadre, course).due_at.year == 2030
    download = client.get(f"/teach/items/{item.id}/attachment")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff" and download.data == _docx()
    login(cadre)
    download = client.get(f"/learn/{item.id}/attachment")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")


def test_script_payloads_are_stored_sanitized_and_rendered_escaped(client, login):
    trainer = make_trainer()
    cadre = make_user()
    login(trainer)
    client.post("/teach/new", data={"title": "T" + SCRIPT, "theme": SCRIPT, "summary": SCRIPT, "year": "2023"})
    course = db.session.scalar(select(Course).where(Course.owner_id == trainer.id))
    client.post(f"/teach/{course.id}", data={"title": "T" + SCRIPT, "theme": SCRIPT, "summary": SCRIPT,
                                              "slug": SCRIPT, "year": "2023", "self_enroll": "y"})
    assert "<" not in course.slug and "script" in course.slug  # slug keeps only letters, digits, dashes
    client.post(f"/teach/{course.id}/modules", data={"title": SCRIPT})
    module = course.modules[0]
    client.post(f"/teach/modules/{module.id}/lessons/new", data=_lesson_data(title=SCRIPT, body=SCRIPT + "<p>ok</p>"))
    item = items_of(course)[0]
    assert "script" not in item.lesson.body_html and "onerror" not in item.lesson.body_html
    assert "javascript" not in item.lesson.body_html and "<p>ok</p>" in item.lesson.body_html
    # A javascript: or data: video link is refused, nothing is saved.
    for bad in ("javascript:alert(1)", "data:text/html,<script>x</script>", "http://example.com/v.mp4\"><script>"):
        page = client.post(f"/teach/items/{item.id}", data=_lesson_data(title="Đổi", video_url=bad))
        assert "Đường dẫn video phải là" in page.get_data(as_text=True)
        db.session.refresh(item)
        assert item.title == SCRIPT and item.lesson.video_url is None
    client.post(f"/teach/{course.id}/status", data={"status": "published"})
    enrolment.enroll(cadre, course)
    db.session.commit()
    pages = [client.get(f"/teach/{course.id}"), client.get(f"/teach/{course.id}/preview"),
             client.get(f"/teach/items/{item.id}/preview"), client.get("/teach/")]
    login(cadre)
    pages += [client.get("/my-courses"), client.get("/catalog?q=script"), client.get(f"/courses/{course.slug}"),
              client.get(f"/learn/{item.id}")]
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>alert" not in html and 'onerror="alert' not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[-1].get_data(as_text=True)


def test_attachment_that_lies_about_its_type_or_is_too_big_is_refused(client, login, app):
    trainer = make_trainer()
    course = make_course(trainer, lessons=1)
    item = items_of(course)[0]
    login(trainer)
    html_as_pdf = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "bai-giang.pdf")
    exe_as_docx = (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "tai-lieu.docx")
    zip_as_docx = (io.BytesIO(_zip("evil.txt")), "tai-lieu.docx")
    too_big = (io.BytesIO(_pdf(60_000)), "lon.pdf")
    for upload, message in ((html_as_pdf, "Không chấp nhận loại tệp này"), (exe_as_docx, "Không chấp nhận loại tệp"),
                            (zip_as_docx, "Không chấp nhận loại tệp"), (too_big, "Tệp lớn hơn")):
        response = client.post(f"/teach/items/{item.id}", content_type="multipart/form-data",
                               data=_lesson_data(title="Không được lưu", attachment=upload))
        assert message in response.get_data(as_text=True)
        db.session.refresh(item)
        assert item.title != "Không được lưu" and item.lesson.attachment_path is None
    assert not Path(app.config["UPLOAD_DIR"]).exists() or not any(Path(app.config["UPLOAD_DIR"]).iterdir())
    response = client.post(f"/teach/items/{item.id}", content_type="multipart/form-data",
                           data=_lesson_data(attachment=(io.BytesIO(_pdf()), "../../etc/passwd.pdf")))
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.lesson.attachment_type == "application/pdf" and item.lesson.attachment_name == "passwd.pdf"
    assert "/" not in item.lesson.attachment_path and item.lesson.attachment_path.endswith(".pdf")


def test_trainer_cannot_edit_a_course_they_do_not_own_unless_granted(client, login):
    owner, other = make_trainer(), make_trainer()
    course = make_course(owner, lessons=1)
    item = items_of(course)[0]
    module = course.modules[0]
    login(other)
    for method, url, data in (("get", f"/teach/{course.id}", None), ("post", f"/teach/{course.id}", {"title": "X"}),
                              ("post", f"/teach/{course.id}/status", {"status": "archived"}),
                              ("post", f"/teach/{course.id}/modules", {"title": "X"}),
                              ("post", f"/teach/modules/{module.id}", {"action": "delete"}),
                              ("get", f"/teach/items/{item.id}", None),
                              ("post", f"/teach/items/{item.id}/delete", {}),
                              ("post", f"/teach/items/{item.id}/move", {"direction": "down", "position": "0"}),
                              ("get", f"/teach/{course.id}/learners", None),
                              ("get", f"/teach/{course.id}/assign", None),
                              ("get", f"/teach/items/{item.id}/attachment", None)):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, url
    db.session.refresh(course)
    assert course.title == "Khóa học thử" and course.status == CourseStatus.PUBLISHED and len(items_of(course)) == 1
    services.grant_editor(course, other, owner)
    db.session.commit()
    assert client.get(f"/teach/{course.id}").status_code == 200
    admin = make_user(roles=(Role.ADMIN,))
    login(admin)
    assert client.get(f"/teach/{course.id}").status_code == 200
    login(make_user())
    assert client.get(f"/teach/{course.id}").status_code == 403


def test_reordering_with_stale_positions_sent_twice_keeps_order_whole(client, login):
    trainer = make_trainer()
    course = make_course(trainer, modules=2, lessons=3)
    a, b, c, d, e, f = items_of(course)
    login(trainer)
    # The page showed a at position 0; "down" sent twice (double click, replay) moves it once.
    for _ in range(2):
        client.post(f"/teach/items/{a.id}/move", data={"direction": "down", "position": "0"})
    assert [i.title for i in items_of(course)][:3] == ["Bài 1.2", "Bài 1.1", "Bài 1.3"]
    # Move to another module sent twice: the second is stale and refused.
    for _ in range(2):
        client.post(f"/teach/items/{c.id}/move", data={"module_id": str(e.module_id), "position": "2"})
    items = items_of(course)
    assert [i.title for i in items] == ["Bài 1.2", "Bài 1.1", "Bài 2.1", "Bài 2.2", "Bài 2.3", "Bài 1.3"]
    for module_id in {i.module_id for i in items}:
        positions = [i.position for i in items if i.module_id == module_id]
        assert positions == list(range(len(positions)))
    # A module of another course is not a target.
    other = make_course(trainer)
    response = client.post(f"/teach/items/{b.id}/move", data={"module_id": str(other.modules[0].id), "position": "0"})
    assert response.status_code == 404
    # Modules too.
    m1, m2 = course.modules
    for _ in range(2):
        client.post(f"/teach/modules/{m2.id}", data={"action": "up", "position": "1"})
    db.session.expire_all()
    assert [m.title for m in sorted(course.modules, key=lambda m: m.position)] == ["Chuyên đề 2", "Chuyên đề 1"]


def test_deleting_completed_items_is_refused(client, login):
    from courses.progress import complete_item

    trainer = make_trainer()
    course = make_course(trainer, lessons=2)
    first, second = items_of(course)
    first_id, second_id = first.id, second.id
    cadre = make_user()
    enrolment.enroll(cadre, course)
    complete_item(cadre, first)
    db.session.commit()
    login(trainer)
    client.post(f"/teach/items/{first_id}/delete")
    client.post(f"/teach/items/{second_id}/delete")
    assert [i.id for i in items_of(course)] == [first_id]
    assert db.session.scalar(select(Lesson).where(Lesson.item_id == second_id)) is None


def test_learners_page_and_unenrol_keeps_history(client, login):
    trainer = make_trainer()
    course = make_course(trainer)
    cadre = make_user(full_name="Trần Thị Học")
    enrolment.enroll(cadre, course)
    db.session.commit()
    login(trainer)
    assert "Trần Thị Học" in client.get(f"/teach/{course.id}/learners").get_data(as_text=True)
    assert client.get(f"/teach/{course.id}/learners/{cadre.id}").status_code == 200
    item = items_of(course)[0]
    db.session.add(Progress(user_id=cadre.id, item_id=item.id, course_id=course.id, best_score=44.44))
    db.session.commit()
    assert "44,4 %" in client.get(f"/teach/{course.id}/learners/{cadre.id}").get_data(as_text=True)  # as results
    stranger = make_user()
    assert client.get(f"/teach/{course.id}/learners/{stranger.id}").status_code == 404
    client.post(f"/teach/{course.id}/learners/{cadre.id}/unenroll")
    assert services.get_enrollment(cadre, course) is None
    assert services.get_enrollment(cadre, course, include_unenrolled=True) is not None
    assert "Đã rút ngày" in client.get(f"/teach/{course.id}/learners").get_data(as_text=True)


def test_quiz_items_link_to_quizzes_only_when_that_endpoint_exists(app, client, login):
    trainer = make_trainer()
    course = make_course(trainer, lessons=1)
    quiz = structure.add_item(course.modules[0], ItemKind.QUIZ, "Kiểm tra cuối khóa")
    cadre = make_user()
    enrolment.enroll(cadre, course)
    db.session.commit()
    login(cadre)
    quiz_view = app.view_functions.pop("quizzes.item", None)  # as before the quizzes pages existed
    try:
        page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
        assert "Kiểm tra cuối khóa" in page and "/quizzes/" not in page
        response = client.get(f"/learn/{quiz.id}")
        assert response.status_code == 302 and response.location.endswith(f"/courses/{course.slug}")
    finally:
        if quiz_view is not None:
            app.view_functions["quizzes.item"] = quiz_view
    if quiz_view is not None:
        with app.test_request_context():
            from flask import url_for
            target = url_for("quizzes.item", item_id=quiz.id)
        assert f'href="{target}"' in client.get(f"/courses/{course.slug}").get_data(as_text=True)
        assert client.get(f"/learn/{quiz.id}").location.endswith(target)
    assert db.session.get(Item, quiz.id).lesson is None


def test_an_attachment_downloads_under_its_detected_type_without_bidi_tricks(client, login):
    """A PNG that is also HTML, uploaded as "tai-lieu.html", must not be saved as an .html page;
    U+202E must not show a false extension (issue 15.6)."""
    trainer = make_trainer()
    course = make_course(trainer, lessons=1)
    item = items_of(course)[0]
    login(trainer)
    png_and_html = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16 + b"<html><script>alert(1)</script></html>"
    for uploaded, data, expected in (("tai-lieu.html", png_and_html, "tai-lieu.png"),
                                     ("bao-cao\u202efdp.exe", _pdf(), "bao-caofdp.pdf"),
                                     ("../\x00\u200bdanh-sach.docx", _pdf(), "danh-sach.pdf")):
        response = client.post(f"/teach/items/{item.id}", content_type="multipart/form-data",
                               data=_lesson_data(attachment=(io.BytesIO(data), uploaded)))
        assert response.status_code == 302, uploaded
        download = client.get(f"/teach/items/{item.id}/attachment")
        kind, options = parse_options_header(download.headers["Content-Disposition"])
        assert kind == "attachment" and options["filename"] == expected, (uploaded, options)


def test_the_trainer_course_list_and_learners_page_show_figures_and_right_labels(client, login):
    """Issue 17.8: '<built-in method items of dict object …>' in the course list; a date column
    headed 'Đã ghi danh'."""
    trainer = make_trainer()
    course = make_course(trainer, lessons=2)
    from courses import enrolment
    enrolment.enroll(make_user(), course)
    db.session.commit()
    login(trainer)
    page = client.get("/teach/").get_data(as_text=True)
    assert "built-in method" not in page and course.title in page
    learners = client.get(f"/teach/{course.id}/learners").get_data(as_text=True)
    assert "Ngày ghi danh" in learners and "Ngày hoàn thành" in learners


def test_a_quiz_in_the_course_editor_opens_on_its_settings_and_questions(client, login, app):
    """Issue 17.4: the quiz row led to a page with its title and 'required' only."""
    from quizzes import services as quizzes

    trainer = make_trainer()
    course = make_course(trainer, lessons=1)
    quiz = quizzes.create_quiz_item(course.modules[0], trainer, "Kiểm tra cuối khóa")
    db.session.commit()
    login(trainer)
    page = client.get(f"/teach/{course.id}").get_data(as_text=True)
    assert f'href="/quizzes/item/{quiz.item_id}/edit">Kiểm tra cuối khóa</a>' in page
