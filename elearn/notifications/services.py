"""Notifications: create many at once (each once, by its key), count and list a user's, mark read.

Services flush, never commit. ``notify_many`` is one INSERT .. ON CONFLICT DO NOTHING per batch:
a reminder pass run twice (two schedulers, a retry) makes nothing twice.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, func, select, update

from elearn import audit, db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.errors import DomainError
from elearn.notifications.models import MailStatus, Notification, NotificationOptOut, ReminderKind, ReminderRule
from elearn.pagination import Page, paginate

BATCH = 2000
#: Kinds a user may stop receiving by e-mail (the link at the foot of each one); reminders of assigned
#: study are not among them.
OPTIONAL = {"digest": _l("the weekly digest of overdue cadres")}
#: kind -> fn(ref_ids) -> the ref ids still worth mailing (a cadre who completed meanwhile is not);
#: domains register theirs (``courses.reminders``): the core never imports them.
STILL_RELEVANT: dict[str, Callable[[list[int]], set[int]]] = {}


@dataclass
class NewNotification:
    user_id: int
    key: str
    kind: str
    subject: str
    body: str
    link: str = ""
    ref_id: int | None = None
    mail_to: str | None = None
    sms_to: str | None = None          # a number, when a text-message channel is configured
    sms_data: dict | None = None       # the template's values (Zalo fills its approved template with them)


def notify_many(items: Iterable[NewNotification]) -> int:
    """Insert each notification unless its key exists; returns how many were new. Those with an
    address are queued for mail."""
    now, added, batch = utcnow(), 0, []
    statement = db.insert_or_ignore(Notification)

    def flush() -> int:
        # Most keys of an hourly pass exist already (made by an earlier run): one SELECT of the batch's
        # keys leaves them out, cheaper than an INSERT that conflicts on each (bench/bench_reminders.py).
        # The INSERT still ignores a key another scheduler has just written.
        known = set(db.session.scalars(select(Notification.key).where(Notification.key.in_([b["key"] for b in batch]))))
        fresh = [b for b in batch if b["key"] not in known]
        batch.clear()
        if not fresh:
            return 0
        result = db.session.connection().execute(statement.execution_options(preserve_rowcount=True), fresh)
        return max(result.rowcount, 0)

    for n in items:
        batch.append({"user_id": n.user_id, "key": n.key[:120], "kind": n.kind, "ref_id": n.ref_id,
                      "subject": n.subject[:255], "body": n.body, "link": n.link[:255], "created_at": now,
                      "mail_to": n.mail_to, "mail_attempts": 0,
                      "mail_status": (MailStatus.PENDING if n.mail_to else MailStatus.NONE).value,
                      "mail_next_at": now if n.mail_to else None,
                      "sms_to": n.sms_to, "sms_data": n.sms_data if n.sms_to else None, "sms_attempts": 0,
                      "sms_status": (MailStatus.PENDING if n.sms_to else MailStatus.NONE).value,
                      "sms_next_at": now if n.sms_to else None})
        if len(batch) >= BATCH:
            added += flush()
    added += flush()
    return added


# The header's counter runs on every page: built once, run on the Core connection (the ORM's
# per-statement work was most of its ~1 ms a page; bench/bench_learner.py --only lesson).
_UNREAD = (select(func.count()).select_from(Notification.__table__)
           .where(Notification.__table__.c.user_id == bindparam("uid"), Notification.__table__.c.read_at.is_(None)))


def unread_count(user: User) -> int:
    return db.session.connection().execute(_UNREAD, {"uid": user.id}).scalar() or 0


def page_of(user: User, page: int = 1, per_page: int = 30) -> Page:
    return paginate(select(Notification).where(Notification.user_id == user.id)
                    .order_by(Notification.created_at.desc(), Notification.id.desc()), page, per_page)


def get_for(user: User, notification_id: int) -> Notification | None:
    """The user's own notification, else None (someone else's is a 404 to the view)."""
    n = db.session.get(Notification, notification_id)
    return n if n is not None and n.user_id == user.id else None


def mark_read(user: User, notification: Notification | None = None) -> int:
    """One notification (or every one) of ``user`` read now; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification is not None:
        stmt = stmt.where(Notification.id == notification.id)
    changed = db.session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.expire_all()
    return changed


