"""API tokens: personal (a user's own) and service (made by an administrator for another system).

Only the SHA-256 of the secret is stored; the secret itself is shown once, when it is made.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import User
from elearn.db import Base, str_enum, utcnow
from elearn.units.models import OrgUnit


class TokenKind(str, enum.Enum):
    PERSONAL = "personal"
    SERVICE = "service"


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(str_enum(TokenKind, 16))
    name: Mapped[str] = mapped_column(String(100))
    # Whose rights the token uses (its owner; for a service token the administrator who made it):
    # a token never holds more than its user does at the moment it is used.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # A service token may be narrowed to one unit's subtree.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"))
    scopes: Mapped[str] = mapped_column(String(255))        # space-separated, as in OAuth
    prefix: Mapped[str] = mapped_column(String(16))          # the secret's start, to recognise it in lists
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    unit: Mapped[OrgUnit | None] = relationship(lazy="joined")

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
