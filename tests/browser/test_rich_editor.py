"""The rich-text editor over a lesson's text (issue 17.10): a trainer formats with the toolbar and the
page saves HTML; a text the editor cannot keep (a table) stays HTML in the textarea; without
JavaScript the textarea is the editor. bleach stays the gate on the server either way."""
import pytest
from sqlalchemy import select

from courses.models import Item, Lesson
from elearn import db
from tests.browser.conftest import assert_accessible, sign_in
from tests.courses.factories import items_of, make_course, make_trainer
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _lesson_body(item_id: int) -> str:
    db.session.rollback()  # a new read transaction: the server process has written since
    return db.session.scalar(select(Lesson.body_html).where(Lesson.item_id == item_id))


def _save(page) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Lưu bài học", exact=True).click()


def test_trainer_formats_a_lesson_with_the_toolbar(app, live_server, page):
    course = make_course(make_trainer(username="trang"), lessons=1)
    item = items_of(course)[0]
    server = live_server()
    sign_in(page, server.url, "trang", PASSWORD)
    page.goto(f"{server.url}/teach/items/{item.id}")
    editor = page.locator(".ql-editor")
    editor.wait_for()
    assert not page.locator("textarea[name=body]").is_visible()  # the editor stands in for it
    assert "Nội dung bài 1.1" in editor.inner_text()
    assert_accessible(page)
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.locator(".ql-toolbar button.ql-bold").click()
    page.keyboard.type("Ghi nhớ")
    page.locator(".ql-toolbar button.ql-bold").click()
    page.keyboard.press("Enter")
    page.locator(".ql-toolbar button.ql-list[value=bullet]").click()
    page.keyboard.type("Học tập tư tưởng Hồ Chí Minh")
    page.keyboard.press("Enter")
    page.keyboard.type("Làm theo tấm gương đạo đức")
    _save(page)
    body = _lesson_body(item.id)
    assert "<p>Nội dung bài 1.1</p>" in body and "<strong>Ghi nhớ</strong>" in body
    assert "<ul><li>Học tập tư tưởng Hồ Chí Minh</li><li>Làm theo tấm gương đạo đức</li></ul>" in body
    assert "&nbsp;" not in body


def test_a_text_with_a_table_stays_html(app, live_server, page):
    course = make_course(make_trainer(username="trang"), lessons=1)
    item = items_of(course)[0]
    table = "<table><tbody><tr><td>Năm</td><td>Sự kiện</td></tr></tbody></table>"
    db.session.get(Item, item.id).lesson.body_html = table
    db.session.commit()
    server = live_server()
    sign_in(page, server.url, "trang", PASSWORD)
    page.goto(f"{server.url}/teach/items/{item.id}")
    page.locator("main small.hint", has_text="mã HTML").wait_for()
    assert page.locator("textarea[name=body]").is_visible() and page.locator(".ql-editor").count() == 0
    _save(page)
    assert "<table>" in _lesson_body(item.id)


def test_without_javascript_the_textarea_is_the_editor(app, live_server, browser):
    course = make_course(make_trainer(username="trang"), lessons=1)
    item = items_of(course)[0]
    server = live_server()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, server.url, "trang", PASSWORD)
        page.goto(f"{server.url}/teach/items/{item.id}")
        page.get_by_label("Nội dung").fill("<h2>Mục 1</h2><p>Văn bản <em>nghiêng</em></p><script>alert(1)</script>")
        _save(page)
    finally:
        context.close()
    assert _lesson_body(item.id) == "<h2>Mục 1</h2><p>Văn bản <em>nghiêng</em></p>"
