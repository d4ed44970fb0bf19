"""Known devices: a signed cookie naming the accounts that have signed in from this browser.

The per-account sign-in limit (LOGIN_LIMIT_PER_ACCOUNT) stops password guessing, but applied to
everyone it also lets anyone lock an account by failing on purpose. A browser that has signed in
to the account before is exempt from it (OWASP's "device cookie"); the per-address limit still
applies to it. The cookie holds only account names, signed, so it cannot be forged or shared
into another account.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "elearn_device"
MAX_ACCOUNTS = 5  # a commune office computer is shared by a few cadres
MAX_AGE_DAYS = 180


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="elearn known device")


def known_accounts(request) -> list[str]:
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 2000:
        return []
    try:
        names = _serializer().loads(raw, max_age=MAX_AGE_DAYS * 86400)
    except BadSignature:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def remember(response, request, username: str):
    """``response`` with the cookie naming ``username`` first (the oldest name drops out)."""
    names = [username] + [n for n in known_accounts(request) if n != username]
    response.set_cookie(COOKIE, _serializer().dumps(names[:MAX_ACCOUNTS]), max_age=MAX_AGE_DAYS * 86400,
                        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
