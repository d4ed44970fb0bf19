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


def _scan_qr(data: bytes) -> str:
    """What a phone reads from the printed QR: the page rasterised at 120 dpi, then decoded."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(data)
    try:
        image = document[0].render(scale=120 / 72).to_pil()
    finally:
        document.close()
    return next(r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode)


def test_signed_certificate_is_checked_from_its_file_and_its_qr(app, live_server, page, tmp_path):
    """The cadre downloads the certificate; a visitor uploads that file (valid), pastes what the QR
    reads (valid, offline-checkable payload), then uploads a copy changed by one byte (not accepted)."""
    from tests.browser.conftest import sign_in
    from tests.factories import PASSWORD

    _, _, commune, _ = tree()
    cadre = make_user("hang", full_name="Nguyễn Thị Thu Hằng", unit=commune, roles=[Role.CADRE])
    complete(cadre, make_quiz_course())
    server = live_server()

    sign_in(page, server.url, "hang", PASSWORD)
    page.goto(server.url + "/certificates/")
    with page.expect_download() as download:
        page.locator("main").get_by_role("link", name="Tải PDF").click()
    with open(download.value.path(), "rb") as f:
        data = f.read()
    assert b"/ByteRange" in data  # signed

    original, changed = tmp_path / "chung-nhan.pdf", tmp_path / "chung-nhan-sua.pdf"
    original.write_bytes(data)
    at = data.index(b"stream", 1000) + 20
    changed.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])

    main = page.locator("main")
    page.goto(server.url + "/verify")
    page.get_by_label("Tệp PDF giấy chứng nhận").set_input_files(str(original))
    with page.expect_navigation():
        main.get_by_role("button", name="Kiểm tra tệp PDF").click()
    assert "Hợp lệ" in main.inner_text() and "Nguyễn Thị Thu Hằng" in main.inner_text()
    assert_accessible(page)

    # The phone opens what the QR reads: the code's page (online), the payload ready to check.
    scanned = _scan_qr(data)
    assert scanned.startswith(server.url + "/verify/") and "#" in scanned
    page.goto(scanned)
    assert "Hợp lệ" in main.inner_text()
    assert page.get_by_label("Nội dung mã QR").input_value() == scanned
    with page.expect_navigation():
        main.get_by_role("button", name="Kiểm tra chữ ký").click()
    assert "chữ ký là của nền tảng" in main.inner_text() and "Nguyễn Thị Thu Hằng" in main.inner_text()
    page.get_by_label("Nội dung mã QR").fill(scanned.replace("#ey", "#eX", 1))  # a forged header
    with page.expect_navigation():
        main.get_by_role("button", name="Kiểm tra chữ ký").click()
    assert "Không phải của nền tảng" in main.inner_text()

    page.get_by_label("Tệp PDF giấy chứng nhận").set_input_files(str(changed))
    with page.expect_navigation():
        main.get_by_role("button", name="Kiểm tra tệp PDF").click()
    text = main.inner_text()
    assert "Đã bị sửa sau khi ký" in text and "Hợp lệ" not in text
    assert_accessible(page)
