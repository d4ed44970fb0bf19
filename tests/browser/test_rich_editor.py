"""The rich-text editor over a lesson's text (issue 17.10): a trainer formats with the toolbar and the
page saves HTML; tables are inserted, grown and pasted from Word in the editor; a text the editor
cannot keep (header or merged cells) stays HTML in the textarea; without JavaScript the textarea is
the editor. bleach stays the gate on the server either way."""
import re

import pytest
from sqlalchemy import select

from courses.models import Item, Lesson
from elearn import db
from tests.browser.conftest import CheckedPage, assert_accessible, sign_in
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


def _cells(html: str) -> list[list[str]]:
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row) for row in re.findall(r"<tr>(.*?)</tr>", html)]


def test_trainer_inserts_a_table_and_the_lesson_shows_it(app, live_server, page):
    course = make_course(make_trainer(username="trang"), lessons=1)
    item = items_of(course)[0]
    server = live_server()
    sign_in(page, server.url, "trang", PASSWORD)
    page.goto(f"{server.url}/teach/items/{item.id}")
    editor = page.locator(".ql-editor")
    editor.wait_for()
    toolbar = page.locator(".ql-toolbar")
    for name in ("Chèn bảng", "Thêm hàng bên dưới", "Thêm cột bên phải", "Xóa bảng"):
        assert toolbar.get_by_role("button", name=name).is_visible()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Chèn bảng").click()
    cells = editor.locator("td")
    assert cells.count() == 4  # two rows of two
    for n, text in enumerate(["Năm", "Sự kiện", "1930", "Thành lập Đảng"]):
        cells.nth(n).click()
        page.keyboard.type(text)
    toolbar.get_by_role("button", name="Thêm hàng bên dưới").click()  # below the last row
    assert cells.count() == 6
    cells.nth(4).click()
    page.keyboard.type("1945")
    cells.nth(5).click()
    page.keyboard.type("Cách mạng Tháng Tám")
    toolbar.get_by_role("button", name="Thêm cột bên phải").click()  # right of the last column
    assert cells.count() == 9
    cells.nth(8).click()
    page.keyboard.type("Thắng lợi")
    assert_accessible(page)
    _save(page)
    body = _lesson_body(item.id)
    assert "<p>Nội dung bài 1.1</p>" in body and "data-row" not in body
    assert _cells(body) == [["Năm", "Sự kiện", ""], ["1930", "Thành lập Đảng", ""],
                            ["1945", "Cách mạng Tháng Tám", "Thắng lợi"]]

    # The lesson page shows the table as saved.
    page.goto(f"{server.url}/teach/items/{item.id}/preview")
    table = page.locator("main table")
    assert table.locator("tr").count() == 3
    assert table.locator("tr").nth(2).inner_text().split() == ["1945", "Cách", "mạng", "Tháng", "Tám", "Thắng", "lợi"]
    assert_accessible(page)

    # Opened again: the table is in the editor, and the trainer may delete it.
    page.goto(f"{server.url}/teach/items/{item.id}")
    editor.locator("td").first.click()
    toolbar.get_by_role("button", name="Xóa bảng").click()
    assert editor.locator("table").count() == 0
    _save(page)
    assert "<table>" not in _lesson_body(item.id)


WORD_TABLE = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><body><!--StartFragment-->'
              '<p class="MsoNormal">Các mốc lịch sử:</p>'
              '<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">'
              '<tr style="mso-yfti-irow:0"><td width="150" valign="top" style="width:112pt">'
              '<p class="MsoNormal"><b>Năm<o:p></o:p></b></p></td>'
              '<td width="300" valign="top"><p class="MsoNormal"><b>Sự kiện</b></p></td></tr>'
              '<tr><td width="150" valign="top"><p class="MsoNormal">1930<o:p></o:p></p></td>'
              '<td width="300" valign="top"><p class="MsoNormal">Thành lập</p><p class="MsoNormal">Đảng</p></td></tr>'
              '</table><!--EndFragment--></body></html>')


