"""The audit log: one helper that every service calls (and a bulk one for imports)."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from elearn import db
from elearn.db import utcnow
from elearn.models import AuditLog, User


def _who(actor: User | None) -> tuple[int | None, str | None]:
    """The acting user's id (the signed-in user by default) and the client address."""
    ip = None
    if has_request_context():
        ip = request.remote_addr
        if actor is None and current_user and current_user.is_authenticated:
            actor = current_user._get_current_object()
    return (actor.id if actor is not None else None), ip


def record(action: str, target: str = "", actor: User | None = None, **details: Any) -> AuditLog:
    """Add an audit entry to the current transaction (flushed, not committed)."""
    actor_id, ip = _who(actor)
    entry = AuditLog(action=action, target=str(target)[:255], ip=ip, details=details, actor_id=actor_id)
    db.session.add(entry)
    db.session.flush()
    return entry


def record_many(action: str, entries: list[tuple[str, dict[str, Any]]], actor: User | None = None) -> None:
    """One INSERT for many entries of one action: ``entries`` is [(target, details), ...]."""
    if not entries:
        return
    actor_id, ip = _who(actor)
    now = utcnow()
    db.session.execute(insert(AuditLog), [
        {"action": action, "target": str(target)[:255], "details": details, "actor_id": actor_id, "ip": ip,
         "at": now} for target, details in entries])
