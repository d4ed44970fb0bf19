"""Option tokens: what the browser sees of a choice, a prompt or an answer instead of its bank id.

Bank ids follow the author's order (``a, b, c``; matching answer ``p1`` is the right one for prompt
``p1``), and authors write the right answer first, so an id sent to the browser is the key. Each
question of each attempt (or contest entry) shows instead an HMAC of (scope, role, id) under a key
derived from the app's secret: unguessable, different in every attempt and every question, and
the same on every request. Being computed rather than stored, tokens need no column and a page
that shows them writes nothing. Prompts and answers of a matching question use different roles,
so their tokens are independent.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from flask import current_app

CHOICE, PROMPT, ANSWER = "c", "p", "a"


def _key() -> bytes:
    ext = current_app.extensions
    if "elearn.option_key" not in ext:
        secret = current_app.config["SECRET_KEY"]
        secret = secret.encode() if isinstance(secret, str) else secret
        ext["elearn.option_key"] = hmac.new(secret, b"elearn option tokens", hashlib.sha256).digest()
    return ext["elearn.option_key"]


class Tokens:
    """The tokens of one question in one attempt: ``scope`` names both (``a12.3`` = attempt 12,
    question 3; ``e7.2`` = contest entry 7, question 2)."""

    def __init__(self, scope: str):
        self.scope = scope
        self._key = _key()
        self._back: dict[tuple[str, str], str] = {}

    def token(self, role: str, bank_id: str) -> str:
        digest = hmac.new(self._key, f"{self.scope}|{role}|{bank_id}".encode(), hashlib.sha256).digest()
        token = base64.urlsafe_b64encode(digest[:9]).decode()  # 72 bits, 12 characters
        self._back[(role, token)] = bank_id
        return token

    def bank_id(self, role: str, token: Any) -> Any:
        """The id behind a token shown by ``public``; anything else comes back unchanged, so the
        question type refuses it as "not one of this question's choices"."""
        if not isinstance(token, str) or token == "":
            return token
        return self._back.get((role, token), f"?{token}")

    def public(self, public: dict[str, Any], response: dict[str, Any] | None = None) -> dict[str, Any]:
        """A question type's public view with tokens for ids, and the saved ``response`` likewise
        (as ``response``, for the page to show what was chosen)."""
        out = dict(public)
        if "choices" in public:
            out["choices"] = [{**c, "id": self.token(CHOICE, c["id"])} for c in public["choices"]]
        if "prompts" in public:
            out["prompts"] = [{**p, "id": self.token(PROMPT, p["id"])} for p in public["prompts"]]
            out["answers"] = [{**a, "id": self.token(ANSWER, a["id"])} for a in public["answers"]]
        out["response"] = self._response_out(response or {})
        return out

    def _response_out(self, response: dict[str, Any]) -> dict[str, Any]:
        out = dict(response)
        if response.get("choice"):
            out["choice"] = self.token(CHOICE, response["choice"])
        if response.get("choices"):
            out["choices"] = [self.token(CHOICE, c) for c in response["choices"]]
        if response.get("pairs"):
            out["pairs"] = {self.token(PROMPT, p): self.token(ANSWER, a) for p, a in response["pairs"].items() if a}
        return out

    def choices_in(self, values: list[Any]) -> list[Any]:
        """Posted choice tokens as bank ids (``public`` must have been called)."""
        return [self.bank_id(CHOICE, v) for v in values]

    def pairs_in(self, pairs: dict[str, Any]) -> dict[Any, Any]:
        return {self.bank_id(PROMPT, p): self.bank_id(ANSWER, a) for p, a in pairs.items()}


def for_question(scope: str, version, order: list[str] | None,
                 response: dict[str, Any] | None = None) -> tuple[Tokens, dict[str, Any]]:
    """The tokens of a drawn question version, and its public view with ``response`` (bank ids replaced)."""
    from quizzes.bank.types import get_type

    tokens = Tokens(scope)
    return tokens, tokens.public(get_type(version.kind).public(version.data, order), response)


def attempt_scope(attempt_id: int, position: int) -> str:
    return f"a{attempt_id}.{position}"


def entry_scope(entry_id: int, number: int) -> str:
    return f"e{entry_id}.{number}"
