"""Notifications, the message templates trainers edit, reminder rules, and the scheduler's leases."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elearn.db import Base, str_enum, utcnow


class MailStatus(str, enum.Enum):
    NONE = "none"          # in-app only (no address, or nothing to mail)
    PENDING = "pending"    # waiting for the worker (or for its next try after a failure)
    SENDING = "sending"    # claimed by one worker (``mail_claim``)
    SENT = "sent"
    SKIPPED = "skipped"    # no longer relevant when its turn came (the cadre completed meanwhile)
    FAILED = "failed"      # refused for good by the server (a bad address)


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),
                      Index("ix_notification_mail", "mail_status", "mail_next_at"),
                      Index("ix_notification_sms", "sms_status", "sms_next_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120), unique=True)   # what it is about, once: "r3:e42:2026-12-15"
    kind: Mapped[str] = mapped_column(String(32))                 # who can tell whether it still holds
    ref_id: Mapped[int | None]                                    # the enrolment (or other row) it is about
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(255), default="")    # a path of this site
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    mail_to: Mapped[str | None] = mapped_column(String(255))
    mail_status: Mapped[MailStatus] = mapped_column(str_enum(MailStatus), default=MailStatus.NONE)
    mail_attempts: Mapped[int] = mapped_column(default=0)
    mail_next_at: Mapped[datetime | None]
    mail_claim: Mapped[str | None] = mapped_column(String(32))
    mailed_at: Mapped[datetime | None]
    mail_error: Mapped[str | None] = mapped_column(String(500))
    # The same for a text message (``channels``): the number, the template's values, the state.
    sms_to: Mapped[str | None] = mapped_column(String(20))
    sms_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sms_status: Mapped[MailStatus] = mapped_column(str_enum(MailStatus), default=MailStatus.NONE)
    sms_attempts: Mapped[int] = mapped_column(default=0)
    sms_next_at: Mapped[datetime | None]
    sms_claim: Mapped[str | None] = mapped_column(String(32))
    sms_error: Mapped[str | None] = mapped_column(String(500))


class MessageTemplate(Base):
    """A trainer's wording of one kind of message (the default is in ``templates.DEFAULTS``)."""

    __tablename__ = "message_template"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReminderKind(str, enum.Enum):
    BEFORE = "before"      # ``days`` before the due date
    DUE = "due"            # on the due date
    OVERDUE = "overdue"    # every ``days`` days while overdue


class ReminderRule(Base):
    __tablename__ = "reminder_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReminderKind] = mapped_column(str_enum(ReminderKind))
    days: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationOptOut(Base):
    """A user who asked for no more e-mail of an optional kind (the digest): it still shows in the app."""

    __tablename__ = "notification_opt_out"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
