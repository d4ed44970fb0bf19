"""The tree of party organisations: each unit knows its materialized path."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, BinaryString, str_enum, utcnow


class UnitLevel(str, enum.Enum):
    PROVINCE = "province"   # Tỉnh ủy
    DISTRICT = "district"   # Huyện ủy / Thành ủy
    COMMUNE = "commune"     # Đảng ủy xã, cơ quan
    CELL = "cell"           # Chi bộ


LEVEL_DEPTH = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2, UnitLevel.CELL: 3}


class OrgUnit(Base):
    """A party organisation. ``path`` is the materialized path ``/1/7/42/``.

    A subtree is one indexed range scan: ``path >= '/1/7/' AND path < '/1/70'``.
    """

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[UnitLevel] = mapped_column(str_enum(UnitLevel))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    path: Mapped[str] = mapped_column(BinaryString(255), index=True, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id])

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def is_ancestor_of(self, other: OrgUnit) -> bool:
        return other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code} {self.path}>"


def subtree_of(path: str, column=None):
    """SQL condition: units whose path starts with ``path`` (itself included)."""
    column = OrgUnit.path if column is None else column
    upper = path[:-1] + chr(ord("/") + 1)
    return and_(column >= path, column < upper)


