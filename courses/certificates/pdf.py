"""A certificate as an A4 landscape PDF, and many of them as a streamed ZIP.

Text is real text in an embedded Roboto (from the ``font-roboto`` package), so every Vietnamese
letter and tone mark prints exactly and stays selectable. Roboto is cut once per process to the
Latin and Vietnamese letters a name can hold: parsing the whole font for every PDF would cost
more than the rest of the page. Every text block has a box: long text shrinks, then wraps, then
is cut with an ellipsis, so nothing ever leaves the page.
"""
from __future__ import annotations

import atexit
import functools
import importlib.resources
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import segno
from fpdf import FPDF

from elearn.i18n import vietnamese_date_line
from elearn.text import fold
from courses.certificates import codes
from courses.certificates.models import Certificate, Motto

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
PT = 0.3528  # mm per point
FONT = "Roboto"
RED = (160, 20, 20)
INK = (20, 20, 20)
# Latin, Latin-1, Latin Extended-A, Ơ ơ Ư ư, Vietnamese tone marks, Latin Extended Additional, punctuation, ₫.
_UNICODE_RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x1A0, 0x1A1), (0x1AF, 0x1B0), (0x300, 0x304),
                   (0x309, 0x309), (0x323, 0x323), (0x1EA0, 0x1EF9), (0x2010, 0x2026), (0x20AB, 0x20AB)]
_STYLES = {"": "Regular", "B": "Bold", "I": "Italic"}


