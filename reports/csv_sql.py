"""CSV cells written by the database: the SQL that gives, for one column of a row, the very
text ``elearn.exports.iter_csv`` would write for it (neutralized against formulas, quoted when
needed, dates dd/mm/yyyy in Vietnam time, numbers rounded half up).

Used by exports of a million rows: formatting in the database's C code and returning a batch
of lines as one string spares Python all of its per-row work (building, converting and
formatting a dozen values), which was the larger part of a detail export's time. SQLite and
PostgreSQL only, the two databases the project runs on.
"""
from __future__ import annotations

from sqlalchemy import Integer, Numeric, String, case, cast, func, literal, or_
from sqlalchemy.sql.elements import ColumnElement

from elearn.exports import FORMULA_STARTS, Column

_QUOTED_CHARS = ',"\r\n'  # what makes Python's csv writer quote a field (QUOTE_MINIMAL)


def concat(*parts) -> ColumnElement[str]:
    out = parts[0]
    for part in parts[1:]:
        out = out.op("||")(part)
    return out


def line(cells: list, dialect: str) -> ColumnElement[str]:
    """One CSV line (without its line end) of already formatted cells (never NULL), built in one
    go: a chain of ``||`` copies the growing line once per cell."""
    if dialect == "sqlite":
        return func.printf(",".join(["%s"] * len(cells)), *cells)
    return func.concat_ws(literal(","), *cells)


def _needs_quotes(value, dialect: str):
    if dialect == "sqlite":
        return value.op("GLOB")(literal('*[,"\r\n]*'))
    return or_(*[func.strpos(value, literal(ch)) > 0 for ch in _QUOTED_CHARS])  # faster than a regex there


def text_cell(expr, dialect: str, nullable: bool | None = None) -> ColumnElement[str]:
    """Neutralized and quoted text. ``expr`` appears several times in the SQL: a subquery should
    return its cell already formatted (``coalesce(subquery, '')``) rather than be passed here.
    ``nullable`` defaults to the column's own (say True for a column of an outer join)."""
    value = expr if isinstance(expr.type, String) else cast(expr, String)
    if nullable or (nullable is None and getattr(expr, "nullable", True)):
        value = func.coalesce(value, literal(""))
    first = func.unicode(value) if dialect == "sqlite" else func.ascii(value)  # a number: no substring made
    risky = first.in_([ord(c) for c in FORMULA_STARTS])
    guarded = concat(case((risky, literal("'")), else_=literal("")), value)
    quoted = concat(literal('"'), func.replace(guarded, literal('"'), literal('""')), literal('"'))
    return case((_needs_quotes(value, dialect), quoted), (risky, concat(literal("'"), value)), else_=value)


def local_text(expr, dialect: str, pattern: str):
    """A UTC timestamp as Vietnam local time (UTC+7 all year), formatted (strftime's %d %m %Y %H %M)."""
    if dialect == "sqlite":  # whole seconds: SQLite rounds a day's last instant (.999999) into the next day
        return func.strftime(pattern, func.substr(expr, 1, 19), "+7 hours")
    pg = pattern.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY").replace("%H", "HH24").replace("%M", "MI")
    return func.to_char(expr + func.make_interval(0, 0, 0, 0, 7), pg)


def _number(expr, dialect: str, decimals: int, nullable: bool):
    if dialect == "sqlite":  # printf rounds half up, as exports._number_text; it prints NULL as 0
        formatted = func.printf(f"%.{decimals}f", expr)
        return case((expr.is_(None), None), else_=formatted) if nullable else formatted
    return cast(func.round(cast(expr, Numeric), decimals), String)


def cell(column: Column, expr, dialect: str, nullable: bool = True, decimal: str = ".") -> ColumnElement[str]:
    """The CSV text of ``expr`` (a value of ``column.kind``; dates are UTC timestamps).
    ``nullable=False`` spares SQLite a second evaluation of a number that cannot be NULL.
    ``decimal``: the decimal mark of numbers (',' in Vietnamese: the cell is then quoted)."""
    if column.kind == "text":
        return text_cell(expr, dialect)
    if column.kind == "date":
        formatted = local_text(expr, dialect, "%d/%m/%Y")
    elif column.kind == "datetime":
        formatted = local_text(expr, dialect, "%d/%m/%Y %H:%M")
    elif column.kind == "number":
        formatted = _number(expr, dialect, column.decimals, nullable)
        if decimal != "." and column.decimals > 0:
            formatted = func.replace(formatted, literal("."), literal(decimal))
            if decimal in _QUOTED_CHARS:  # NULL stays NULL through ||
                formatted = concat(literal('"'), formatted, literal('"'))
    else:
        formatted = cast(cast(expr, Integer), String)
    return func.coalesce(formatted, literal(""))

