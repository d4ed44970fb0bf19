"""Mail the queued notifications, in batches, through one SMTP connection a batch, with retry.

Run by the job worker (``elearn jobs scheduler`` every minute, or ``elearn notifications send``).
Each batch is claimed first (a conditional UPDATE with a random claim: two workers never take the
same message), then each message is re-checked (``services.STILL_RELEVANT``: a cadre who completed
the course meanwhile gets no reminder), sent, and recorded in small commits. When the server cannot
be reached or drops the connection, the rest of the batch goes back to the queue for a later try
(1, 2, 4 ... minutes, at most 6 hours apart): an outage delays mail and loses none. Only a refused
address fails a message for good.
"""
from __future__ import annotations

import logging
import secrets
import smtplib
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import and_, select, update

from elearn import db, mail
from elearn.db import utcnow
from elearn.notifications.models import MailStatus, Notification
from elearn.notifications.services import STILL_RELEVANT

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=15)  # a claim older than this belonged to a worker that died
MAX_DELAY = timedelta(hours=6)
RECORD_EVERY = 20                      # messages sent between two commits of their state


def retry_delay(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_DELAY)


def _claim(limit: int, channel: str = "mail", columns: tuple = ()) -> tuple[str, list]:
    """Claim up to ``limit`` messages of ``channel`` ("mail" or "sms": the columns ``<channel>_status``,
    ``_next_at``, ``_claim``) whose time has come, after putting back claims older than CLAIM_TIMEOUT
    (a worker that died): (the claim, their rows: id, kind, ref_id and ``columns``)."""
    status, next_at, claimed = (getattr(Notification, f"{channel}_{c}") for c in ("status", "next_at", "claim"))
    now, claim = utcnow(), secrets.token_hex(16)
    with db.engine().begin() as conn:
        conn.execute(update(Notification).where(status == MailStatus.SENDING, next_at < now - CLAIM_TIMEOUT)
                     .values({status: MailStatus.PENDING, claimed: None}))
        ids = conn.execute(select(Notification.id).where(status == MailStatus.PENDING, next_at <= now)
                           .order_by(next_at, Notification.id).limit(limit)).scalars().all()
        if not ids:
            return claim, []
        conn.execute(update(Notification).where(Notification.id.in_(ids), status == MailStatus.PENDING)
                     .values({status: MailStatus.SENDING, claimed: claim, next_at: now}))
        rows = conn.execute(select(Notification.id, Notification.kind, Notification.ref_id, *columns)
                            .where(claimed == claim).order_by(Notification.id)).all()
    return claim, rows


_MAIL_COLUMNS = (Notification.mail_to, Notification.subject, Notification.body, Notification.mail_attempts)
_SMS_COLUMNS = (Notification.key, Notification.sms_to, Notification.sms_data, Notification.subject,
                Notification.sms_attempts)


def _record(rows: list[dict], claim_column: str = "mail_claim") -> None:
    """Write each sent or failed row's outcome, if the row is still this batch's claim."""
    if not rows:
        return
    table = Notification.__table__
    with db.engine().begin() as conn:
        for row in rows:
            row_id, claim = row.pop("id"), row.pop("claim")
            conn.execute(update(table).where(and_(table.c.id == row_id, table.c[claim_column] == claim)).values(**row))
    rows.clear()


