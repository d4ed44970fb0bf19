"""Core models: the org-unit tree, accounts with roles, and the audit log."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Enum, ForeignKey, Index, String, and_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, BinaryString, utcnow
from elearn.permissions import Permission, Role, permissions_for
from elearn.text import fold, name_sort_key


class UnitLevel(str, enum.Enum):
    PROVINCE = "province"   # Tỉnh ủy
    DISTRICT = "district"   # Huyện ủy / Thành ủy
    COMMUNE = "commune"     # Đảng ủy xã, cơ quan
    CELL = "cell"           # Chi bộ


LEVEL_DEPTH = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2, UnitLevel.CELL: 3}


def str_enum(enum_cls: type[enum.Enum], length: int = 16) -> Enum:
    """Store an enum by value as a plain string (portable, readable in SQL)."""
    return Enum(enum_cls, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda cls: [m.value for m in cls])


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


class User(UserMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (Index("ix_user_account_unit_sort", "unit_id", "sort_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    sort_name: Mapped[str] = mapped_column(BinaryString(512), default="")
    # Full name without accents, lower case: accent-insensitive search on any database.
    search_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    position: Mapped[str] = mapped_column(String(255), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    email: Mapped[str | None] = mapped_column(String(255), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Part of every session's user id (``get_id``): raising it ends every session of the user
    # (sign-out, password change or reset, deactivation, role change) though sessions are cookies.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    unit: Mapped[OrgUnit | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="user")

    @staticmethod
    def name_fields(full_name: str) -> dict[str, str]:
        """The name and the two columns derived from it (for bulk writes that bypass objects)."""
        return {"full_name": full_name, "sort_name": name_sort_key(full_name), "search_name": fold(full_name)[:255]}

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version or 0}"

    def set_full_name(self, full_name: str) -> None:
        for name, value in self.name_fields(full_name).items():
            setattr(self, name, value)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def set_roles(self, roles) -> None:
        wanted = {Role(r) for r in roles}
        self.role_rows = [r for r in self.role_rows if Role(r.role) in wanted]
        have = self.roles
        self.role_rows.extend(UserRole(role=r.value) for r in sorted(wanted - have, key=lambda r: r.value))

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_for(self.roles)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(255), default="")
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


def users_in_subtree(path: str):
    """SELECT of users whose unit lies in the subtree at ``path``."""
    return select(User).join(OrgUnit, User.unit_id == OrgUnit.id).where(subtree_of(path))