def test_a_table_pasted_from_word_survives(app, live_server, page):
    course = make_course(make_trainer(username="trang"), lessons=1)
    item = items_of(course)[0]
    server = live_server()
    sign_in(page, server.url, "trang", PASSWORD)
    page.goto(f"{server.url}/teach/items/{item.id}")
    editor = page.locator(".ql-editor")
    editor.wait_for()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    editor.evaluate("""(root, html) => {
        const data = new DataTransfer();
        data.setData("text/html", html);
        data.setData("text/plain", "Năm\tSự kiện");
        root.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", WORD_TABLE)
    editor.locator("td", has_text="1930").wait_for()
    _save(page)
    body = _lesson_body(item.id)
    assert "Các mốc lịch sử:" in body and "Mso" not in body and "style" not in body
    # Header text kept, a cell of two paragraphs stays one cell
    assert _cells(re.sub(r"</?(strong|b)>", "", body)) == [["Năm", "Sự kiện"], ["1930", "Thành lập Đảng"]]


def test_a_text_the_editor_cannot_keep_stays_html(app, live_server, page):
    course = make_course(make_trainer(username="trang"), lessons=1)
    item = items_of(course)[0]
    table = ('<table><thead><tr><th scope="col">Năm</th><th scope="col">Sự kiện</th></tr></thead>'
             '<tbody><tr><td colspan="2">1930</td></tr></tbody></table>')
    db.session.get(Item, item.id).lesson.body_html = table
    db.session.commit()
    server = live_server()
    sign_in(page, server.url, "trang", PASSWORD)
    page.goto(f"{server.url}/teach/items/{item.id}")
    page.locator("main small.hint", has_text="mã HTML").wait_for()
    assert page.locator("textarea[name=body]").is_visible() and page.locator(".ql-editor").count() == 0
    _save(page)
    assert _lesson_body(item.id) == table  # header cells and the merged cell kept


def test_without_javascript_the_textarea_is_the_editor(app, live_server, browser):
    course = make_course(make_trainer(username="trang"), lessons=1)
    item = items_of(course)[0]
    server = live_server()
    context = browser.new_context(java_script_enabled=False)
    page = CheckedPage(context.new_page(), javascript=False)
    try:
        sign_in(page, server.url, "trang", PASSWORD)
        page.goto(f"{server.url}/teach/items/{item.id}")
        page.get_by_label("Nội dung").fill("<h2>Mục 1</h2><p>Văn bản <em>nghiêng</em></p><script>alert(1)</script>")
        _save(page)
        page.assert_no_violations()
    finally:
        context.close()
    assert _lesson_body(item.id) == "<h2>Mục 1</h2><p>Văn bản <em>nghiêng</em></p>"


def test_the_editor_s_own_words_are_vietnamese(app, live_server, page):
    """Quill writes 'Normal', 'Heading 2', 'Enter link:', 'Save' with its stylesheet: in Vietnamese here."""
    course = make_course(make_trainer(username="trang"), lessons=1)
    item = items_of(course)[0]
    server = live_server()
    sign_in(page, server.url, "trang", PASSWORD)
    page.goto(f"{server.url}/teach/items/{item.id}")
    editor = page.locator(".ql-editor")
    editor.wait_for()

    def shown(locator, pseudo: str = "::before") -> str:
        return locator.evaluate("(e, p) => getComputedStyle(e, p).content", pseudo).strip('"')

    picker = page.locator(".ql-toolbar .ql-picker.ql-header")
    assert shown(picker.locator(".ql-picker-label")) == "Đoạn văn thường"
    picker.locator(".ql-picker-label").click()
    assert [shown(i) for i in picker.locator(".ql-picker-item").all()] == [
        "Đề mục lớn", "Đề mục vừa", "Đề mục nhỏ", "Đoạn văn thường"]
    picker.locator(".ql-picker-item").first.click()
    assert shown(picker.locator(".ql-picker-label")) == "Đề mục lớn"
    editor.click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("Shift+End")  # the first line selected
    page.locator(".ql-toolbar button.ql-link").click()
    tooltip = page.locator(".ql-tooltip.ql-editing")
    tooltip.wait_for()
    assert shown(tooltip) == "Địa chỉ liên kết:" and shown(tooltip.locator("a.ql-action"), "::after") == "Lưu"
    assert tooltip.get_by_role("textbox", name="Địa chỉ liên kết:").is_visible()
    assert_accessible(page)
