"""Sending e-mail: through the SMTP server named by MAIL_SERVER, or, without one (development,
tests, a site that has none yet), into the instance's outbox folder, one .eml file a message,
where an administrator can read what would have gone out."""
from __future__ import annotations

import secrets
import smtplib
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import current_app


def send(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config.get("MAIL_STARTTLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
        return
    folder = _outbox()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{time.time_ns()}-{secrets.token_hex(4)}.eml").write_bytes(message.as_bytes())
    current_app.logger.info("mail to %s kept in %s (no MAIL_SERVER): %s", to, folder, subject)


def outbox() -> list[EmailMessage]:
    """The messages kept in the outbox folder, oldest first."""
    folder = _outbox()
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    return [BytesParser(policy=policy.default).parsebytes(f.read_bytes()) for f in files]


def _outbox() -> Path:
    return Path(current_app.config["MAIL_OUTBOX"])
