"""The audit log: one helper that every service calls."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from elearn import db
from elearn.models import AuditLog, User


def record(action: str, target: str = "", actor: User | None = None, **details: Any) -> AuditLog:
    """Add an audit entry to the current transaction (flushed, not committed)."""
    ip = None
    if has_request_context():
        ip = request.remote_addr
        if actor is None and current_user and current_user.is_authenticated:
            actor = current_user._get_current_object()
    entry = AuditLog(action=action, target=str(target)[:255], ip=ip, details=details,
                     actor_id=actor.id if actor is not None else None)
    db.session.add(entry)
    db.session.flush()
    return entry
