"""The PDF: exact Vietnamese text, the template's parts, and long names that stay on the page."""
import io
import zipfile
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from courses.certificates import codes, page, pdf
from courses.certificates.models import Certificate, CertificateTemplate, Motto

BASE = "https://daotao.thaibinh.example"


def _cert(full_name="Nguyễn Thị Thu Hằng", motto=Motto.PARTY, **fields) -> Certificate:
    template = CertificateTemplate(issuing_body="TỈNH ỦY THÁI BÌNH\nBAN TUYÊN GIÁO", motto=motto, place="Thái Bình",
                                   title="GIẤY CHỨNG NHẬN", wording="Đã hoàn thành chương trình bồi dưỡng",
                                   signer_title="TRƯỞNG BAN", signer_name="Đặng Thị Minh Nguyệt")
    values = dict(code=codes.new_code(), full_name=full_name, unit_name="Đảng ủy xã Tân Hòa",
                  course_title="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
                  theme="Phát triển Thái Bình nhanh, bền vững", score=92.5,
                  completed_at=datetime(2023, 3, 15, 3, tzinfo=UTC), template=template.snapshot())
    values.update(fields)
    return Certificate(**values)


def _spans(data: bytes) -> tuple[PdfReader, list[tuple[str, float, float, float]]]:
    """(text, x, y, font size in points) of every text run on the page."""
    reader = PdfReader(io.BytesIO(data))
    spans = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            spans.append((text, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], size * tm[0]))

    reader.pages[0].extract_text(visitor_text=visit)
    return reader, spans


def test_text_is_exact_vietnamese_and_the_page_is_a4_landscape():
    cert = _cert("Trần Đức Lưỡng")
    reader, _ = _spans(pdf.render(cert, BASE))
    sheet = reader.pages[0]
    assert (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height))) == (842, 595)
    text = sheet.extract_text()
    for expected in ("Trần Đức Lưỡng", "GIẤY CHỨNG NHẬN", "BAN TUYÊN GIÁO", "ĐẢNG CỘNG SẢN VIỆT NAM",
                     "Đảng ủy xã Tân Hòa", "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
                     "Thái Bình, ngày 15 tháng 3 năm 2023", "TRƯỞNG BAN", "Đặng Thị Minh Nguyệt",
                     codes.grouped(cert.code), pdf.verification_url(BASE, cert.code), "92,5/100"):
        assert expected in text, expected
    fonts = {f["/BaseFont"] for f in (sheet["/Resources"]["/Font"][k].get_object() for k in sheet["/Resources"]["/Font"])}
    assert all("Roboto" in f for f in fonts)  # embedded, not a base-14 font without Vietnamese glyphs


@pytest.mark.parametrize("motto, present, absent", [
    (Motto.STATE, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"], ["ĐẢNG CỘNG SẢN"]),
    (Motto.NONE, [], ["ĐẢNG CỘNG SẢN", "CỘNG HÒA XÃ HỘI"]),
])
def test_motto_follows_the_template(motto, present, absent):
    text = PdfReader(io.BytesIO(pdf.render(_cert(motto=motto), BASE))).pages[0].extract_text()
    assert all(p in text for p in present) and not any(a in text for a in absent)


@pytest.mark.parametrize("name", [
    "Nguyễn Hoàng Phương Thảo Tôn Nữ Công Tằng Trần Thị Ánh Nguyệt O'Brien Đặng Quốc Hưng Lê-Phạm Ngọc Bảo",
    "Hờ A Páo D'Arcy " + "Nguyễn Văn Một Hai Ba " * 10,
    "Ksor" + "H'Hen" * 40,  # one very long word with apostrophes
])
def test_long_and_unusual_names_shrink_or_wrap_inside_the_page(name):
    short_size = max(size for text, _, _, size in _spans(pdf.render(_cert("Lê Văn An"), BASE))[1] if "Lê Văn An" in text)
    cert = _cert(name, course_title="Khóa " + "bồi dưỡng lý luận chính trị " * 12,
                 unit_name="Chi bộ " + "thôn Tân Thành " * 20, theme="Chủ đề " * 80)
    reader, spans = _spans(pdf.render(cert, BASE))
    page_w, page_h = 842, 595
    probe = page.Page()
    for text, x, y, size in spans:
        probe.set_font(page.FONT, "B", size)  # bold is the widest style used
        width_pt = probe.get_string_width(text) / page.PT
        assert 0 <= x and x + width_pt <= page_w + 0.5, (text, x, width_pt)
        assert 0 <= y <= page_h, (text, y)
    probe.close_fonts()
    name_sizes = [size for text, _, _, size in spans if text.strip() and text.strip() in name]
    assert name_sizes and max(name_sizes) < short_size
    words = reader.pages[0].extract_text().split()
    if len(name) < 120:  # the whole name is there, maybe wrapped onto two lines
        assert " ".join(name.split()) in " ".join(words)


def test_zip_is_streamed_in_pieces_and_holds_every_certificate():
    certs = [_cert(f"Nguyễn Văn {i}") for i in range(5)]
    chunks = list(pdf.stream_zip(iter(certs), BASE))
    assert len([c for c in chunks if c]) >= 5
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        names = archive.namelist()
        assert len(names) == 5 and all(n.startswith("Nguyen-Van-") and n.endswith(".pdf") for n in names)
        assert archive.read(names[0]).startswith(b"%PDF")
        assert archive.testzip() is None


def test_party_document_layout_puts_the_number_and_the_date_line_at_the_top():
    """Hướng dẫn 36-HD/VPTW: the Party heading whatever the motto, 'Số:' under the issuing body, the
    place and date under the heading (top right), not above the signature."""
    cert = _cert(motto=Motto.NONE)
    cert.template = {**cert.template, "layout": "party_document"}
    _, spans = _spans(pdf.render(cert, BASE))
    where = {text.strip(): (x, y) for text, x, y, _ in spans}
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in where and f"Số: {codes.grouped(cert.code)}" in where
    date_x, date_y = where["Thái Bình, ngày 15 tháng 3 năm 2023"]
    heading_x, heading_y = where["ĐẢNG CỘNG SẢN VIỆT NAM"]
    title_y = where["GIẤY CHỨNG NHẬN"][1]
    assert date_x > 400 and heading_y > date_y > title_y  # right half, between the heading and the title
    classic = {text.strip(): y for text, _, y, _ in _spans(pdf.render(_cert(), BASE))[1]}
    assert classic["Thái Bình, ngày 15 tháng 3 năm 2023"] < classic["GIẤY CHỨNG NHẬN"]  # classic: down by the signer
