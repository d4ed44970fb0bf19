"""Tabular exports that are safe to open in Excel and stream whatever their size.

A table is a list of ``Column`` and an iterable of rows (tuples of plain values, in column
order). Rows are consumed one by one and never held in memory all together:

- ``iter_csv`` yields the CSV as UTF-8 byte chunks, BOM first (Excel then reads the
  diacritics right); every text cell that Excel could take for a formula is neutralized.
- ``write_csv`` / ``write_xlsx`` write to a path or binary file and return the row count.
  The workbook is streamed by ``elearn.xlsx`` (flat memory), with a frozen header row, column
  widths from the column specs, and real date and number cells.
- ``csv_response`` / ``xlsx_response`` wrap them for a Flask view.

Dates are shown dd/mm/yyyy in Vietnam time (UTC+7 all year, no daylight saving). Numbers in a
CSV (text) take the decimal mark of the request's language ('44,4' in Vietnamese, the default
outside a request; '44.4' in English); XLSX number cells are numbers, shown by Excel's own locale.
"""
from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from elearn import xlsx
from elearn.i18n import decimal_mark

BOM = "\ufeff"
# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets: '=1+1', '+cmd|...', '-2+3', '@SUM(...)', and tab / CR tricks that hide them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
CSV_CHUNK = 64 * 1024
_VN_OFFSET = timedelta(hours=7)
KINDS = ("text", "int", "number", "date", "datetime")


@dataclass(frozen=True)
class Column:
    """One column: its header, the kind of its values, and its width in characters (XLSX).

    ``kind``: ``text`` (str, neutralized), ``int``, ``number`` (float, ``decimals`` shown),
    ``date`` (date, aware datetime, or a day already local as 'yyyy-mm-dd' text; shown dd/mm/yyyy),
    ``datetime`` (dd/mm/yyyy hh:mm).
    """

    header: str
    kind: str = "text"
    width: int | None = None
    decimals: int = 1

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def display_width(self) -> int:
        default = {"text": 20, "int": 10, "number": 10, "date": 12, "datetime": 17}[self.kind]
        return self.width or max(default, min(len(self.header) + 2, 40))


def neutralize(text: str) -> str:
    """Prefix an apostrophe to text that a spreadsheet would run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def local_datetime(value: datetime) -> datetime:
    """Aware (or naive UTC) datetime -> naive Vietnam local time."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value + _VN_OFFSET


def _date_text(value: date | datetime | str) -> str:
    if isinstance(value, str):  # 'yyyy-mm-dd'
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    if isinstance(value, datetime):
        value = local_datetime(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _datetime_text(value: datetime) -> str:
    v = local_datetime(value)
    return f"{v.day:02d}/{v.month:02d}/{v.year:04d} {v.hour:02d}:{v.minute:02d}"


def _text_cell(value: Any) -> str:
    # neutralize(), inlined: this runs for every text cell of a million-row export
    if value is None:
        return ""
    if value.__class__ is not str:
        value = str(value)
    return "'" + value if value[:1] in _FORMULA_FIRST else value


def _number_text(value: float, decimals: int, decimal: str = ".") -> str:
    """Rounded half up (12.5 -> 13), as Excel shows it and as the databases round when they
    write the cells (``reports.csv_sql``); Python's own format() rounds half to even. ``decimal``
    is the decimal mark (',' in Vietnamese); no thousands separator."""
    exact = Decimal(repr(float(value)))  # the shortest repr: 0.15 is 0.15, not 0.1499...
    text = format(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), "f")
    return text if decimal == "." else text.replace(".", decimal)


def _csv_formatter(column: Column, decimal: str = ".") -> Callable[[Any], str]:
    if column.kind == "text":
        return _text_cell
    if column.kind == "int":
        return lambda v: "" if v is None else str(int(v))
    if column.kind == "number":
        return lambda v: "" if v is None else _number_text(v, column.decimals, decimal)
    if column.kind == "date":
        return lambda v: "" if v is None else _date_text(v)
    return lambda v: "" if v is None else _datetime_text(v)


