"""The contract every question type keeps (``QuestionType``), its errors and limits, and the
helpers that check question data and responses (package-private: the types' modules share them).
"""
from __future__ import annotations

import math
import re
import unicodedata
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from flask_babel import gettext as _
from markupsafe import Markup

from elearn.html import html_to_text
from quizzes.bank.models import QuestionKind

MAX_CHOICES = 50
MAX_TEXT_RESPONSE = 1000       # short answer and numerical
MAX_ESSAY_RESPONSE = 50_000
MAX_HTML = 20_000              # one choice, answer, pair or feedback
_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_EPS = 1e-6


class InvalidQuestion(ValueError):
    """The question data does not fit its kind; the message is shown to the author."""


class InvalidResponse(ValueError):
    """A response that does not fit the question (unknown choice id, wrong shape)."""


class QuestionType(ABC):
    kind: ClassVar[QuestionKind]
    label: ClassVar[Any]  # the kind's name for people (lazy, translated)
    auto_graded: ClassVar[bool] = True

    @abstractmethod
    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        """Return normalized data, or raise InvalidQuestion (with a Vietnamese message)."""

    @abstractmethod
    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        """Return the response normalized, or raise InvalidResponse."""

    @abstractmethod
    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> float:
        """The fraction of the points earned, in [0, 1]; no response earns 0."""

    @abstractmethod
    def public(self, data: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
        """What the browser may see while answering: no fractions, no feedback, no answers."""

    def new_order(self, data: dict[str, Any], rng) -> list[str] | None:
        """The shuffled order of choices or answers for one attempt (None: no order to keep)."""
        return None

    # Review helpers: used only once the review policy allows showing answers.
    def choice_feedback(self, data: dict[str, Any]) -> dict[str, str]:
        """Feedback HTML per choice (or answer) id, for the review page."""
        return {}

    def response_feedback(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        """Feedback HTML for what the cadre answered."""
        return []

    def right_answer_html(self, data: dict[str, Any]) -> Markup:
        """The right answer, as safe HTML ('' when there is none)."""
        return Markup("")

    def response_text(self, data: dict[str, Any], response: dict[str, Any] | None) -> str:
        """The response in plain words, for result tables and statistics."""
        return ""


# --- helpers -------------------------------------------------------------------------------

def _clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else float(value)


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidQuestion(_("The data of the question is malformed (%(what)s).", what=what))
    return value


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InvalidQuestion(_("The data of the question is malformed (%(what)s).", what=key))
    if len(value) > MAX_CHOICES:
        raise InvalidQuestion(_("A question may have at most %(n)d choices or answers.", n=MAX_CHOICES))
    return value


def _items(data: dict[str, Any], key: str, label):
    """(item, its label for messages) for each entry of the list ``data[key]``."""
    for index, item in enumerate(_list(data, key)):
        yield _dict(item, key), label(n=index + 1)


def _str(value: Any, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidQuestion(_("%(label)s must be text.", label=label))
    if len(value) > MAX_HTML:
        raise InvalidQuestion(_("%(label)s is too long.", label=label))
    return unicodedata.normalize("NFC", value).strip()


def _number(value: Any, label: str) -> float:
    if isinstance(value, bool) or value is None:
        raise InvalidQuestion(_("%(label)s must be a number.", label=label))
    if isinstance(value, str):
        parsed = parse_number(value)
        if parsed is None:
            raise InvalidQuestion(_("%(label)s must be a number.", label=label))
        value = parsed
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidQuestion(_("%(label)s must be a number.", label=label))
    return float(value)


def _fraction(value: Any, label: str, low: float = 0.0) -> float:
    fraction = _number(1.0 if value is None else value, label)
    if fraction < low - _EPS or fraction > 1 + _EPS:
        raise InvalidQuestion(_("%(label)s: the weight must be between %(low)d%% and 100%%.",
                                label=label, low=int(low * 100)))
    return round(fraction, 7)


def _has_content(html: str) -> bool:
    return bool(html_to_text(html)) or "<img" in html


def _ids(items: list[dict[str, Any]], label, fallback) -> None:
    """Fill missing ids, refuse malformed or duplicate ones (in place)."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        raw = item.get("id")
        ident = fallback(index) if raw in (None, "") else raw
        if not isinstance(ident, str) or not _ID.match(ident):
            raise InvalidQuestion(_("%(label)s: the id must be 1 to 32 letters, digits, '-' or '_'.",
                                    label=label(index + 1)))
        if ident in seen:
            raise InvalidQuestion(_("Two choices or answers have the same id %(id)s.", id=ident))
        seen.add(ident)
        item["id"] = ident


def _letter(index: int) -> str:
    return chr(ord("a") + index) if index < 26 else f"c{index + 1}"


def parse_number(text: str) -> float | None:
    """'3,14', '3.14', '1.234,5', '1,234.5', '-2' -> float; anything else None.

    Vietnamese writes a decimal comma and a dot for thousands; when both marks appear,
    the last one is the decimal mark.
    """
    text = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u2212", "-")
    if not text or len(text) > 64:
        return None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    return finite_float(text)


def finite_float(text: str) -> float | None:
    """A plain decimal ('-3.14', '.5', '1e3') as a finite float; anything else None."""
    if not _DECIMAL.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def format_number(value: float) -> str:
    """3.14 -> '3,14' (Vietnamese decimal comma), exact enough to read back the same float."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)).replace(".", ",")


def _ordered(items: list[dict[str, Any]], order: list[str] | None) -> list[dict[str, Any]]:
    """Items in the attempt's stored order; unknown ids ignored, forgotten items appended."""
    if not order:
        return list(items)
    by_id = {item["id"]: item for item in items}
    result = [by_id.pop(i) for i in order if isinstance(i, str) and i in by_id]
    return result + [item for item in items if item["id"] in by_id]


def _response_dict(response: Any) -> dict[str, Any]:
    if not isinstance(response, dict):
        raise InvalidResponse(_("The answer is malformed."))
    return response


def _response_str(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidResponse(_("The answer is malformed."))
    if len(value) > limit:
        raise InvalidResponse(_("The answer is too long (at most %(n)d characters).", n=limit))
    return unicodedata.normalize("NFC", value).strip()
