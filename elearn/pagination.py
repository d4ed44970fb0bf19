"""Pages of a SELECT, the one way every list pages (``paginate``), and the one pager macro
(``_pager.html``). A page is counted (a COUNT, "Page 2 of 9") or, for lists too large to count on
every click, only knows whether a next page exists (one row more is read).

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
    total: int | None          # None: not counted
    more: bool = False         # not counted: whether a next page exists

    @classmethod
    def of_rows(cls, rows: list[Any], page: int, per_page: int) -> Page:
        """An uncounted page from ``per_page + 1`` rows read at its offset."""
        return cls(rows[:per_page], page, per_page, None, len(rows) > per_page)

    @property
    def pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.more if self.total is None else self.page < self.pages



def page_url(endpoint: str, page: int, args, **path) -> str:
    """The address of another page of a list: its query string kept (the filters), ``path`` the
    endpoint's own arguments. Query keys that ``url_for`` reads as orders (``_external``,
    ``_scheme``, ``_anchor``...) are dropped: from a crafted link they would make the pager's own
    links point elsewhere (``?_external=1&_scheme=javascript``)."""
    from flask import url_for

    query = {k: v for k, v in (args.items() if hasattr(args, "items") else args) if not k.startswith("_")}
    return url_for(endpoint, **{**query, **path, "page": page})


def page_number() -> int:
    """The ``page`` query argument; anything odd means page 1."""
    value = request.args.get("page", 1, type=query_int)
    return value if 0 < value < 100_000 else 1


def paginate(stmt, page: int, per_page: int = 50, *, count: bool = True, rows: bool = False) -> Page:
    """One page of ``stmt``: its entities (``rows``: its row tuples). ``count=False`` skips the
    COUNT and reads one row more to know whether a next page exists."""
    def read(limit: int, offset: int) -> list:
        result = db.session.execute(stmt.limit(limit).offset(offset))
        return list(result.all() if rows else result.scalars().unique())

    if not count:
        return Page.of_rows(read(per_page + 1, (page - 1) * per_page), page, per_page)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(page, max(1, -(-total // per_page)))
    return Page(read(per_page, (page - 1) * per_page), page, per_page, total)
