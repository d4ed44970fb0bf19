"""Signed launch tokens: what ties a package's frame, commits and cmi5 calls to one cadre and item.

The content frame is sandboxed (an opaque origin): its requests carry no session cookie
(SameSite=Lax, and the cookie is HttpOnly anyway), so the token in its path is what lets it load
the package's files, for this cadre and item only, for a few hours.
"""
from __future__ import annotations

import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE = 12 * 3600


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"package-{purpose}")


def issue(purpose: str, user_id: int, item_id: int, launched_ms: int | None = None) -> str:
    return _serializer(purpose).dumps({"u": user_id, "i": item_id, "t": launched_ms or int(time.time() * 1000)})


def read(purpose: str, token: str | None) -> dict | None:
    """The token's payload if it is ours, for ``purpose`` and not expired; else None."""
    if not token or len(token) > 500:
        return None
    try:
        data = _serializer(purpose).loads(token, max_age=MAX_AGE)
    except BadSignature:
        return None
    ok = isinstance(data, dict) and all(isinstance(data.get(k), int) and not isinstance(data.get(k), bool)
                                        for k in ("u", "i", "t"))
    return data if ok else None