def safe_link(link: str) -> str | None:
    """A path of this site, else None (never an address elsewhere or a javascript: URL)."""
    if link.startswith("/") and not link.startswith("//") and "\\" not in link and ":" not in link.split("?")[0]:
        return link
    return None


# ---------------------------------------------------------------- reminder rules

class RuleError(DomainError):
    """A reminder rule that cannot be saved."""


DEFAULT_RULES = ((ReminderKind.BEFORE, 7), (ReminderKind.DUE, 0), (ReminderKind.OVERDUE, 7))


def ensure_default_rules() -> None:
    """A site without any rule row (a database emptied by hand) gets the defaults the migration
    writes: a week before, on the day, every week while overdue. Rules turned off stay off."""
    if db.session.scalar(select(ReminderRule.id).limit(1)) is None:
        db.session.add_all(ReminderRule(kind=kind, days=days) for kind, days in DEFAULT_RULES)
        db.session.flush()


def add_rule(kind: ReminderKind, days: int, actor: User) -> ReminderRule:
    days = 0 if kind == ReminderKind.DUE else days
    if kind != ReminderKind.DUE and not 1 <= days <= 365:
        raise RuleError(_("Give a number of days from 1 to 365."))
    if db.session.scalar(select(ReminderRule.id).where(ReminderRule.kind == kind, ReminderRule.days == days)):
        raise RuleError(_("This rule exists already."))
    rule = ReminderRule(kind=kind, days=days)
    db.session.add(rule)
    db.session.flush()
    audit.record("reminder.rule", actor=actor, days=days, active=True)
    return rule


def toggle_rule(rule: ReminderRule, actor: User) -> None:
    rule.active = not rule.active
    db.session.flush()
    audit.record("reminder.rule", actor=actor, days=rule.days, active=rule.active)


# ---------------------------------------------------------------- unsubscribing from optional e-mail

def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="elearn.unsubscribe")


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _signer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a genuine token for an optional kind, else None (a forged or altered one)."""
    try:
        user_id, kind = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return (user_id, kind) if isinstance(user_id, int) and kind in OPTIONAL else None


def unsubscribe_url(user_id: int, kind: str) -> str:
    """The address (without signing in) that stops this kind of e-mail for this user."""
    from elearn.site import base_url
    with current_app.test_request_context("/"):
        path = url_for("notifications.unsubscribe", token=unsubscribe_token(user_id, kind))
    return base_url().rstrip("/") + path


def opted_out(kind: str) -> set[int]:
    return set(db.session.scalars(select(NotificationOptOut.user_id).where(NotificationOptOut.kind == kind)))


def set_opt_out(user_id: int, kind: str, out: bool) -> None:
    """Stop (``out``) or resume the e-mail of an optional kind; idempotent."""
    if kind not in OPTIONAL:
        raise RuleError(_("This kind of message cannot be turned off."))
    row = db.session.get(NotificationOptOut, (user_id, kind))
    if out and row is None:
        db.session.execute(db.insert_or_ignore(NotificationOptOut).values(user_id=user_id, kind=kind, created_at=utcnow()))
    elif not out and row is not None:
        db.session.delete(row)
    db.session.flush()


def optional_footer(user_id: int, kind: str) -> str:
    """The last lines of an optional e-mail: how to stop receiving it."""
    return "\n\n-- \n" + _("To stop receiving %(what)s by e-mail: %(url)s",
                             what=str(OPTIONAL[kind]), url=unsubscribe_url(user_id, kind))
