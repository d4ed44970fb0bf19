"""Read an uploaded table (CSV or XLSX) into rows of text, judging the file by its content.

Every cell comes back as a ``str`` exactly as written: nothing is evaluated, so a cell such as
``=HYPERLINK(...)`` stays that text (an XLSX formula gives its formula text, not its result).
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from flask_babel import gettext as _

from elearn.errors import DomainError

XLSX_MAX_UNZIPPED = 400 * 1024 * 1024  # a zip bomb stops here, long before memory does


class ImportFileError(DomainError):
    """The file as a whole cannot be read; the message says why, in the user's language."""


def read_table(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    """The header row and an iterator over the following rows (each a list of stripped cells)."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) "
                                "or as CSV UTF-8 and upload it again."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("The file is encoded as UTF-16. Save it as CSV UTF-8 and upload it again."))
    if b"\x00" in data[:8192]:
        raise ImportFileError(_("The file is neither a CSV nor an Excel (.xlsx) file."))
    return _read_csv(data)


def _read_csv(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ImportFileError(_(
            "The file is not in UTF-8 (the first unreadable character is on line %(line)d); it may be "
            "in a Windows or TCVN3 encoding. In Excel choose Save As, then \"CSV UTF-8\".", line=line)) from None
    first_line = text.split("\n", 1)[0]
    # Excel in a Vietnamese locale separates with ';'; other tools use ',' or a tab.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(_("The file is not a readable CSV file (%(error)s).", error=error)) from None
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return [c.strip() for c in header], _csv_rows(reader)


def _csv_rows(reader) -> Iterator[list[str]]:
    try:
        for row in reader:
            yield [c.strip() for c in row]
    except csv.Error as error:
        raise ImportFileError(_("Line %(line)d of the file cannot be read as CSV (%(error)s).",
                                line=reader.line_num, error=error)) from None


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(_("The file is neither a CSV nor an Excel (.xlsx) file.")) from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_("The file is neither a CSV nor an Excel (.xlsx) file."))
    if unzipped > XLSX_MAX_UNZIPPED:
        raise ImportFileError(_("The workbook is too large to import."))
    try:
        # read_only streams the sheet; data_only=False keeps formulas as their text.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a damaged workbook
        raise ImportFileError(_("The Excel file is damaged or cannot be read.")) from None
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return [_cell(c) for c in header], ([_cell(c) for c in row] for row in rows)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores typed numbers as floats: 12345.0 is "12345"
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()
