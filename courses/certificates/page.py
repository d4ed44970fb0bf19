"""The drawing surface of a certificate: an A4 landscape fpdf2 page in Roboto, whose text
blocks stay inside their boxes (long text shrinks, then wraps, then is cut with an ellipsis),
and a vector QR code.

Roboto (from the ``font-roboto`` package) is cut once per process to the Latin and Vietnamese
letters a name can hold: parsing the whole font for every PDF would cost more than the rest of
the page. ``pdf`` imports this module on the first certificate it draws: fpdf2 and fontTools
take some 20 MB that no other command or request needs.
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
from fpdf import FPDF

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


class Page(FPDF):
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
        """The QR code as vector squares: sharp at any zoom, and no image to decode.

        The mask is fixed (any of the eight is valid to every reader): choosing the best one
        costs more than the rest of the page once the signed payload makes the code large. The
        squares go out as one path, row runs merged, instead of one fpdf2 rectangle each."""
        matrix = [list(row) for row in segno.make(data, error="m", micro=False, mask=QR_MASK).matrix_iter(border=0)]
        module = size / len(matrix)
        k, page_h = self.k, self.h
        ops = []
        for r, row in enumerate(matrix):
            c = 0
            top = (page_h - (y + r * module)) * k
            height = -module * 1.02 * k
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    ops.append(f"{(x + start * module) * k:.2f} {top:.2f} {(c - start) * module * k:.2f} "
                               f"{height:.2f} re")
                else:
                    c += 1
        self.set_fill_color(0, 0, 0)
        self._out("\n".join(ops) + "\nf")
