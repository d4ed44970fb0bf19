"""One person, one entrant: a contest may require each entrant's phone to answer a one-time code
sent through the text-message channel (``elearn.notifications.channels``: an HTTP SMS gateway or
Zalo). Only a verified phone starts an entry; a phone verifies one entrant per contest (the unique
``(contest_id, phone)``), so the entries per round are limited per phone as well.

The code: 6 digits, kept as a keyed hash (HMAC with the secret key: six digits alone would be
found from a plain hash in a second), valid 5 minutes, 5 tries. Sending is limited per entrant
(a pause between codes), per phone, per client address and per device, counted from the codes
table so the limits hold across app servers and whatever the rate limiter's storage.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from elearn import audit, db
from elearn.db import utcnow
from elearn.notifications import channels
from quizzes.contests.models import Contest, ContestEntrant, ContestPhoneCode
from quizzes.contests.registration import normalize_phone
from quizzes.contests.services import ContestError

VALID = timedelta(minutes=5)
MAX_TRIES = 5
HOUR = timedelta(hours=1)
DEFAULT_LIMITS = {"CONTEST_OTP_RESEND_SECONDS": 60, "CONTEST_OTP_PER_PHONE_PER_HOUR": 3,
                  "CONTEST_OTP_PER_ADDRESS_PER_HOUR": 20, "CONTEST_OTP_PER_DEVICE_PER_HOUR": 5}


def available() -> bool:
    """Whether this server has a text-message channel: without one no contest may require phones."""
    return channels.configured(current_app.config) is not None


def _limit(name: str) -> int:
    return int(current_app.config.get(name, DEFAULT_LIMITS[name]))


def _hash(entrant_id: int, phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"contest-otp:{entrant_id}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def needs_verification(contest: Contest, entrant: ContestEntrant | None) -> bool:
    return contest.require_phone and (entrant is None or entrant.phone_verified_at is None)


def _phone_for(entrant: ContestEntrant, raw: str | None) -> str:
    """A member of the public verifies the phone they registered with; a cadre gives one."""
    phone = entrant.phone if entrant.user_id is None else normalize_phone(raw or "")
    if phone is None or channels.normalize_phone(phone) is None:
        raise ContestError(_("Enter a valid Vietnamese mobile number, e.g. 0912 345 678."))
    return phone


def _count(*where) -> int:
    return db.session.scalar(select(func.count(ContestPhoneCode.id)).where(*where)) or 0


def request_code(contest: Contest, entrant: ContestEntrant, phone: str | None = None, *,
                 client_addr: str | None = None, device: str | None = None,
                 now: datetime | None = None) -> tuple[ContestPhoneCode, str]:
    """A new code for ``entrant``'s phone (the row, not yet sent, and the code to send after the commit)."""
    now = now or utcnow()
    if not contest.require_phone:
        raise ContestError(_("This contest does not ask for phone verification."))
    if not available():
        raise ContestError(_("Codes cannot be sent by text message now; please tell the organiser."))
    if entrant.phone_verified_at is not None:
        raise ContestError(_("Your phone number is already verified."))
    number = _phone_for(entrant, phone)
    if db.session.scalar(select(ContestEntrant.id).where(
            ContestEntrant.contest_id == contest.id, ContestEntrant.phone == number,
            ContestEntrant.id != entrant.id)) is not None:
        raise ContestError(_("This phone number is already used by another entrant of this contest."))
    since = now - HOUR
    last = db.session.scalar(select(func.max(ContestPhoneCode.created_at)).where(
        ContestPhoneCode.entrant_id == entrant.id))
    wait = _limit("CONTEST_OTP_RESEND_SECONDS") - int((now - last).total_seconds()) if last else 0
    if wait > 0:
        raise ContestError(_("Wait %(n)d seconds before asking for a new code.", n=wait))
    addr = (client_addr or None) and client_addr[:45]
    if (_count(ContestPhoneCode.phone == number, ContestPhoneCode.created_at > since)
            >= _limit("CONTEST_OTP_PER_PHONE_PER_HOUR")
            or addr and _count(ContestPhoneCode.client_addr == addr, ContestPhoneCode.created_at > since)
            >= _limit("CONTEST_OTP_PER_ADDRESS_PER_HOUR")
            or device and _count(ContestPhoneCode.device == device, ContestPhoneCode.created_at > since)
            >= _limit("CONTEST_OTP_PER_DEVICE_PER_HOUR")):
        raise ContestError(_("Too many codes have been asked for; try again in an hour."))
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = ContestPhoneCode(entrant_id=entrant.id, phone=number, code_hash=_hash(entrant.id, number, code),
                           created_at=now, expires_at=now + VALID, tries=0, client_addr=addr,
                           device=(device or None) and device[:32])
    db.session.add(row)
    db.session.flush()
    audit.record("contest.phone.code", target=f"contest:{contest.id}", entrant=entrant.id)
    return row, code


def send(contest: Contest, row: ContestPhoneCode, code: str) -> None:
    """Text the code (after the commit). ``channels.ChannelError`` when the provider refuses or is down."""
    channel = channels.configured(current_app.config)
    if channel is None:
        raise channels.ChannelUnavailable("no channel")
    text = _("Your verification code for the contest \"%(contest)s\" is %(code)s. It is valid for 5 minutes; "
             "do not give it to anyone.", contest=contest.title[:80], code=code)
    channel.send(row.phone, text, {"otp": code, "contest": contest.title}, f"contest-otp-{row.id}")


@dataclass
class Checked:
    verified: bool
    tries_left: int


def check_code(contest: Contest, entrant: ContestEntrant, raw: str, now: datetime | None = None) -> Checked:
    """Check a code against the entrant's latest one. A wrong code is not an exception: its try is
    counted and must be kept (the caller commits), so five guesses end the code whatever happens."""
    now = now or utcnow()
    if entrant.phone_verified_at is not None:
        return Checked(True, 0)
    row = db.session.scalar(select(ContestPhoneCode).where(ContestPhoneCode.entrant_id == entrant.id)
                            .order_by(ContestPhoneCode.created_at.desc(), ContestPhoneCode.id.desc()).limit(1))
    if row is None or row.used_at is not None:
        raise ContestError(_("Ask for a code first."))
    if now > row.expires_at:
        raise ContestError(_("The code has expired; ask for a new one."))
    # The try is counted before the comparison, in one conditional UPDATE: parallel guesses share the five.
    counted = db.session.execute(
        update(ContestPhoneCode).where(ContestPhoneCode.id == row.id, ContestPhoneCode.tries < MAX_TRIES,
                                       ContestPhoneCode.used_at.is_(None))
        .values(tries=ContestPhoneCode.tries + 1).execution_options(synchronize_session=False)).rowcount
    if counted != 1:
        raise ContestError(_("Too many wrong codes; ask for a new one."))
    db.session.refresh(row, ["tries"])
    code = "".join(ch for ch in (raw or "") if not ch.isspace())
    if not (code.isdigit() and len(code) == 6 and hmac.compare_digest(row.code_hash, _hash(entrant.id, row.phone, code))):
        return Checked(False, MAX_TRIES - row.tries)
    row.used_at = now
    try:
        with db.session.begin_nested():  # the unique (contest, phone): another entrant may have taken it meanwhile
            entrant.phone, entrant.phone_verified_at = row.phone, now
    except IntegrityError:
        raise ContestError(_("This phone number is already used by another entrant of this contest.")) from None
    audit.record("contest.phone.verified", target=f"contest:{contest.id}", entrant=entrant.id)
    return Checked(True, 0)
