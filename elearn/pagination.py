"""Pages of a SELECT: a COUNT and a LIMIT/OFFSET, and a pager macro (``_pager.html``).

Also ``query_int``: how a view reads an id or a page number from the query string."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from elearn import db

INT_MAX = 2**31 - 1  # the largest PostgreSQL integer: no id (and no page) lies beyond it


def is_id(value: str) -> bool:
    """ASCII digits within a database integer (checked by length first: Python refuses to read
    an integer of more than 4,300 digits, and the database driver one beyond INT_MAX)."""
    return value.isascii() and value.isdigit() and len(value) <= len(str(INT_MAX)) and int(value) <= INT_MAX


def query_int(value: str) -> int:
    """``args.get(name, type=query_int)``: an id (``is_id``), else ValueError, so the argument
    falls back to its default instead of overflowing the database driver."""
    if not is_id(value):
        raise ValueError(f"not an id: {value[:20]!r}")
    return int(value)


def query_ints(values: list[str]) -> list[int]:
    """The values of a repeated field that are ids (the others are left out)."""
    return [int(v) for v in values if is_id(v)]


class IdConverter(IntegerConverter):
    """``<int:...>`` in a URL: at most INT_MAX, so a longer number is a 404, not a driver error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number() -> int:
    """The ``page`` query argument; anything odd means page 1."""
    value = request.args.get("page", 1, type=query_int)
    return value if 0 < value < 100_000 else 1


def paginate(stmt, page: int, per_page: int = 50) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(page, max(1, -(-total // per_page)))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items, page, per_page, total)
