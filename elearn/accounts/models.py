"""Account-side tables beyond the core ``User``: one-time credential handouts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, utcnow
from elearn.models import User


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
