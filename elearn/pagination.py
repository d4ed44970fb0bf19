"""Pages of a SELECT: a COUNT and a LIMIT/OFFSET, and a pager macro (``_pager.html``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import func, select

from elearn import db


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
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def paginate(stmt, page: int, per_page: int = 50) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(page, max(1, -(-total // per_page)))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items, page, per_page, total)