class _Buffer:
    """A write target for csv.writer that we empty between chunks."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def take(self) -> bytes:
        data = "".join(self.parts).encode("utf-8")
        self.parts.clear()
        self.size = 0
        return data


class CsvBlocks:
    """Rows already written as CSV, e.g. by the database (``reports.csv_sql``), in blocks of
    ``(number of rows, their lines joined by CRLF, in UTF-8)``: ``iter_csv`` passes them through."""

    def __init__(self, blocks: Iterable[tuple[int, bytes]]):
        self.blocks = blocks

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        return iter(self.blocks)


def iter_csv(columns: Sequence[Column], rows: Iterable[Sequence[Any]] | CsvBlocks,
             chunk_size: int = CSV_CHUNK, decimal: str | None = None) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks (BOM, header, rows), reading ``rows`` lazily. ``decimal``: the
    decimal mark of number cells, the current language's by default (taken now, not when read)."""
    return _iter_csv(columns, rows, chunk_size, decimal or decimal_mark())


def _iter_csv(columns: Sequence[Column], rows: Iterable[Sequence[Any]] | CsvBlocks,
              chunk_size: int, decimal: str) -> Iterator[bytes]:
    buffer = _Buffer()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralize(c.header) for c in columns])
    if isinstance(rows, CsvBlocks):
        yield buffer.take()
        for n, data in rows:
            if n:
                yield data + b"\r\n"
        return
    formatters = [_csv_formatter(c, decimal) for c in columns]
    for row in rows:
        writer.writerow([f(v) for f, v in zip(formatters, row)])
        if buffer.size >= chunk_size:
            yield buffer.take()
    yield buffer.take()


class _Counter:
    def __init__(self, rows: Iterable[Sequence[Any]] | CsvBlocks):
        self.rows, self.count, self.blocks = rows, 0, isinstance(rows, CsvBlocks)

    def __iter__(self):
        for row in self.rows:
            self.count += row[0] if self.blocks else 1
            yield row


def write_csv(target: str | os.PathLike | IO[bytes], columns: Sequence[Column],
              rows: Iterable[Sequence[Any]], decimal: str | None = None) -> int:
    """Write the CSV to a path or binary file; returns the number of data rows."""
    counted = _Counter(rows)
    with _open_binary(target) as out:
        for chunk in iter_csv(columns, CsvBlocks(counted) if isinstance(rows, CsvBlocks) else counted,
                              decimal=decimal):
            out.write(chunk)
    return counted.count


def write_xlsx(target: str | os.PathLike | IO[bytes], columns: Sequence[Column],
               rows: Iterable[Sequence[Any]], sheet_name: str = "Sheet1",
               title_rows: Sequence[str] = ()) -> int:
    """Write a workbook with one sheet (``elearn.xlsx``); returns the number of data rows.

    ``title_rows`` (e.g. the report title and filters) go above the header, which stays frozen.
    """
    kinds = [(c.kind, c.decimals) for c in columns]
    with _open_binary(target) as out:
        return xlsx.write(out, [c.header for c in columns], kinds, [c.display_width for c in columns], rows,
                          sheet_name=sheet_name, title_rows=title_rows)


class _open_binary:
    def __init__(self, target):
        self.target, self.owned = target, isinstance(target, (str, os.PathLike))

    def __enter__(self) -> IO[bytes]:
        self.file = open(self.target, "wb") if self.owned else self.target
        return self.file

    def __exit__(self, *exc):
        if self.owned:
            self.file.close()


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]):
    """A streaming Flask response: rows are read while the client downloads.

    ``rows`` is consumed inside the request context (``stream_with_context``), so it may
    read from ``db.session``.
    """
    from flask import Response, stream_with_context

    response = Response(stream_with_context(iter_csv(columns, rows)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = _disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    return response


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
                  sheet_name: str = "Sheet1", title_rows: Sequence[str] = ()):
    """Write the workbook to a temp file (a zip needs its end before its start can be sent),
    then stream the file and delete it."""
    from flask import Response

    fd, path = tempfile.mkstemp(prefix="elearn-", suffix=".xlsx")
    os.close(fd)
    try:
        write_xlsx(path, columns, rows, sheet_name=sheet_name, title_rows=title_rows)
        size = os.path.getsize(path)
    except BaseException:
        os.unlink(path)
        raise

    def stream():
        try:
            with open(path, "rb") as produced:
                while chunk := produced.read(CSV_CHUNK):
                    yield chunk
        finally:
            os.unlink(path)

    response = Response(stream(), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = _disposition(filename)
    response.headers["Content-Length"] = str(size)
    response.headers["Cache-Control"] = "no-store"
    return response
