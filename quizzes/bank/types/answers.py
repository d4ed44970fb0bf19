"""Questions answered with a value checked against a key: true/false, short answer, numerical."""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from elearn.text import normalize_spaces
from quizzes.bank.models import QuestionKind
from quizzes.bank.types.base import (
    _EPS,
    MAX_TEXT_RESPONSE,
    InvalidQuestion,
    InvalidResponse,
    QuestionType,
    _clamp,
    _dict,
    _fraction,
    _items,
    _number,
    _response_dict,
    _response_str,
    _str,
    format_number,
    parse_number,
)

# --- true/false ----------------------------------------------------------------------------

_BOOL_WORDS = {"true": True, "1": True, "false": False, "0": False}


class TrueFalse(QuestionType):
    kind = QuestionKind.TRUEFALSE
    label = _l("True/false")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = _dict(data, "data")
        if not isinstance(data.get("answer"), bool):
            raise InvalidQuestion(_("Say whether the statement is true or false."))
        return {"answer": data["answer"],
                "feedback_true": _str(data.get("feedback_true"), _("Feedback")),
                "feedback_false": _str(data.get("feedback_false"), _("Feedback"))}

    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        value = _response_dict(response).get("value")
        if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
            value = _BOOL_WORDS[value.strip().lower()]
        if value is not None and not isinstance(value, bool):
            raise InvalidResponse(_("The answer is malformed."))
        return {"value": value}

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> float:
        value = (response or {}).get("value")
        return 1.0 if isinstance(value, bool) and value == data["answer"] else 0.0

    def public(self, data: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
        return {"kind": self.kind.value}

    def choice_feedback(self, data: dict[str, Any]) -> dict[str, str]:
        return {k: data[f"feedback_{k}"] for k in ("true", "false") if data.get(f"feedback_{k}")}

    def response_feedback(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        value = (response or {}).get("value")
        if not isinstance(value, bool):
            return []
        text = data.get("feedback_true" if value else "feedback_false")
        return [text] if text else []

    def right_answer_html(self, data: dict[str, Any]) -> Markup:
        return escape(_("True") if data["answer"] else _("False"))

    def response_text(self, data: dict[str, Any], response: dict[str, Any] | None) -> str:
        value = (response or {}).get("value")
        return "" if value is None else _("True") if value else _("False")


# --- short answer --------------------------------------------------------------------------

def _strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def answer_key(text: str, case_sensitive: bool = False, accent_insensitive: bool = False) -> str:
    """The form in which a short answer is compared."""
    text = normalize_spaces(unicodedata.normalize("NFC", text))
    if accent_insensitive:
        text = _strip_accents(text)
    if not case_sensitive:
        text = text.casefold()
    return unicodedata.normalize("NFC", text)


_WILDCARDS = re.compile(r"(?<!\\)\*+")  # a run of '*' with no backslash before it


def has_wildcard(text: str) -> bool:
    """Whether a short answer uses Moodle's wildcard: a ``*`` with no backslash before it."""
    return bool(_WILDCARDS.search(text))


def _wildcard_match(pattern: str, key: str) -> bool:
    """Moodle's ``compare_string_with_wildcard`` (``*`` is any text, a backslash before one makes it a
    star), without a regular expression: the literal pieces are found left to right, so a pattern
    of many stars costs no more than a few ``find`` calls."""
    pieces = [piece.replace("\\*", "*") for piece in _WILDCARDS.split(pattern)]
    if len(pieces) == 1:
        return key == pieces[0]
    first, last = pieces[0], pieces[-1]
    end = len(key) - len(last)
    if not key.startswith(first) or not key.endswith(last) or end < len(first):
        return False
    position = len(first)
    for piece in pieces[1:-1]:
        found = key.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


class ShortAnswer(QuestionType):
    kind = QuestionKind.SHORTANSWER
    label = _l("Short answer")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = _dict(data, "data")
        case, accents = bool(data.get("case_sensitive", False)), bool(data.get("accent_insensitive", False))
        wildcards = bool(data.get("wildcards", False))
        answers, keys = [], set()
        for item, label in _items(data, "answers", lambda n: _("Answer %(n)d", n=n)):
            text = normalize_spaces(_str(item.get("text"), label))
            if not text:
                raise InvalidQuestion(_("%(label)s: the answer text is empty.", label=label))
            if len(text) > MAX_TEXT_RESPONSE:
                raise InvalidQuestion(_("%(label)s is too long.", label=label))
            key = answer_key(text, case, accents)
            if key in keys:
                raise InvalidQuestion(_("The accepted answer %(text)s is given twice.", text=text))
            keys.add(key)
            answers.append({"text": text, "fraction": _fraction(item.get("fraction"), label),
                            "feedback": _str(item.get("feedback"), label)})
        if not answers:
            raise InvalidQuestion(_("Give at least one accepted answer."))
        if not any(abs(a["fraction"] - 1.0) < _EPS for a in answers):
            raise InvalidQuestion(_("There is no correct answer: one answer must be worth 100%."))
        out = {"answers": answers, "case_sensitive": case, "accent_insensitive": accents}
        if wildcards:
            out["wildcards"] = True  # Moodle's short answers: '*' matches any text, '\\*' is a star
        return out

    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        return {"text": normalize_spaces(_response_str(_response_dict(response).get("text"), MAX_TEXT_RESPONSE))}

    def _match(self, data: dict[str, Any], response: dict[str, Any] | None) -> dict[str, Any] | None:
        text = (response or {}).get("text")
        if not isinstance(text, str) or not text.strip():
            return None
        case, accents = data.get("case_sensitive", False), data.get("accent_insensitive", False)
        key = answer_key(text, case, accents)
        if data.get("wildcards"):  # the first answer that matches, as Moodle grades it
            return next((a for a in data["answers"] if _wildcard_match(answer_key(a["text"], case, accents), key)),
                        None)
        hits = [a for a in data["answers"] if answer_key(a["text"], case, accents) == key]
        return max(hits, key=lambda a: a["fraction"], default=None)

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> float:
        hit = self._match(data, response)
        return _clamp(hit["fraction"]) if hit else 0.0

    def public(self, data: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
        return {"kind": self.kind.value}

    def response_feedback(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        hit = self._match(data, response)
        return [hit["feedback"]] if hit and hit.get("feedback") else []

    def right_answer_html(self, data: dict[str, Any]) -> Markup:
        best = max(a["fraction"] for a in data["answers"])
        return escape("; ".join(a["text"] for a in data["answers"] if a["fraction"] == best))

    def response_text(self, data: dict[str, Any], response: dict[str, Any] | None) -> str:
        return str((response or {}).get("text") or "")


# --- numerical -----------------------------------------------------------------------------

class Numerical(QuestionType):
    kind = QuestionKind.NUMERICAL
    label = _l("Numerical")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = _dict(data, "data")
        answers = []
        for item, label in _items(data, "answers", lambda n: _("Answer %(n)d", n=n)):
            if item.get("value") in (None, ""):
                raise InvalidQuestion(_("%(label)s: the answer text is empty.", label=label))
            tolerance = _number(item.get("tolerance") or 0.0, label)
            if tolerance < 0:
                raise InvalidQuestion(_("%(label)s: the tolerance cannot be negative.", label=label))
            answers.append({"value": _number(item["value"], label), "tolerance": tolerance,
                            "fraction": _fraction(item.get("fraction"), label),
                            "feedback": _str(item.get("feedback"), label)})
        if not answers:
            raise InvalidQuestion(_("Give at least one accepted answer."))
        if not any(abs(a["fraction"] - 1.0) < _EPS for a in answers):
            raise InvalidQuestion(_("There is no correct answer: one answer must be worth 100%."))
        out = {"answers": answers}
        other = _str(data.get("other_feedback"), _("Feedback for any other answer"))
        if other:
            out["other_feedback"] = other  # Moodle's "*" answer: shown for a number matching none
        return out

    def response_feedback(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        hit = self._match(data, response)
        if hit is not None:
            return [hit["feedback"]] if hit.get("feedback") else []
        answered = bool((response or {}).get("value"))
        return [data["other_feedback"]] if answered and data.get("other_feedback") else []

    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        value = _response_dict(response).get("value")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise InvalidResponse(_("Enter a number, e.g. 3,14."))
            return {"value": repr(value)}
        text = _response_str(value, MAX_TEXT_RESPONSE)
        if text and parse_number(text) is None:
            raise InvalidResponse(_("Enter a number, e.g. 3,14."))
        return {"value": text}

    def _match(self, data: dict[str, Any], response: dict[str, Any] | None) -> dict[str, Any] | None:
        value = (response or {}).get("value")
        number = parse_number(value) if isinstance(value, str) else None
        if number is None:
            return None
        # A small relative slack so that 0.1 + 0.2 style binary rounding never costs a mark.
        hits = [a for a in data["answers"]
                if abs(number - a["value"]) <= a["tolerance"] + 1e-9 * max(1.0, abs(a["value"]))]
        return max(hits, key=lambda a: a["fraction"], default=None)

    grade = ShortAnswer.grade

    def public(self, data: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
        return {"kind": self.kind.value}

    def right_answer_html(self, data: dict[str, Any]) -> Markup:
        best = max(a["fraction"] for a in data["answers"])
        return escape("; ".join(format_number(a["value"]) + (f" ± {format_number(a['tolerance'])}"
                                                            if a["tolerance"] else "")
                                for a in data["answers"] if a["fraction"] == best))

    def response_text(self, data: dict[str, Any], response: dict[str, Any] | None) -> str:
        return str((response or {}).get("value") or "")
