"""A streaming XLSX writer for one sheet of plain typed cells: the exports' only need.

Why not xlsxwriter: in its constant-memory mode it spends ~120 µs a row on a 13-column
export (its per-cell checks and escaping, in Python), two minutes for a million rows. Here a row
is one string built from cached pieces (repeated texts are escaped once, days converted once),
streamed into the zip: ~10 µs a row, flat memory. The package parts are the minimum Excel,
LibreOffice and openpyxl need (content types, relationships, workbook, styles, the sheet).

Cells: text as inline strings (never a formula, whatever it starts with), int and number as
numbers, date and datetime as Excel serial numbers with a dd/mm/yyyy format.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any
from xml.sax.saxutils import escape

FLUSH = 256 * 1024
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # not allowed anywhere in XML 1.0
_EXCEL_EPOCH = date(1899, 12, 30)
_CACHE_LIMIT = 4096  # per column: enough for units, courses and days; names are not worth keeping

# Style ids (cellXfs below): 0 plain, 1 header, 2 bold title, 3 date, 4 date-time, 5 integer, 6+ decimals.
_HEADER, _TITLE, _DATE, _DATETIME, _INT, _DECIMALS = 1, 2, 3, 4, 5, 6
MAX_DECIMALS = 4

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""


def _styles() -> str:
    decimals = "".join(f'<numFmt numFmtId="{170 + d}" formatCode="0.{"0" * d}"/>' for d in range(1, MAX_DECIMALS + 1))
    decimal_xfs = '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' + "".join(
        f'<xf numFmtId="{170 + d}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for d in range(1, MAX_DECIMALS + 1))
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="{2 + MAX_DECIMALS}"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>\
<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/>{decimals}</numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFEEF1F4"/><bgColor indexed="64"/></patternFill></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="{7 + MAX_DECIMALS}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" \
applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>{decimal_xfs}</cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    # A raw CR would be read back as LF (XML normalizes line ends); as a reference it stays a CR.
    return escape(_ILLEGAL.sub("", value), {"\r": "&#13;"})


class _Cells:
    """Turns a value of one column into the inside of its ``<c>`` element (after ``r=".."``)."""

    def __init__(self, kind: str, decimals: int):
        self.cache: dict[Any, str] = {}
        self.convert = getattr(self, "_" + kind)
        self.style = {"date": _DATE, "datetime": _DATETIME, "int": _INT,
                      "number": _DECIMALS + min(decimals, MAX_DECIMALS)}.get(kind, 0)

    def __call__(self, value: Any) -> str:
        cell = self.cache.get(value)
        if cell is None:
            cell = self.convert(value)
            if len(self.cache) < _CACHE_LIMIT:  # repeated values (units, courses, days) are built once
                self.cache[value] = cell
        return cell

    def _text(self, value: Any) -> str:
        text = value if value.__class__ is str else str(value)
        return f' t="inlineStr"><is><t xml:space="preserve">{_text(text)}</t></is></c>'

    def _int(self, value: Any) -> str:
        return f' s="{self.style}"><v>{int(value)}</v></c>'

    def _number(self, value: Any) -> str:
        return f' s="{self.style}"><v>{float(value)!r}</v></c>'

    def _date(self, value: Any) -> str:
        from elearn.exports import local_datetime

        if isinstance(value, str):  # a local day, 'yyyy-mm-dd'
            value = date.fromisoformat(value)
        elif isinstance(value, datetime):
            value = local_datetime(value).date()
        return f' s="{self.style}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'

    def _datetime(self, value: Any) -> str:
        from elearn.exports import local_datetime

        local = local_datetime(value)
        serial = (local - datetime(1899, 12, 30)).total_seconds() / 86400
        return f' s="{self.style}"><v>{serial!r}</v></c>'


def write(out: IO[bytes], headers: Sequence[str], kinds: Sequence[tuple[str, int]], widths: Sequence[int],
          rows: Iterable[Sequence[Any]], sheet_name: str = "Sheet1", title_rows: Sequence[str] = ()) -> int:
    """Write the workbook to the binary file ``out``: title rows in bold, a frozen header row,
    then ``rows`` (each value of the kind its column says, or None for an empty cell)."""
    letters = [column_letter(i) for i in range(len(headers))]
    cells = [_Cells(kind, decimals) for kind, decimals in kinds]
    header_row = len(title_rows) + 1
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet_name[:31], {'"': "&quot;"})))
        package.writestr("xl/styles.xml", _styles())
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{header_row}" '
                    f'topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                    '<cols>']
            head += [f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1)]
            head.append("</cols><sheetData>")
            for r, text in enumerate(title_rows, 1):
                head.append(f'<row r="{r}"><c r="A{r}" s="{_TITLE}" t="inlineStr"><is><t xml:space="preserve">'
                            f'{_text(text)}</t></is></c></row>')
            head.append(f'<row r="{header_row}">' + "".join(
                f'<c r="{letters[i]}{header_row}" s="{_HEADER}" t="inlineStr"><is><t xml:space="preserve">'
                f'{_text(h)}</t></is></c>' for i, h in enumerate(headers)) + "</row>")
            sheet.write("".join(head).encode())
            count, parts, size = 0, [], 0
            for r, row in enumerate(rows, header_row + 1):
                line = f'<row r="{r}">' + "".join(
                    f'<c r="{letter}{r}"{cell(value)}' for letter, cell, value in zip(letters, cells, row)
                    if value is not None) + "</row>"
                parts.append(line)
                size += len(line)
                count += 1
                if size >= FLUSH:
                    sheet.write("".join(parts).encode())
                    parts, size = [], 0
            parts.append("</sheetData></worksheet>")
            sheet.write("".join(parts).encode())
    return count
