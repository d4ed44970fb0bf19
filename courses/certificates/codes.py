"""Certificate codes: random, unguessable, and easy to read aloud or type.

The alphabet leaves out 0/O and 1/I/L, which people confuse. 20 symbols of 31 give
99 bits from ``secrets``; a code never depends on an id or a counter.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 20
GROUP = 4
MAX_INPUT = 64  # longer input is cut, so a lookup costs the same whatever is sent
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(raw: str) -> str:
    """'7kq2-m9xd …' -> '7KQ2M9XD…': dashes, dots and spaces dropped, upper case."""
    return _SEPARATORS.sub("", (raw or "")[:MAX_INPUT]).upper()


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def grouped(code: str) -> str:
    """'7KQ2M9XD…' -> '7KQ2-M9XD-…' for display and print."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))
