"""Sending e-mail: through the SMTP server named by ``SMTP_URL`` (or the older ``MAIL_SERVER``
settings), or, without one (development, tests, a site that has none yet), into the instance's
outbox folder, one .eml file a message, where an administrator can read what would have gone out.

``SMTP_URL``: ``smtp://user:password@host:25`` (``?starttls=1`` to upgrade), ``smtps://host:465``.
Many messages go through one connection (``Sender``): the reminder worker sends in batches.
"""
from __future__ import annotations

import secrets
import smtplib
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app


def smtp_settings(config) -> dict | None:
    """Where to send, from SMTP_URL or MAIL_SERVER; None: keep messages in the outbox."""
    url = config.get("SMTP_URL")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must read smtp://[user:password@]host[:port] or smtps://...")
        query = parse_qs(parts.query)
        return {"host": parts.hostname, "port": parts.port or (465 if parts.scheme == "smtps" else 25),
                "ssl": parts.scheme == "smtps", "starttls": query.get("starttls", ["0"])[0] in ("1", "true"),
                "username": unquote(parts.username or ""), "password": unquote(parts.password or "")}
    if config.get("MAIL_SERVER"):
        return {"host": config["MAIL_SERVER"], "port": config["MAIL_PORT"], "ssl": False,
                "starttls": bool(config.get("MAIL_STARTTLS")), "username": config.get("MAIL_USERNAME") or "",
                "password": config.get("MAIL_PASSWORD") or ""}
    return None


def message(to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


class Sender:
    """``with Sender() as s: s.send(to, subject, body)``: one SMTP connection for many messages.
    Errors are smtplib's (``SMTPRecipientsRefused`` for a refused address) or ``OSError``."""

    def __init__(self, timeout: float = 15):
        self.settings = smtp_settings(current_app.config)
        self.timeout = timeout
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Sender:
        s = self.settings
        if s is not None:
            cls = smtplib.SMTP_SSL if s["ssl"] else smtplib.SMTP
            self.smtp = cls(s["host"], s["port"], timeout=self.timeout)
            if s["starttls"]:
                self.smtp.starttls()
            if s["username"]:
                self.smtp.login(s["username"], s["password"])
        return self

    def send(self, to: str, subject: str, body: str) -> None:
        msg = message(to, subject, body)
        if self.smtp is not None:
            self.smtp.send_message(msg)
            return
        folder = _outbox()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{time.time_ns()}-{secrets.token_hex(4)}.eml").write_bytes(msg.as_bytes())
        current_app.logger.info("mail to %s kept in %s (no SMTP server): %s", to, folder, subject)

    def __exit__(self, *_exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()


def send(to: str, subject: str, body: str) -> None:
    with Sender() as sender:
        sender.send(to, subject, body)


def outbox() -> list[EmailMessage]:
    """The messages kept in the outbox folder, oldest first."""
    folder = _outbox()
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    return [BytesParser(policy=policy.default).parsebytes(f.read_bytes()) for f in files]


def _outbox() -> Path:
    return Path(current_app.config["MAIL_OUTBOX"])
