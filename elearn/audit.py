"""The audit log: one helper that every service calls (and a bulk one for imports)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn import db
from elearn.accounts.models import User
from elearn.db import Base, utcnow


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


def _who(actor: User | None) -> tuple[int | None, str | None]:
    """The acting user's id (the signed-in user by default) and the client address."""
    ip = None
    if has_request_context():
        ip = request.remote_addr
        if actor is None and current_user and current_user.is_authenticated:
            actor = current_user._get_current_object()
    return (actor.id if actor is not None else None), ip


def record(action: str, target: str = "", actor: User | None = None, **details: Any) -> int:
    """Add an audit entry to the current transaction (with what is pending, flushed, not committed);
    returns its id. One INSERT, not an object through the ORM's flush: a sign-in and a certificate
    (under the write lock) write one each (bench/load/journey_profile.py, issue 16)."""
    actor_id, ip = _who(actor)
    db.session.flush()  # what the caller added goes first, as before (an entry may name its id)
    return db.session.execute(_INSERT, {"action": action, "target": str(target)[:255], "ip": ip, "details": details,
                                        "actor_id": actor_id, "at": utcnow()}).inserted_primary_key[0]


_INSERT = AuditLog.__table__.insert()


def record_many(action: str, entries: list[tuple[str, dict[str, Any]]], actor: User | None = None) -> None:
    """One INSERT for many entries of one action: ``entries`` is [(target, details), ...]."""
    if not entries:
        return
    actor_id, ip = _who(actor)
    now = utcnow()
    db.session.execute(insert(AuditLog), [
        {"action": action, "target": str(target)[:255], "details": details, "actor_id": actor_id, "ip": ip,
         "at": now} for target, details in entries])
