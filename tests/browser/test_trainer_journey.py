"""A trainer builds a course through the pages: course, module and lesson, questions imported
from a GIFT file into a new category, a quiz made of them, then publishes and assigns it."""
import pytest
from sqlalchemy import select

from courses.models import Course, CourseStatus, Enrollment, ItemKind
from elearn import db
from elearn.permissions import Role
from quizzes.bank.models import Question, QuestionCategory
from tests.browser.conftest import assert_accessible, menu, sign_in
from tests.courses.factories import items_of
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser

GIFT = """// Câu hỏi về lịch sử Đảng bộ tỉnh
::Thành lập Đảng::Đảng Cộng sản Việt Nam được thành lập năm nào? {=1930 ~1945 ~1954 ~1975}

::Thủ đô::Thủ đô của nước Cộng hòa xã hội chủ nghĩa Việt Nam là Hà Nội. {T}
"""


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name, exact=True).click()


def _follow(page, name: str, scope: str = "main") -> None:
    with page.expect_navigation():
        page.locator(scope).get_by_role("link", name=name, exact=True).click()


def test_trainer_builds_publishes_and_assigns_a_course(app, live_server, page, tmp_path):
    province = make_unit("Tỉnh ủy Thái Bình")
    commune = make_unit("Đảng ủy xã Tân Hòa", make_unit("Huyện ủy Vũ Thư", province))
    make_user("trang", full_name="Phạm Thu Trang", unit=province, roles=[Role.TRAINER])
    cadres = [make_user(f"cb{i}", full_name=f"Cán bộ {i}", unit=commune, roles=[Role.CADRE]) for i in range(2)]
    make_user("other", full_name="Ngoài đơn vị", unit=make_unit("Huyện ủy Đông Hưng", province), roles=[Role.CADRE])
    gift = tmp_path / "lich-su.gift"
    gift.write_text(GIFT, encoding="utf-8")
    server = live_server()
    sign_in(page, server.url, "trang", PASSWORD)

    # Questions first: a GIFT file imported into a new category.
    with page.expect_navigation():
        menu(page).get_by_role("link", name="Ngân hàng câu hỏi", exact=True).click()
    _follow(page, "Nhập hoặc xuất câu hỏi (Moodle XML, GIFT, Aiken, Excel)")
    assert_accessible(page)
    page.get_by_label("Tệp").set_input_files(str(gift))
    page.get_by_label("hoặc danh mục mới").fill("Lịch sử Đảng bộ")
    _submit(page, "Nhập")
    assert "Đã nhập 2 câu hỏi." in page.locator("main").inner_text()

    # The course, its first module and a lesson.
    page.goto(server.url + "/")
    _follow(page, "Soạn khóa học")
    _follow(page, "Khóa học mới")
    assert_accessible(page)
    page.get_by_label("Tiêu đề").fill("Lịch sử Đảng bộ tỉnh Thái Bình")
    _submit(page, "Lưu")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Lịch sử Đảng bộ tỉnh Thái Bình")
    page.get_by_label("Tên phần học").last.fill("Phần 1: Truyền thống")
    _submit(page, "Thêm phần học")
    # A module added by mistake: deleting it asks first (dismissed: it stays), then it goes, with a message.
    page.get_by_label("Tên phần học").last.fill("Phần nháp")
    _submit(page, "Thêm phần học")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Xóa phần học").last.click()
    assert page.get_by_role("button", name="Xóa phần học").count() == 2
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Xóa phần học").last.click()
    assert "Đã xóa phần học Phần nháp." in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Xóa phần học").count() == 1
    _follow(page, "Thêm bài học")
    assert_accessible(page)
    page.get_by_label("Tên bài học").fill("Những ngày đầu thành lập")
    # The rich-text editor (a textbox named by the field's label); what is typed is text, never markup.
    page.get_by_role("textbox", name="Nội dung").fill("Năm 1927, chi bộ đầu tiên ra đời. <script>alert(1)</script>")
    _submit(page, "Lưu bài học")

    # A quiz in the module, built from the imported questions.
    page.goto(server.url + "/")
    _follow(page, "Soạn khóa học")
    _follow(page, "Lịch sử Đảng bộ tỉnh Thái Bình")
    assert "Những ngày đầu thành lập" in page.locator("main").inner_text()
    _follow(page, "Thêm bài kiểm tra")
    assert_accessible(page)
    page.get_by_label("Tiêu đề").fill("Kiểm tra cuối khóa")
    page.get_by_label("Điểm đạt (%)").fill("60")
    _submit(page, "Tạo bài kiểm tra")
    assert "Đã tạo bài kiểm tra" in page.locator("main").inner_text()
    _follow(page, "Thêm câu hỏi từ ngân hàng…")
    page.get_by_label("Danh mục").select_option(label="Lịch sử Đảng bộ")
    _submit(page, "Xem")
    assert_accessible(page)
    page.get_by_label("Thành lập Đảng").check()
    page.get_by_label("Thủ đô").check()
    _submit(page, "Thêm các câu đã chọn")
    assert "Câu hỏi (2)" in page.locator("main").inner_text()
    assert_accessible(page)

    # Publish, then assign to the district: its commune's cadres are enrolled, no one else.
    _follow(page, "Lịch sử Đảng bộ tỉnh Thái Bình")
    _submit(page, "Xuất bản")
    _follow(page, "Giao cho đơn vị")
    assert_accessible(page)
    page.get_by_label("Đơn vị (gồm mọi đơn vị trực thuộc)").select_option(label="\u2003Huyện ủy Vũ Thư")
    _submit(page, "Giao khóa học")
    assert "Đã giao cho Huyện ủy Vũ Thư: thêm 2 học viên được ghi danh." in page.locator("main").inner_text()

    db.session.expire_all()
    course = db.session.scalar(select(Course).where(Course.title == "Lịch sử Đảng bộ tỉnh Thái Bình"))
    assert course.status == CourseStatus.PUBLISHED
    items = items_of(course)
    enrolled = set(db.session.scalars(select(Enrollment.user_id).where(Enrollment.course_id == course.id)))
    assert enrolled == {c.id for c in cadres}
    category = db.session.scalar(select(QuestionCategory).where(QuestionCategory.name == "Lịch sử Đảng bộ"))
    assert db.session.query(Question).filter_by(category_id=category.id).count() == 2
    assert [(i.kind, i.title) for i in items] == [(ItemKind.LESSON, "Những ngày đầu thành lập"),
                                                  (ItemKind.QUIZ, "Kiểm tra cuối khóa")]
    assert "chi bộ đầu tiên" in items[0].lesson.body_html and "<script" not in items[0].lesson.body_html
