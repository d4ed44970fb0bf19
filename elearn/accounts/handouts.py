"""One-time handouts of temporary passwords: stored for the admin who made them, wiped on download.

The passwords never go to a log or a flash message (the session cookie is readable by its holder).
"""
from __future__ import annotations

import csv
import io
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from elearn import audit, db
from elearn.accounts.models import CredentialHandout, User
from elearn.db import utcnow

HEADER = ("Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Mật khẩu tạm thời")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralize a cell a spreadsheet would run as a formula (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(credentials: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([safe_cell(str(c)) for c in row] for row in credentials)
    return out.getvalue()


def create(actor: User | None, label: str, credentials: list[tuple[str, ...]]) -> CredentialHandout:
    purge_expired()
    handout = CredentialHandout(token=secrets.token_urlsafe(32), created_by_id=actor.id if actor else None,
                                label=label[:255], accounts=len(credentials), content=render_csv(credentials))
    db.session.add(handout)
    db.session.flush()
    return handout


def pending(actor: User) -> list[CredentialHandout]:
    """The actor's handouts not yet downloaded nor expired, newest first."""
    return list(db.session.scalars(
        select(CredentialHandout)
        .where(CredentialHandout.created_by_id == actor.id, CredentialHandout.downloaded_at.is_(None),
               CredentialHandout.created_at >= _oldest_kept())
        .order_by(CredentialHandout.created_at.desc())))


def take(token: str, actor: User) -> tuple[str, str] | None:
    """(label, CSV content) of a handout, exactly once, only to its creator; the stored copy is wiped."""
    handout = db.session.scalar(
        select(CredentialHandout)
        .where(CredentialHandout.token == token, CredentialHandout.created_by_id == actor.id)
        .with_for_update())
    if handout is None or handout.downloaded_at is not None or handout.created_at < _oldest_kept():
        return None
    label, content = handout.label, handout.content
    # The condition on downloaded_at makes a second, concurrent download find nothing to take.
    taken = db.session.execute(
        update(CredentialHandout)
        .where(CredentialHandout.id == handout.id, CredentialHandout.downloaded_at.is_(None))
        .values(content="", downloaded_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        return None
    audit.record("credentials.download", target=handout.label, actor=actor, accounts=handout.accounts)
    db.session.expire(handout)
    return label, content


def purge_expired() -> None:
    """Wipe passwords nobody downloaded in time (``ELEARN_HANDOUT_HOURS``)."""
    db.session.execute(
        update(CredentialHandout)
        .where(CredentialHandout.downloaded_at.is_(None), CredentialHandout.created_at < _oldest_kept(),
               CredentialHandout.content != "")
        .values(content="")
        .execution_options(synchronize_session=False))


def _oldest_kept():
    return utcnow() - timedelta(hours=current_app.config.get("HANDOUT_HOURS", 72))
