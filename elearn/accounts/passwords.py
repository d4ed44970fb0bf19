"""Password hashes: Argon2id at OWASP's minimum, older hashes still verified and upgraded at the next
sign-in (scrypt before, and Argon2id with other settings).

OWASP's cheat sheet lists five settings that "provide an equal level of defense" and differ only in
the trade between CPU and memory (46 MiB x 1 pass, 19 x 2, 12 x 3, 9 x 4, 7 x 5). We take the last:
its 7 MiB stays in the processor's cache, so a check costs less CPU than the same work spread over
19 MiB (one verify, this 2-core machine, host line 86 ms: 17.2 ms at m=7 MiB t=5 against 27.9 ms at
m=19 MiB t=2; the scrypt this replaced took ~110 ms). Sign-in is a tenth to a fifth of a learner's
whole journey's CPU (bench/load/journey_profile.py), and a thousand cadres sign in within the hour.

Unknown and inactive accounts are checked against a dummy hash, so a wrong password takes
as long whether or not the account exists (no account discovery by timing).
"""
from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash, generate_password_hash

_hasher = PasswordHasher(time_cost=5, memory_cost=7168, parallelism=1)
# Temporary passwords are random (~70 bits), so key stretching adds nothing there;
# a light hash keeps a 100,000-row import fast. They are replaced at the first sign-in.
TEMP_HASH_METHOD = "pbkdf2:sha256:1000"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def hash_temporary(password: str) -> str:
    return generate_password_hash(password, method=TEMP_HASH_METHOD)


def verify(stored: str, password: str) -> bool:
    if stored.startswith("$argon2"):
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)  # scrypt and pbkdf2 hashes made before Argon2id


def needs_upgrade(stored: str) -> bool:
    """A chosen password's hash made with older settings: rehash it while the password is at hand."""
    if stored.startswith("$argon2"):
        return _hasher.check_needs_rehash(stored)
    method = stored.split("$", 1)[0].split(":")
    if method[0] == "pbkdf2" and len(method) == 3 and method[2].isdigit() and int(method[2]) <= 1000:
        return False  # a light hash is a temporary password's (TEMP_HASH_METHOD): replaced at once anyway
    return True


@cache
def _dummy() -> str:
    return _hasher.hash("no account has this password")


def verify_nobody(password: str) -> bool:
    """Spend the time of a real check, for an account that does not exist or cannot sign in."""
    verify(_dummy(), password)
    return False