def send_batch(limit: int = 200) -> dict[str, int]:
    """Send one batch; returns counts (sent, skipped, failed, retry). Never raises for a mail error."""
    counts = {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    db.session.rollback()  # the worker's own transactions below: no snapshot older than the claim
    claim, claimed = _claim(limit, "mail", _MAIL_COLUMNS)
    if not claimed:
        return counts
    by_kind = defaultdict(list)
    for row in claimed:
        if row.ref_id is not None and row.kind in STILL_RELEVANT:
            by_kind[row.kind].append(row.ref_id)
    relevant = {kind: STILL_RELEVANT[kind](ref_ids) for kind, ref_ids in by_kind.items()}
    db.session.rollback()  # end the read: the sends below hold no transaction
    pending: list[dict] = []
    now = utcnow()
    todo = []
    for row in claimed:
        if row.kind in relevant and row.ref_id not in relevant[row.kind]:
            pending.append({"id": row.id, "claim": claim, "mail_status": MailStatus.SKIPPED, "mail_claim": None})
            counts["skipped"] += 1
        else:
            todo.append(row)
    _record(pending)
    try:
        with mail.Sender() as sender:
            while todo:
                row = todo[0]
                try:
                    sender.send(row.mail_to, row.subject, row.body)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException, ValueError) as error:
                    if isinstance(error, smtplib.SMTPResponseException) and not 500 <= error.smtp_code < 600:
                        raise  # 4xx: the server is busy, not the message wrong
                    pending.append({"id": row.id, "claim": claim, "mail_status": MailStatus.FAILED,
                                    "mail_claim": None, "mail_attempts": row.mail_attempts + 1,
                                    "mail_error": f"{type(error).__name__}: {error}"[:500]})
                    counts["failed"] += 1
                else:
                    pending.append({"id": row.id, "claim": claim, "mail_status": MailStatus.SENT, "mail_claim": None,
                                    "mailed_at": utcnow(), "mail_attempts": row.mail_attempts + 1})
                    counts["sent"] += 1
                todo.pop(0)
                if len(pending) >= RECORD_EVERY:
                    _record(pending)
    except (smtplib.SMTPException, OSError) as error:  # the server is down or went away: try later
        log.warning("mail server unavailable, %d messages wait: %s", len(todo), error)
        for row in todo:
            attempts = row.mail_attempts + 1
            pending.append({"id": row.id, "claim": claim, "mail_status": MailStatus.PENDING, "mail_claim": None,
                            "mail_attempts": attempts, "mail_next_at": now + retry_delay(attempts),
                            "mail_error": f"{type(error).__name__}: {error}"[:500]})
            counts["retry"] += 1
    finally:
        _record(pending)
    return counts


def send_all(limit: int = 200, max_batches: int = 1000) -> dict[str, int]:
    """Batches until none is left (or the server is down); the scheduler's mail task."""
    total = {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    for _ in range(max_batches):
        counts = send_batch(limit)
        for k, v in counts.items():
            total[k] += v
        if not any(counts.values()) or counts["retry"]:
            break
    return total


# ---------------------------------------------------------------- text messages

def send_sms_batch(limit: int = 100) -> dict[str, int]:
    """The text messages' twin of ``send_batch``: claimed, re-checked, sent one by one through the
    configured channel (``channels.configured``); a provider that cannot be reached puts the rest
    back with a later try, a refused message (bad number, template) fails alone. Without a channel,
    nothing is claimed: the messages wait for one."""
    from flask import current_app

    from elearn.notifications import channels

    counts = {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    channel = channels.configured(current_app.config)
    if channel is None:
        return counts
    db.session.rollback()
    claim, claimed = _claim(limit, "sms", _SMS_COLUMNS)
    if not claimed:
        return counts
    by_kind = defaultdict(list)
    for row in claimed:
        if row.ref_id is not None and row.kind in STILL_RELEVANT:
            by_kind[row.kind].append(row.ref_id)
    relevant = {kind: STILL_RELEVANT[kind](ref_ids) for kind, ref_ids in by_kind.items()}
    db.session.rollback()
    now, pending = utcnow(), []
    todo = list(claimed)
    try:
        while todo:
            row = todo[0]
            if row.kind in relevant and row.ref_id not in relevant[row.kind]:
                pending.append({"id": row.id, "claim": claim, "sms_status": MailStatus.SKIPPED, "sms_claim": None})
                counts["skipped"] += 1
            else:
                try:
                    channel.send(row.sms_to, row.subject, row.sms_data or {}, row.key)
                except channels.ChannelRefused as error:
                    pending.append({"id": row.id, "claim": claim, "sms_status": MailStatus.FAILED, "sms_claim": None,
                                    "sms_attempts": row.sms_attempts + 1, "sms_error": str(error)[:500]})
                    counts["failed"] += 1
                else:
                    pending.append({"id": row.id, "claim": claim, "sms_status": MailStatus.SENT, "sms_claim": None,
                                    "sms_attempts": row.sms_attempts + 1})
                    counts["sent"] += 1
            todo.pop(0)
            if len(pending) >= RECORD_EVERY:
                _record(pending, "sms_claim")
    except channels.ChannelUnavailable as error:
        log.warning("text-message provider unavailable, %d messages wait: %s", len(todo), error)
        for row in todo:
            attempts = row.sms_attempts + 1
            pending.append({"id": row.id, "claim": claim, "sms_status": MailStatus.PENDING, "sms_claim": None,
                            "sms_attempts": attempts, "sms_next_at": now + retry_delay(attempts),
                            "sms_error": str(error)[:500]})
            counts["retry"] += 1
    finally:
        if pending:
            _record(pending, "sms_claim")
    return counts