@functools.cache
def font_files() -> dict[str, str]:
    """Style -> path of Roboto cut to the glyphs a certificate needs, made once per process."""
    from fontTools import subset

    source = importlib.resources.files("font_roboto") / "files"
    folder = Path(tempfile.mkdtemp(prefix="elearn-fonts-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    options = subset.Options()
    options.layout_features = []  # no shaping needed: Vietnamese has precomposed letters (NFC)
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    unicodes = [c for first, last in _UNICODE_RANGES for c in range(first, last + 1)]
    files = {}
    for style, name in _STYLES.items():
        font = subset.load_font(io.BytesIO((source / f"Roboto-{name}.ttf").read_bytes()), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        target = folder / f"Roboto-{name}.ttf"
        subset.save_font(font, str(target), options)
        font.close()
        files[style] = str(target)
    return files


def verification_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{codes.grouped(code)}"


def score_text(score: float | None) -> str:
    if score is None:
        return ""
    return f"{score:.1f}".rstrip("0").rstrip(".").replace(".", ",")  # Vietnamese decimal comma


class _Page(FPDF):
    def __init__(self):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margin(0)
        self.c_margin = 0
        for style, path in font_files().items():
            self.add_font(FONT, style, path)
        self.set_lang("vi")
        self.set_text_color(*INK)

    def finish(self) -> bytes:
        data = bytes(self.output())
        self.close_fonts()
        return data

    def close_fonts(self) -> None:
        for font in self.fonts.values():  # fpdf2 leaves the font files open until collected
            if getattr(font, "ttfont", None) is not None:
                font.ttfont.close()

    def fit(self, text: str, style: str, size: float, min_size: float, w: float,
            max_lines: int) -> tuple[float, list[str]]:
        """The largest size (down to ``min_size``) at which ``text`` fits ``max_lines`` lines of
        width ``w``; if even ``min_size`` is too big, the last line is cut with an ellipsis."""
        text = " ".join(text.split())
        while True:
            self.set_font(FONT, style, size)
            lines = self.wrap(text, w)
            if len(lines) <= max_lines or size <= min_size:
                break
            size = max(min_size, size - 1)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self._cut(lines[-1] + " …", w)
        return size, lines

    def wrap(self, text: str, w: float) -> list[str]:
        """Greedy word wrap at the current font; a word wider than ``w`` is split."""
        lines: list[str] = []
        line = ""
        for word in text.split(" "):
            candidate = f"{line} {word}" if line else word
            if self.get_string_width(candidate) <= w:
                line = candidate
                continue
            if line:
                lines.append(line)
            while self.get_string_width(word) > w:  # one over-long word: split it
                cut = len(word) - 1
                while cut > 1 and self.get_string_width(word[:cut]) > w:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
        return lines

    def _cut(self, line: str, w: float) -> str:
        if self.get_string_width(line) <= w:
            return line
        line = line.rstrip(" …")
        while line and self.get_string_width(line + "…") > w:
            line = line[:-1]
        return line + "…"

    def block(self, text: str, x: float, y: float, w: float, h: float, style: str = "", size: float = 14,
              min_size: float = 8, max_lines: int = 1, color=INK, underline: bool = False) -> None:
        """Write ``text`` centred in the box (x, y, w, h), never outside it."""
        if not text:
            return
        line_h = size * PT * 1.2
        max_lines = max(1, min(max_lines, int(h // (min_size * PT * 1.2))))
        size, lines = self.fit(text, style, size, min_size, w, max_lines)
        while len(lines) * size * PT * 1.2 > h and size > min_size:  # several lines must fit the box too
            size, lines = self.fit(text, style, size - 1, min_size, w, max_lines)
        line_h = size * PT * 1.2
        top = y + max(0.0, (h - line_h * len(lines)) / 2)
        self.set_text_color(*color)
        self.set_font(FONT, style + ("U" if underline else ""), size)
        for i, line in enumerate(lines):
            self.set_xy(x, top + i * line_h)
            self.cell(w, line_h, line, align="C")
        self.set_text_color(*INK)

    def qr(self, data: str, x: float, y: float, size: float) -> None:
        """The QR code as vector squares: sharp at any zoom, and no image to decode."""
        matrix = [list(row) for row in segno.make(data, error="m", micro=False).matrix_iter(border=0)]
        module = size / len(matrix)
        self.set_fill_color(0, 0, 0)
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    self.rect(x + start * module, y + r * module, (c - start) * module, module * 1.02, style="F")
                else:
                    c += 1


def render(cert: Certificate, base_url: str) -> bytes:
    t = cert.template or {}
    pdf = _Page()
    pdf.set_title(f"Giấy chứng nhận {codes.grouped(cert.code)}")
    pdf.set_author(" ".join(t.get("issuing_body", "").split()))
    pdf.set_creator("elearn")
    pdf.add_page()
    _frame(pdf)
    _header(pdf, t)
    _body(pdf, cert, t)
    _footer(pdf, cert, t, base_url)
    return pdf.finish()


def _frame(pdf: _Page) -> None:
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.4)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, PAGE_W - 22, PAGE_H - 22)


def _header(pdf: _Page, t: dict) -> None:
    motto = t.get("motto", Motto.PARTY.value)
    body = [line for line in t.get("issuing_body", "").splitlines() if line.strip()][:3]
    left_x, left_w = (16.0, 125.0) if motto != Motto.NONE.value else (16.0, PAGE_W - 32)
    y = 16.0
    for i, line in enumerate(body):
        last = i == len(body) - 1
        pdf.block(line, left_x, y, left_w, 6.5, style="B" if last else "", size=13, min_size=8)
        y += 6.5
    if motto == Motto.PARTY.value:
        pdf.block("*", left_x, y, left_w, 5, size=12)
        pdf.block("ĐẢNG CỘNG SẢN VIỆT NAM", 156, 16, 125, 6.5, style="B", size=13, underline=True)
    elif motto == Motto.STATE.value:
        pdf.block("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 156, 16, 125, 6.5, style="B", size=12.5)
        pdf.block("Độc lập - Tự do - Hạnh phúc", 156, 22.5, 125, 6.5, style="B", size=13, underline=True)


def _body(pdf: _Page, cert: Certificate, t: dict) -> None:
    x, w = 24.0, PAGE_W - 48
    pdf.block(t.get("title") or "GIẤY CHỨNG NHẬN", x, 42, w, 17, style="B", size=34, min_size=18, color=RED)
    pdf.block("Chứng nhận đồng chí", x, 60, w, 7, style="I", size=14)
    pdf.block(cert.full_name, x, 67, w, 20, style="B", size=28, min_size=12, max_lines=2, color=(10, 40, 110))
    pdf.block(f"Đơn vị: {cert.unit_name}" if cert.unit_name else "", x, 87.5, w, 8, size=14, min_size=9, max_lines=2)
    pdf.block(t.get("wording", ""), x, 96, w, 7.5, size=14, min_size=9, max_lines=2)
    pdf.block(cert.course_title, x, 104, w, 16, style="B", size=18, min_size=10, max_lines=2)
    pdf.block(f"Chủ đề: {cert.theme}" if cert.theme else "", x, 120, w, 11.5, style="I", size=12, min_size=8,
              max_lines=2)
    score = score_text(cert.score)
    pdf.block(f"Điểm bài kiểm tra cuối khóa: {score}/100" if score else "", x, 131, w, 6, size=12, min_size=9)


def _footer(pdf: _Page, cert: Certificate, t: dict, base_url: str) -> None:
    url = verification_url(base_url, cert.code)
    pdf.qr(url, 22, 146, 36)
    pdf.block("Mã xác thực", 60, 157, 92, 5, size=10)
    pdf.block(codes.grouped(cert.code), 60, 162, 92, 6.5, style="B", size=13, min_size=8)
    pdf.block("Quét mã QR hoặc tra cứu tại", 60, 170, 92, 5, style="I", size=9)
    pdf.block(url, 60, 175, 92, 7, size=8, min_size=5, max_lines=2)

    x, w = 160.0, 120.0
    place = t.get("place") or "Thái Bình"
    pdf.block(vietnamese_date_line(place, cert.completed_at), x, 138, w, 7, style="I", size=13, min_size=9)
    y = 145.5
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


def stream_zip(certs: Iterable[Certificate], base_url: str) -> Iterator[bytes]:
    """Yield a ZIP of the certificates' PDFs as it is written: one PDF in memory at a time.

    The ZIP goes to an unseekable stream, so ``zipfile`` writes data descriptors after each
    member instead of seeking back; PDFs are already compressed, so members are stored.
    """
    out = _Chunks()
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for cert in certs:
            archive.writestr(archive_name(cert), render(cert, base_url))
            yield out.take()
    yield out.take()

