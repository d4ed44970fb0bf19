"""Entrants: cadres join with their account; members of the public register once per contest.

One person, one identity: phone and e-mail are normalized before the unique constraints
compare them. Bulk sign-ups meet a self-hosted challenge (a small sum asked in words,
its answer checked on the server against a signed, expiring token that can be used once)
and the rate limits in the view.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from elearn import audit, db, mail
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.i18n import LOCAL_TZ
from elearn.permissions import Permission
from elearn.text import name_sort_key, normalize_spaces
from elearn.units.models import OrgUnit
from quizzes.contests.models import Contest, ContestEntrant
from quizzes.contests.services import ContestError

CHALLENGE_MAX_AGE = 15 * 60
NUMBER_WORDS = (_l("zero"), _l("one"), _l("two"), _l("three"), _l("four"), _l("five"), _l("six"),
                _l("seven"), _l("eight"), _l("nine"), _l("ten"))
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_NAME = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$")
_PHONE_JUNK = re.compile(r"[\s.\-()]")


def normalize_phone(raw: str) -> str | None:
    """A Vietnamese phone number as 0xxxxxxxxx: '+84 912 345 678', '84912345678', '0912.345.678'."""
    value = _PHONE_JUNK.sub("", raw or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) in (11, 12):
        value = "0" + value[2:]
    return value if re.fullmatch(r"0[1-9]\d{8,9}", value) else None


def normalize_email(raw: str) -> str | None:
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def clean_name(raw: str) -> str:
    name = normalize_spaces(raw or "")
    if not 2 <= len(name) <= 120 or not _NAME.match(name):
        raise ContestError(_("Enter your full name in letters only (no digits or symbols)."))
    return name


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def may_enter(contest: Contest, user: User) -> bool:
    """Organisers cannot enter: whoever can manage contests sees the questions in advance."""
    return user.id != contest.organiser_id and not user.can(Permission.MANAGE_CONTESTS)


# --- the challenge ---------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="contest-challenge")


def _answer_mac(nonce: str, answer: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()[:32]


def new_challenge() -> tuple[str, str]:
    """A question (a sum in words) and the signed token that carries its answer, keyed, not readable."""
    a, b = secrets.randbelow(10) + 1, secrets.randbelow(10)
    nonce = secrets.token_hex(12)
    question = _("How much is %(a)s plus %(b)s? Answer in digits.", a=NUMBER_WORDS[a], b=NUMBER_WORDS[b])
    return question, _serializer().dumps({"n": nonce, "m": _answer_mac(nonce, a + b)})


def check_challenge(token: str, answer: str) -> str:
    """The challenge's nonce if ``answer`` is right and the token fresh; else ContestError."""
    try:
        data = _serializer().loads(token or "", max_age=CHALLENGE_MAX_AGE)
    except SignatureExpired:
        raise ContestError(_("The check question has expired; answer the new one.")) from None
    except BadSignature:
        raise ContestError(_("The check question is not valid; answer the new one.")) from None
    value = (answer or "").strip()
    if not value.isdigit() or len(value) > 3 or not hmac.compare_digest(
            _answer_mac(data["n"], int(value)), data["m"]):
        raise ContestError(_("The answer to the check question is not right."))
    return data["n"]


# --- entrants --------------------------------------------------------------------------------

def cadre_entrant(contest: Contest, user: User) -> ContestEntrant:
    """The signed-in cadre's entrant row in this contest, created on first entry."""
    if not may_enter(contest, user):
        raise ContestError(_("Organisers of contests cannot take part in them."))
    stmt = select(ContestEntrant).where(ContestEntrant.contest_id == contest.id, ContestEntrant.user_id == user.id)
    entrant = db.session.scalar(stmt)
    if entrant is not None:
        return entrant
    entrant = ContestEntrant(contest_id=contest.id, user_id=user.id, full_name=user.full_name,
                             sort_name=user.sort_name, unit_id=user.unit_id)
    try:
        with db.session.begin_nested():  # a second tab may create it at the same moment
            db.session.add(entrant)
    except IntegrityError:
        entrant = db.session.scalar(stmt)
        assert entrant is not None
    return entrant


