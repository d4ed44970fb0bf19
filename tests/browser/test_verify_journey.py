"""An anonymous visitor checks a certificate code: typed with or without dashes it is found;
one wrong symbol and the page says no certificate has that code."""
import pytest

from courses.certificates import codes
from elearn.permissions import Role
from tests.browser.conftest import assert_accessible
from tests.courses.certificates.factories import complete, make_quiz_course, tree
from tests.factories import make_user

pytestmark = pytest.mark.browser


def _mistyped(code: str) -> str:
    last = codes.ALPHABET[(codes.ALPHABET.index(code[-1]) + 1) % len(codes.ALPHABET)]
    return code[:-1] + last


def _verify_through_the_form(page, url: str, typed: str) -> None:
    page.goto(url + "/verify")
    page.get_by_label("Mã chứng nhận").fill(typed)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Xác thực").click()


def test_visitor_verifies_a_certificate_code(app, live_server, page):
    _, _, commune, _ = tree()
    cadre = make_user("hang", full_name="Nguyễn Thị Thu Hằng", unit=commune, roles=[Role.CADRE])
    cert = complete(cadre, make_quiz_course())
    code = cert.code
    server = live_server()

    # Straight to the link printed on the certificate (grouped with dashes).
    response = page.goto(f"{server.url}/verify/{codes.grouped(code)}")
    assert response.status == 200
    main = page.locator("main")
    assert "Hợp lệ" in main.inner_text()
    assert "Nguyễn Thị Thu Hằng" in main.inner_text()
    assert "Đảng ủy xã Tân Hòa" in main.inner_text()
    assert_accessible(page)

    # Typed in the form without dashes, lower case: same certificate, shown grouped.
    _verify_through_the_form(page, server.url, code.lower())
    assert page.url.endswith("/verify/" + codes.grouped(code))
    assert "Hợp lệ" in main.inner_text() and "Nguyễn Thị Thu Hằng" in main.inner_text()

    # One symbol mistyped, with dashes and without: not found, nothing about the real holder.
    wrong = _mistyped(code)
    for typed in (codes.grouped(wrong), wrong):
        response = page.goto(f"{server.url}/verify/{typed}")
        assert response.status == 404
        text = main.inner_text()
        assert "Không có giấy chứng nhận nào mang mã" in text
        assert "Nguyễn Thị Thu Hằng" not in text and "Hợp lệ" not in text
    assert_accessible(page)
    _verify_through_the_form(page, server.url, codes.grouped(wrong))
    assert "Không có giấy chứng nhận nào mang mã" in main.inner_text()
