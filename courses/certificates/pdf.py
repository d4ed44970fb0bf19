"""A certificate as an A4 landscape PDF, and many of them as a streamed ZIP.

Text is real text in an embedded Roboto, so every Vietnamese letter and tone mark prints exactly
and stays selectable; every text block has a box it never leaves (``page.Page``). This module lays
the certificate out; the drawing surface, and ReportLab with it, is imported on the first one drawn.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from courses.certificates import codes, signing, tokens
from courses.certificates.models import Certificate, Layout, Motto
from elearn.i18n import format_date, vietnamese_date_line
from elearn.text import fold

if TYPE_CHECKING:
    from courses.certificates.keys import Keyring
    from courses.certificates.page import Page

RED = (160, 20, 20)


def verification_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{codes.grouped(code)}"


def score_text(score: float | None) -> str:
    if score is None:
        return ""
    return f"{score:.1f}".rstrip("0").rstrip(".").replace(".", ",")  # Vietnamese decimal comma


def render(cert: Certificate, base_url: str, keyring: Keyring | None = None) -> bytes:
    """The certificate's PDF; with a ``keyring``, signed (PAdES) by its active key and with the
    signed payload (``tokens``) in the QR code after the address. A preview goes unsigned."""
    from courses.certificates.page import Page  # here: ReportLab is memory that only drawing needs

    t = cert.template or {}
    pdf = Page()
    pdf.set_title(f"Giấy chứng nhận {codes.grouped(cert.code)}")
    pdf.set_author(" ".join(t.get("issuing_body", "").split()))
    pdf.set_creator("elearn")
    pdf.add_page()
    _frame(pdf)
    _header(pdf, cert, t)
    _body(pdf, cert, t)
    _footer(pdf, cert, t, base_url, tokens.for_certificate(cert, keyring) if keyring is not None else None)
    data = pdf.finish()
    return signing.sign(data, keyring) if keyring is not None else data


def _frame(pdf: Page) -> None:
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.4)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)


def _party_layout(t: dict) -> bool:
    return t.get("layout") == Layout.PARTY.value


def _header(pdf: Page, cert: Certificate, t: dict) -> None:
    party = _party_layout(t)
    motto = Motto.PARTY.value if party else t.get("motto", Motto.PARTY.value)
    body = [line for line in t.get("issuing_body", "").splitlines() if line.strip()][:3]
    left_x, left_w = (16.0, 125.0) if motto != Motto.NONE.value else (16.0, pdf.w - 32)
    y = 16.0
    for i, line in enumerate(body):
        last = i == len(body) - 1
        pdf.block(line, left_x, y, left_w, 6.5, style="B" if last else "", size=13, min_size=8)
        y += 6.5
    if motto == Motto.PARTY.value:
        pdf.block("*", left_x, y, left_w, 5, size=12)
        pdf.block("ĐẢNG CỘNG SẢN VIỆT NAM", 156, 16, 125, 6.5, style="B", size=13, underline=True)
    if party:  # Hướng dẫn 36-HD/VPTW: the number under the issuing body, place and date under the heading
        pdf.block(f"Số: {codes.grouped(cert.code)}", left_x, y + 5, left_w, 5, size=11, min_size=8)
        pdf.block(vietnamese_date_line(t.get("place") or "Thái Bình", cert.completed_at), 156, 24, 125, 7,
                  style="I", size=13, min_size=9)
    elif motto == Motto.STATE.value:
        pdf.block("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 156, 16, 125, 6.5, style="B", size=12.5)
        pdf.block("Độc lập - Tự do - Hạnh phúc", 156, 22.5, 125, 6.5, style="B", size=13, underline=True)


def _body(pdf: Page, cert: Certificate, t: dict) -> None:
    x, w = 24.0, pdf.w - 48
    pdf.block(t.get("title") or "GIẤY CHỨNG NHẬN", x, 42, w, 17, style="B", size=34, min_size=18, color=RED)
    pdf.block(t.get("addressee") or "Chứng nhận đồng chí", x, 60, w, 7, style="I", size=14)
    pdf.block(cert.full_name, x, 67, w, 20, style="B", size=28, min_size=12, max_lines=2, color=(10, 40, 110))
    pdf.block(f"Đơn vị: {cert.unit_name}" if cert.unit_name else "", x, 87.5, w, 8, size=14, min_size=9, max_lines=2)
    pdf.block(t.get("wording", ""), x, 96, w, 7.5, size=14, min_size=9, max_lines=2)
    pdf.block(cert.course_title, x, 104, w, 16, style="B", size=18, min_size=10, max_lines=2)
    pdf.block(f"Chủ đề: {cert.theme}" if cert.theme else "", x, 120, w, 11.5, style="I", size=12, min_size=8,
              max_lines=2)
    score = score_text(cert.score)
    pdf.block(f"Điểm bài kiểm tra cuối khóa: {score}/100" if score else "", x, 131, w, 6, size=12, min_size=9)


def _footer(pdf: Page, cert: Certificate, t: dict, base_url: str, token: str | None) -> None:
    url = verification_url(base_url, cert.code)
    pdf.qr(f"{url}#{token}" if token else url, 22, 146, 36)
    pdf.block("Mã xác thực", 60, 157, 92, 5, size=10)
    pdf.block(codes.grouped(cert.code), 60, 162, 92, 6.5, style="B", size=13, min_size=8)
    pdf.block("Quét mã QR hoặc tra cứu tại", 60, 170, 92, 5, style="I", size=9)
    pdf.block(url, 60, 175, 92, 7, size=8, min_size=5, max_lines=2)
    if cert.expires_on is not None:
        pdf.block(f"Có giá trị đến hết ngày {format_date(cert.expires_on)}", 60, 182.5, 92, 5, style="B", size=10,
                  min_size=7)

    x, w = 160.0, 120.0
    y = 145.5
    if _party_layout(t):
        y = 140.0  # the date line is at the top
    else:
        place = t.get("place") or "Thái Bình"
        pdf.block(vietnamese_date_line(place, cert.completed_at), x, 138, w, 7, style="I", size=13, min_size=9)
    for line in [line for line in (t.get("signer_title") or "").splitlines() if line.strip()][:3]:
        pdf.block(line, x, y, w, 6.5, style="B", size=13, min_size=9)
        y += 6.5
    pdf.block(t.get("signer_name", ""), x, 184, w, 8, style="B", size=14, min_size=9)


# --- many at once ---------------------------------------------------------------

class _Chunks:
    """A write-only stream that hands its bytes to a generator, chunk by chunk."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def archive_name(cert: Certificate) -> str:
    """'Nguyen-Thi-Thu-Hang_7KQ2-M9XD-....pdf': ASCII, so every unzip tool shows it right."""
    name = "-".join(w.capitalize() for w in "".join(
        ch for ch in fold(cert.full_name) if (ch.isascii() and ch.isalnum()) or ch == " ").split())
    return f"{(name or 'chung-nhan')[:80]}_{codes.grouped(cert.code)}.pdf"


def stream_zip(certs: Iterable[Certificate], base_url: str, keyring: Keyring | None = None) -> Iterator[bytes]:
    """Yield a ZIP of the certificates' PDFs as it is written: one PDF in memory at a time.

    The ZIP goes to an unseekable stream, so ``zipfile`` writes data descriptors after each
    member instead of seeking back; PDFs are already compressed, so members are stored.
    """
    out = _Chunks()
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for cert in certs:
            archive.writestr(archive_name(cert), render(cert, base_url, keyring))
            yield out.take()
    yield out.take()

