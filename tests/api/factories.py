"""API test data: tokens made through the service, as the pages make them."""
from __future__ import annotations

from elearn import db
from elearn.api import services


def make_token(user, scopes=None, days: int = 30, **kwargs) -> str:
    """The secret of a new token of ``user`` (every scope the user may hold by default)."""
    scopes = scopes if scopes is not None else [s.name for s in services.scopes_for(user)]
    _token, secret = services.create_token(user, "kiểm thử", scopes, days, **kwargs)
    db.session.commit()
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
