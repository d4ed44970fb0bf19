"""A trainer uploads a SCORM 1.2 package through the course editor; a cadre plays it in Chromium (the
package in its sandboxed frame, scorm-again in the page), the SCO reports "passed" with a score, and
the item (and the course, its one required item) is complete."""
import pytest
from sqlalchemy import select

from courses import enrolment
from courses.models import Enrollment, Progress
from courses.packages.models import PackageAttempt
from elearn import db
from tests.browser.conftest import sign_in
from tests.courses.factories import make_course, make_trainer
from tests.courses.packages import builders
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_cadre_plays_a_scorm12_package_and_completes_the_item(app, live_server, page, tmp_path):
    trainer = make_trainer(username="giangvien")
    course = make_course(trainer, title="Khóa học SCORM", lessons=1)
    course.modules[0].items[0].required = False
    cadre = make_user("hoc.vien", full_name="Trần Văn Học")
    enrolment.self_enroll(cadre, course)
    db.session.commit()
    course_id, slug = course.id, course.slug
    package = tmp_path / "goi-scorm.zip"
    package.write_bytes(builders.scorm12())
    server = live_server()

    # The trainer adds the package to the module.
    sign_in(page, server.url, "giangvien", PASSWORD)
    page.goto(f"{server.url}/teach/{course_id}")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Thêm gói SCORM / cmi5").click()
    page.set_input_files("#package", str(package))
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Tải gói lên").click()
    assert "Đã thêm gói." in page.locator("main").inner_text()
    page.context.clear_cookies()

    # The cadre opens it from the course page and plays it.
    sign_in(page, server.url, "hoc.vien", PASSWORD)
    page.goto(f"{server.url}/courses/{slug}")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Gói SCORM 1.2 thử", exact=True).click()
    frame = page.frame_locator("#package-frame")
    # The SCO found the API (scorm-again's, through the frame) and read the cadre's id from it.
    assert frame.locator("#sco-title").inner_text() == "Bài học SCORM 1.2"
    frame.locator("#sco-state").filter(has_text="started:hoc.vien").wait_for()
    # The frame cannot read the site: its origin is opaque.
    assert page.frames[1].evaluate("() => { try { return document.cookie; } catch (e) { return 'blocked'; } }") \
        == "blocked"
    frame.get_by_role("button", name="Hoàn thành").click()
    frame.locator("#sco-state").filter(has_text="finished").wait_for()
    page.locator("#package-state").filter(has_text="Tiến độ học trong gói đã được ghi nhận.").wait_for()

    db.session.expire_all()
    progress = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id,
                                                        Progress.course_id == course_id,
                                                        Progress.completed_at.is_not(None)))
    assert progress is not None and progress.best_score == 85.0
    attempt = db.session.scalar(select(PackageAttempt).where(PackageAttempt.user_id == cadre.id))
    assert (attempt.success_status, attempt.suspend_data, attempt.location) == ("passed", "da-xem=1,2,3", "page-3")
    assert db.session.scalar(select(Enrollment.completed_at).where(Enrollment.user_id == cadre.id)) is not None

    # Back on the package: it shows done, and the SCO starts again with the cadre's data.
    page.reload()
    assert page.locator("#package-done").inner_text().startswith("Hoàn thành ngày")
    frame.locator("#sco-state").filter(has_text="started:hoc.vien").wait_for()


def test_a_cmi5_au_fetches_its_token_and_its_statements_complete_the_item(app, live_server, page):
    from courses.packages import checks, services
    from courses.packages.models import PackageAttempt as Attempt

    trainer = make_trainer()
    course = make_course(trainer, title="Khóa học cmi5", lessons=1)
    course.modules[0].items[0].required = False
    cadre = make_user("hoc.vien5", full_name="Lê Thị Năm")
    enrolment.self_enroll(cadre, course)
    data = builders.cmi5_playable()
    parsed = checks.check_package(data)
    item = services.add_package(course.modules[0], trainer, parsed, services.unpack(parsed, data), title="",
                                required=True, original_name="au.zip", size=len(data))
    db.session.commit()
    item_id = item.id
    server = live_server()  # its ELEARN_UPLOAD_DIR is the app fixture's UPLOAD_DIR

    sign_in(page, server.url, "hoc.vien5", PASSWORD)
    page.goto(f"{server.url}/learn/{item_id}/package")
    # In its sandboxed frame the AU reached the fetch URL, the state API and the statements (CORS, its
    # token, no cookie): connect-src and the CORS answers work in a real browser.
    page.frame_locator("#package-frame").locator("#au-state").filter(has_text="sent").wait_for()
    db.session.expire_all()
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == cadre.id))
    assert (attempt.completion_status, attempt.success_status, attempt.score) == ("completed", "passed", 90.0)
    assert db.session.scalar(select(Progress.completed_at).where(Progress.user_id == cadre.id,
                                                                 Progress.item_id == item_id)) is not None
