"""Accounts: users with their roles, and one-time credential handouts."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, BinaryString, utcnow
from elearn.permissions import Permission, Role, permissions_for
from elearn.text import fold, name_sort_key
from elearn.units.models import OrgUnit, subtree_of


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
    phone: Mapped[str | None] = mapped_column(String(20))  # a mobile number, 84xxxxxxxxx (text reminders)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Part of every session's user id (``get_id``): raising it ends every session of the user
    # (sign-out, password change or reset, deactivation, role change) though sessions are cookies.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    # Not a column: the signed-in user's unread notifications, counted by the query that loads them
    # for a request (elearn.app); None elsewhere.
    unread_notifications = None

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


def users_in_subtree(path: str):
    """SELECT of users whose unit lies in the subtree at ``path``."""
    return select(User).join(OrgUnit, User.unit_id == OrgUnit.id).where(subtree_of(path))


class CredentialHandout(Base):
    """Temporary passwords waiting for the admin who created them to download them, once.

    Kept in the database (not a file on one server) so that any app server can serve the
    download; ``content`` is wiped on download or when it expires.
    """

    __tablename__ = "credential_handout"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    label: Mapped[str] = mapped_column(String(255), default="")
    accounts: Mapped[int] = mapped_column(default=0)
    content: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    downloaded_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()