def register_public(contest: Contest, *, full_name: str, birth_date: date | None, phone: str, email: str,
                    address: str, unit: OrgUnit | None, unit_text: str, challenge_token: str,
                    challenge_answer: str, today: date | None = None) -> Registration:
    """Register a member of the public. A phone number or e-mail address already registered is not
    an error the page shows (that would tell anyone who has entered): the registration returned
    then holds the entrant already registered and no code, and ``send_code`` writes to that
    entrant's own address instead (issue 15.7)."""
    if not contest.allow_public:
        raise ContestError(_("This contest is open to signed-in cadres only."))
    nonce = check_challenge(challenge_token, challenge_answer)
    name = clean_name(full_name)
    if birth_date is None:
        raise ContestError(_("Enter your date of birth."))
    today = today or utcnow().astimezone(LOCAL_TZ).date()
    if birth_date > today or age_on(birth_date, today) > 120:
        raise ContestError(_("The date of birth is not valid."))
    if age_on(birth_date, today) < contest.min_age:
        raise ContestError(_("Entrants must be at least %(n)d years old.", n=contest.min_age))
    norm_phone = normalize_phone(phone)
    if norm_phone is None:
        raise ContestError(_("Enter a valid Vietnamese phone number, e.g. 0912 345 678."))
    norm_email = normalize_email(email)
    if norm_email is None:
        raise ContestError(_("Enter a valid e-mail address."))
    address = normalize_spaces(address or "")
    unit_text = normalize_spaces(unit_text or "")
    if not address or len(address) > 255:
        raise ContestError(_("Enter your address."))
    if unit is None and not unit_text:
        raise ContestError(_("Choose your unit from the list or type the name of your organisation."))
    if len(unit_text) > 255 or "<" in unit_text or "<" in address:
        raise ContestError(_("The address and organisation may not contain '<'."))
    organiser = contest.organiser
    if organiser.email and organiser.email.lower() == norm_email:
        raise ContestError(_("Organisers of contests cannot take part in them."))
    if db.session.scalar(select(ContestEntrant.id).where(ContestEntrant.challenge_nonce == nonce)) is not None:
        raise ContestError(_("The check question has already been used; answer the new one."))
    taken = _registered(contest, norm_phone, norm_email)
    if taken is not None:
        audit.record("contest.register.again", target=f"contest:{contest.id}", entrant=taken.id)
        return Registration(taken, None)
    code = new_code()
    entrant = ContestEntrant(
        contest_id=contest.id, full_name=name, sort_name=name_sort_key(name), birth_date=birth_date,
        phone=norm_phone, email=norm_email, address=address, unit_id=unit.id if unit else None,
        unit_text="" if unit else unit_text, code_hash=_hash_code(code), challenge_nonce=nonce)
    try:
        with db.session.begin_nested():  # the unique constraints settle a race between two registrations
            db.session.add(entrant)
    except IntegrityError:
        return Registration(_registered(contest, norm_phone, norm_email), None)
    audit.record("contest.register", target=f"contest:{contest.id}", entrant=entrant.id)
    return Registration(entrant, code)


@dataclass
class Registration:
    entrant: ContestEntrant  # the new entrant, or the one already registered with this phone or e-mail
    code: str | None  # the new entrant's personal code; None when already registered


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def _hash_code(code: str) -> str:
    return generate_password_hash(code, method="pbkdf2:sha256:1000")


def _registered(contest: Contest, phone: str | None, email: str | None) -> ContestEntrant | None:
    same = [c == v for c, v in ((ContestEntrant.phone, phone), (ContestEntrant.email, email)) if v]
    if not same:
        return None
    return db.session.scalar(select(ContestEntrant).where(ContestEntrant.contest_id == contest.id, or_(*same))
                             .order_by(ContestEntrant.id).limit(1))


def send_code(contest: Contest, registration: Registration) -> None:
    """The registration's message, to the address the entrant registered with (after the commit):
    the personal code, or, for someone already registered, how to get a new one."""
    entrant = registration.entrant
    if not entrant.email:
        return
    if registration.code:
        body = _("Hello %(name)s,\n\nYou are registered for the contest \"%(contest)s\". Your personal code is: "
                 "%(code)s\n\nCome back with your phone number and this code to enter the rounds: %(url)s\n",
                 name=entrant.full_name, contest=contest.title, code=registration.code, url=_identify_url(contest))
    else:
        body = _("Hello %(name)s,\n\nSomeone (perhaps you) registered again for the contest \"%(contest)s\" with "
                 "your phone number or e-mail address. You are already registered and nothing has changed. If you "
                 "have lost your personal code, ask for a new one here: %(url)s\n",
                 name=entrant.full_name, contest=contest.title, url=_recover_url(contest))
    mail.send(entrant.email, _("Your registration: %(contest)s", contest=contest.title), body)


def recover_code(contest: Contest, phone: str) -> tuple[ContestEntrant, str] | None:
    """A new personal code for the entrant registered with ``phone`` (None: nobody is); the caller
    sends it to the entrant's registered address, never shows it."""
    norm = normalize_phone(phone)
    entrant = _registered(contest, norm, None) if norm else None
    if entrant is None or not entrant.email:
        return None
    code = new_code()
    entrant.code_hash = _hash_code(code)
    audit.record("contest.code.renewed", target=f"contest:{contest.id}", entrant=entrant.id)
    return entrant, code


def send_recovered(contest: Contest, entrant: ContestEntrant, code: str) -> None:
    mail.send(entrant.email, _("Your new personal code: %(contest)s", contest=contest.title),
              _("Hello %(name)s,\n\nYour new personal code for the contest \"%(contest)s\" is: %(code)s\n"
                "The old one no longer works. Come back with your phone number and this code: %(url)s\n",
                name=entrant.full_name, contest=contest.title, code=code, url=_identify_url(contest)))


def _identify_url(contest: Contest) -> str:
    return url_for("contests.identify", contest_id=contest.id, _external=True)


def _recover_url(contest: Contest) -> str:
    return url_for("contests.lost_code", contest_id=contest.id, _external=True)


_NOBODY_CODE = generate_password_hash("no entrant has this code", method="pbkdf2:sha256:1000")


def identify_public(contest: Contest, phone: str, code: str) -> ContestEntrant:
    """A registered member of the public coming back with their phone and personal code."""
    norm = normalize_phone(phone)
    entrant = db.session.scalar(select(ContestEntrant).where(
        ContestEntrant.contest_id == contest.id, ContestEntrant.phone == norm)) if norm else None
    # An unknown phone costs a check too: the answer's time does not tell who has registered.
    stored = entrant.code_hash if entrant is not None and entrant.code_hash else _NOBODY_CODE
    if not check_password_hash(stored, (code or "").strip().upper()) or stored is _NOBODY_CODE:
        raise ContestError(_("The phone number or the personal code is not right."))
    return entrant
