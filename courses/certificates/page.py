"""The drawing surface of a certificate: an A4 landscape page in Roboto (ReportLab), whose text
blocks stay inside their boxes (long text shrinks, then wraps, then is cut with an ellipsis),
and a vector QR code. Positions are millimetres from the top left, as ``pdf`` lays them out.

Roboto (from the ``font-roboto`` package) is cut once per process to the Latin and Vietnamese
letters a name can hold, and registered with ReportLab once; each PDF embeds the subset of the
glyphs it uses (ReportLab's own subsetter: fpdf2 parsed and re-subset the fonts with fontTools for
every document, which made a signed certificate 2.3 times the bare stack's). ``pdf`` imports this
module on the first certificate it draws: ReportLab and fontTools take memory that no other
command or request needs.
"""
from __future__ import annotations

import atexit
import functools
import importlib.resources
import io
import shutil
import tempfile
from pathlib import Path

import segno
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

PT = 0.3528  # mm per point
FONT = "Roboto"
INK = (20, 20, 20)
# Latin, Latin-1, Latin Extended-A, Ơ ơ Ư ư, Vietnamese tone marks, Latin Extended Additional, punctuation, ₫.
_UNICODE_RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x1A0, 0x1A1), (0x1AF, 0x1B0), (0x300, 0x304),
                   (0x309, 0x309), (0x323, 0x323), (0x1EA0, 0x1EF9), (0x2010, 0x2026), (0x20AB, 0x20AB)]
_STYLES = {"": "Regular", "B": "Bold", "I": "Italic"}
QR_MASK = 4


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


@functools.cache
def _registered() -> dict[str, str]:
    """Style -> ReportLab font name, registered once per process."""
    names = {}
    for style, path in font_files().items():
        name = f"{FONT}-{_STYLES[style]}"
        pdfmetrics.registerFont(TTFont(name, path))
        names[style] = name
    return names


def _rgb(color: tuple[int, int, int]) -> Color:
    return Color(color[0] / 255, color[1] / 255, color[2] / 255)


class Page:
    """One A4 landscape page: millimetres from the top left here, PDF points below."""

    w = 297.0
    h = 210.0

    def __init__(self):
        self._fonts = _registered()
        self._buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self._buffer, pagesize=(self.w / PT, self.h / PT), pageCompression=1,
                                    lang="vi", initialFontName=self._fonts[""], initialFontSize=12)
        self._style = ""
        self._size = 12.0

    # --- the document -----------------------------------------------------------------------

    def set_title(self, title: str) -> None:
        self.canvas.setTitle(title)

    def set_author(self, author: str) -> None:
        self.canvas.setAuthor(author)

    def set_creator(self, creator: str) -> None:
        self.canvas.setCreator(creator)

    def add_page(self) -> None:
        pass  # the canvas starts on its one page

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()

    def close_fonts(self) -> None:
        pass  # the fonts are registered once per process; a page holds no file open

    # --- drawing ------------------------------------------------------------------------------

    def set_draw_color(self, r: int, g: int, b: int) -> None:
        self.canvas.setStrokeColor(_rgb((r, g, b)))

    def set_line_width(self, width: float) -> None:
        self.canvas.setLineWidth(width / PT)

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.canvas.rect(x / PT, (self.h - y - h) / PT, w / PT, h / PT, stroke=1, fill=0)

    def set_font(self, family: str, style: str = "", size: float = 12) -> None:
        """The font that ``get_string_width`` measures with (B or I; U is drawn, not a font)."""
        self._style = "".join(ch for ch in style if ch in "BI")[:1]
        self._size = size

    def get_string_width(self, text: str) -> float:
        """Width in millimetres at the current font and size."""
        return pdfmetrics.stringWidth(text, self._fonts[self._style], self._size) * PT

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
        max_lines = max(1, min(max_lines, int(h // (min_size * PT * 1.2))))
        size, lines = self.fit(text, style, size, min_size, w, max_lines)
        while len(lines) * size * PT * 1.2 > h and size > min_size:  # several lines must fit the box too
            size, lines = self.fit(text, style, size - 1, min_size, w, max_lines)
        line_h = size * PT * 1.2
        top = y + max(0.0, (h - line_h * len(lines)) / 2)
        c, font = self.canvas, self._fonts[style]
        c.setFillColor(_rgb(color))
        c.setFont(font, size)
        for i, line in enumerate(lines):
            width = pdfmetrics.stringWidth(line, font, size) * PT
            left = x + (w - width) / 2
            baseline = (self.h - (top + i * line_h + line_h / 2 + 0.3 * size * PT)) / PT  # as a centred cell
            c.drawString(left / PT, baseline, line)
            if underline:
                c.setStrokeColor(_rgb(color))
                c.setLineWidth(size * 0.05)
                c.line(left / PT, baseline - size * 0.12, (left + width) / PT, baseline - size * 0.12)

    def qr(self, data: str, x: float, y: float, size: float) -> None:
        """The QR code as vector squares: sharp at any zoom, and no image to decode.

        The mask is fixed (any of the eight is valid to every reader): choosing the best one
        costs more than the rest of the page once the signed payload makes the code large. The
        squares go out as one path, runs of a row merged."""
        matrix = [list(row) for row in segno.make(data, error="m", micro=False, mask=QR_MASK).matrix_iter(border=0)]
        module = size / len(matrix) / PT
        left, top = x / PT, (self.h - y) / PT
        height = module * 1.02
        ops = []
        for r, row in enumerate(matrix):
            c = 0
            bottom = top - (r + 1.02) * module
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    ops.append(f"{left + start * module:.2f} {bottom:.2f} {(c - start) * module:.2f} {height:.2f} re")
                else:
                    c += 1
        # One literal path: ReportLab's path.rect formats each number through fp_str, 5 ms for a large code.
        self.canvas.addLiteral("q 0 0 0 rg\n" + "\n".join(ops) + "\nf Q")
