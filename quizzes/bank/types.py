"""Question types: one small strategy class per kind (CTFd's BaseChallenge, made plainer).

This module is the contract between the question bank, the import/export formats and
the attempts. Each kind defines the shape of ``QuestionVersion.data``, the shape of a
cadre's response, how to grade it, and what the browser may see before review.

Data shapes (``QuestionVersion.data``), ids are short strings stable within a version
(``validate`` assigns "a", "b", ... / "p1", "p2", ... where they are missing):

    single / multiple:
        {"choices": [{"id": "a", "html": "...", "fraction": 1.0, "feedback": "..."}, ...],
         "shuffle": true,
         "all_or_nothing": false}          # multiple only: false = partial credit by weights
        fraction: share of the points this choice earns, in [-1, 1] (negative = penalty).
        single: at least one choice has 1.0 (others may be partial).
        multiple: the positive fractions sum to 1.0 (± 0.01; partial credit is taken relative
        to their exact sum, so 3 x 33.33% earns full marks); all-or-nothing: the choices with a
        positive fraction are the correct set.
    truefalse:
        {"answer": true, "feedback_true": "...", "feedback_false": "..."}
        feedback_true is shown to whoever answered "true", feedback_false to "false".
    shortanswer:
        {"answers": [{"text": "Hồ Chí Minh", "fraction": 1.0, "feedback": "..."}],
         "case_sensitive": false, "accent_insensitive": false}
        text is plain text (NFC, spaces collapsed); at least one answer has 1.0. Matching
        always ignores surrounding and repeated spaces; no wildcards.
    numerical:
        {"answers": [{"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": "..."}]}
        a GIFT range {#1..5} is value 3, tolerance 2.
    matching:
        {"pairs": [{"id": "p1", "prompt": "...", "answer": "..."}], "shuffle": true}
        prompt and answer are HTML; a pair with an empty prompt is an extra wrong answer.
        The answer list is always shown shuffled; "shuffle" is kept for GIFT round trips.
    essay, description:
        {}

Response shapes (what an attempt stores for one question):

    single: {"choice": "a"}            multiple: {"choices": ["a", "c"]}
    truefalse: {"value": true}         shortanswer: {"text": "..."}
    numerical: {"value": "3,14"}       matching: {"pairs": {"p1": "p3", ...}}  (prompt id -> answer's pair id)
    essay: {"text": "..."}             description: {}

``grade`` returns a fraction in [0, 1] (negative totals clamp to 0); points = fraction x version.points.
``public`` returns {"kind": ..., ...}: single/multiple {"choices": [{"id", "html"}]}, matching
{"prompts": [{"id", "html"}], "answers": [{"id", "html"}]}, the others nothing more.
Texts in data are expected sanitized already (``quizzes.bank.services`` does it on save).
"""
from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from elearn.html import html_to_text
from elearn.text import normalize_spaces
from quizzes.bank.models import QuestionKind

MAX_CHOICES = 50
MAX_TEXT_RESPONSE = 1000       # short answer and numerical
MAX_ESSAY_RESPONSE = 50_000
MAX_HTML = 20_000              # one choice, answer, pair or feedback
_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
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
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


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


# --- single and multiple choice ------------------------------------------------------------

class SingleChoice(QuestionType):
    kind = QuestionKind.SINGLE
    label = _l("Single choice")

    def _choices(self, data: dict[str, Any], low: float) -> list[dict[str, Any]]:
        choices = []
        for item, label in _items(data, "choices", lambda n: _("Choice %(n)d", n=n)):
            html = _str(item.get("html"), label)
            if not _has_content(html):
                raise InvalidQuestion(_("%(label)s: the answer text is empty.", label=label))
            choices.append({"id": item.get("id"), "html": html,
                            "fraction": _fraction(item.get("fraction", 0.0), label, low),
                            "feedback": _str(item.get("feedback"), label)})
        if len(choices) < 2:
            raise InvalidQuestion(_("A choice question needs at least two choices."))
        _ids(choices, lambda n: _("Choice %(n)d", n=n), _letter)
        return choices

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = _dict(data, "data")
        choices = self._choices(data, low=-1.0)
        if not any(abs(c["fraction"] - 1.0) < _EPS for c in choices):
            raise InvalidQuestion(_("There is no correct choice: one choice must be worth 100%."))
        return {"choices": choices, "shuffle": bool(data.get("shuffle", True))}

    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        choice = _response_dict(response).get("choice")
        if choice is None or choice == "":
            return {"choice": None}
        if not isinstance(choice, str) or choice not in {c["id"] for c in data["choices"]}:
            raise InvalidResponse(_("The chosen answer is not one of this question's choices."))
        return {"choice": choice}

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> float:
        chosen = (response or {}).get("choice")
        return _clamp(next((c["fraction"] for c in data["choices"] if c["id"] == chosen), 0.0))

    def public(self, data: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
        return {"kind": self.kind.value,
                "choices": [{"id": c["id"], "html": c["html"]} for c in _ordered(data["choices"], order)]}

    def new_order(self, data: dict[str, Any], rng) -> list[str] | None:
        ids = [c["id"] for c in data["choices"]]
        if data.get("shuffle"):
            rng.shuffle(ids)
        return ids

    def choice_feedback(self, data: dict[str, Any]) -> dict[str, str]:
        return {c["id"]: c["feedback"] for c in data["choices"] if c.get("feedback")}

    def _chosen(self, response: dict[str, Any] | None) -> list[str]:
        chosen = (response or {}).get("choice")
        return [chosen] if chosen else []

    def response_feedback(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        chosen = set(self._chosen(response))
        return [c["feedback"] for c in data["choices"] if c["id"] in chosen and c.get("feedback")]

    def right_answer_html(self, data: dict[str, Any]) -> Markup:
        best = max(c["fraction"] for c in data["choices"])
        right = [c["html"] for c in data["choices"] if c["fraction"] > 0 and
                 (self.kind == QuestionKind.MULTIPLE or c["fraction"] == best)]
        return Markup("; ").join(Markup(h) for h in right)  # stored sanitized

    def response_text(self, data: dict[str, Any], response: dict[str, Any] | None) -> str:
        chosen = set(self._chosen(response))
        return "; ".join(html_to_text(c["html"]) for c in data["choices"] if c["id"] in chosen)


class MultipleChoice(SingleChoice):
    kind = QuestionKind.MULTIPLE
    label = _l("Multiple choice")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = _dict(data, "data")
        choices = self._choices(data, low=-1.0)
        positive = sum(c["fraction"] for c in choices if c["fraction"] > 0)
        if positive <= 0:
            raise InvalidQuestion(_("There is no correct choice: give at least one choice a positive weight."))
        if abs(positive - 1.0) > 0.01:
            total = format_number(round(positive * 100, 2))
            raise InvalidQuestion(_("The weights of the correct choices add up to %(sum)s%%, not 100%%.", sum=total))
        return {"choices": choices, "shuffle": bool(data.get("shuffle", True)),
                "all_or_nothing": bool(data.get("all_or_nothing", False))}

    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        chosen = _response_dict(response).get("choices") or []
        if not isinstance(chosen, list) or len(chosen) > len(data["choices"]):
            raise InvalidResponse(_("The answer is malformed."))
        known = [c["id"] for c in data["choices"]]
        if not all(isinstance(c, str) and c in known for c in chosen):
            raise InvalidResponse(_("The chosen answer is not one of this question's choices."))
        return {"choices": [i for i in known if i in chosen]}  # data order, no duplicates

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> float:
        chosen = set((response or {}).get("choices") or [])
        if not chosen:
            return 0.0
        choices = data["choices"]
        if data.get("all_or_nothing"):
            return 1.0 if chosen == {c["id"] for c in choices if c["fraction"] > 0} else 0.0
        positive = sum(c["fraction"] for c in choices if c["fraction"] > 0)
        return _clamp(sum(c["fraction"] for c in choices if c["id"] in chosen) / positive)

    def _chosen(self, response: dict[str, Any] | None) -> list[str]:
        return list((response or {}).get("choices") or [])


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


class ShortAnswer(QuestionType):
    kind = QuestionKind.SHORTANSWER
    label = _l("Short answer")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = _dict(data, "data")
        case, accents = bool(data.get("case_sensitive", False)), bool(data.get("accent_insensitive", False))
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
        return {"answers": answers, "case_sensitive": case, "accent_insensitive": accents}

    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        return {"text": normalize_spaces(_response_str(_response_dict(response).get("text"), MAX_TEXT_RESPONSE))}

    def _match(self, data: dict[str, Any], response: dict[str, Any] | None) -> dict[str, Any] | None:
        text = (response or {}).get("text")
        if not isinstance(text, str) or not text.strip():
            return None
        case, accents = data.get("case_sensitive", False), data.get("accent_insensitive", False)
        key = answer_key(text, case, accents)
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
        return {"answers": answers}

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
    response_feedback = ShortAnswer.response_feedback

    def public(self, data: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
        return {"kind": self.kind.value}

    def right_answer_html(self, data: dict[str, Any]) -> Markup:
        best = max(a["fraction"] for a in data["answers"])
        return escape("; ".join(format_number(a["value"]) + (f" ± {format_number(a['tolerance'])}"
                                                            if a["tolerance"] else "")
                                for a in data["answers"] if a["fraction"] == best))

    def response_text(self, data: dict[str, Any], response: dict[str, Any] | None) -> str:
        return str((response or {}).get("value") or "")


def format_number(value: float) -> str:
    """3.14 -> '3,14' (Vietnamese decimal comma), exact enough to read back the same float."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)).replace(".", ",")


# --- matching ------------------------------------------------------------------------------

class Matching(QuestionType):
    kind = QuestionKind.MATCHING
    label = _l("Matching")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data = _dict(data, "data")
        pairs = []
        for item, label in _items(data, "pairs", lambda n: _("Pair %(n)d", n=n)):
            prompt, answer = _str(item.get("prompt"), label), _str(item.get("answer"), label)
            if not _has_content(answer):
                raise InvalidQuestion(_("%(label)s: the answer text is empty.", label=label))
            pairs.append({"id": item.get("id"), "prompt": prompt if _has_content(prompt) else "",
                          "answer": answer})
        _ids(pairs, lambda n: _("Pair %(n)d", n=n), lambda i: f"p{i + 1}")
        if sum(1 for p in pairs if p["prompt"]) < 2:
            raise InvalidQuestion(_("A matching question needs at least two pairs."))
        return {"pairs": pairs, "shuffle": bool(data.get("shuffle", True))}

    def _answers(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """One entry per distinct answer (the first pair carrying it gives the id)."""
        seen, answers = set(), []
        for pair in data["pairs"]:
            if pair["answer"] not in seen:
                seen.add(pair["answer"])
                answers.append({"id": pair["id"], "html": pair["answer"]})
        return answers

    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        given = _response_dict(response).get("pairs") or {}
        if not isinstance(given, dict):
            raise InvalidResponse(_("The answer is malformed."))
        prompts = {p["id"] for p in data["pairs"] if p["prompt"]}
        answers = {a["id"] for a in self._answers(data)}
        cleaned = {}
        for prompt, answer in given.items():
            if prompt not in prompts:
                raise InvalidResponse(_("The chosen answer is not one of this question's choices."))
            if answer in (None, ""):
                continue
            if not isinstance(answer, str) or answer not in answers:
                raise InvalidResponse(_("The chosen answer is not one of this question's choices."))
            cleaned[prompt] = answer
        return {"pairs": cleaned}

    def _right(self, data: dict[str, Any], response: dict[str, Any] | None) -> tuple[int, int]:
        given = (response or {}).get("pairs") or {}
        by_id = {p["id"]: p for p in data["pairs"]}
        prompts = [p for p in data["pairs"] if p["prompt"]]
        right = 0
        for pair in prompts:
            chosen = given.get(pair["id"])
            chosen = by_id.get(chosen) if isinstance(chosen, str) else None
            # Compared by answer, not id: two prompts may share one answer.
            if chosen is not None and chosen["answer"] == pair["answer"]:
                right += 1
        return right, len(prompts)

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> float:
        right, total = self._right(data, response)
        return _clamp(right / total) if total else 0.0

    def public(self, data: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
        answers = self._answers(data)
        if not order:  # never in pair order (nor sorted: years would line up with their prompts)
            answers.sort(key=lambda a: hashlib.sha256(a["html"].encode()).hexdigest())
        return {"kind": self.kind.value,
                "prompts": [{"id": p["id"], "html": p["prompt"]} for p in data["pairs"] if p["prompt"]],
                "answers": _ordered(answers, order)}

    def new_order(self, data: dict[str, Any], rng) -> list[str] | None:
        ids = [a["id"] for a in self._answers(data)]
        rng.shuffle(ids)
        return ids

    def right_answer_html(self, data: dict[str, Any]) -> Markup:
        return Markup("; ").join(Markup(f"{p['prompt']} → {p['answer']}") for p in data["pairs"] if p["prompt"])

    def response_text(self, data: dict[str, Any], response: dict[str, Any] | None) -> str:
        given = (response or {}).get("pairs") or {}
        by_id = {p["id"]: p for p in data["pairs"]}
        return "; ".join(f"{html_to_text(p['prompt'])} → {html_to_text(by_id[given[p['id']]]['answer'])}"
                         for p in data["pairs"] if p["prompt"] and given.get(p["id"]) in by_id)


# --- essay and description (not graded automatically) --------------------------------------

class Essay(QuestionType):
    kind = QuestionKind.ESSAY
    label = _l("Essay")
    auto_graded = False

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        _dict(data, "data")
        return {}

    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        return {"text": _response_str(_response_dict(response).get("text"), MAX_ESSAY_RESPONSE)}

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> float:
        return 0.0  # a trainer grades it by hand

    def public(self, data: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
        return {"kind": self.kind.value}

    def response_text(self, data: dict[str, Any], response: dict[str, Any] | None) -> str:
        return str((response or {}).get("text") or "")


class Description(Essay):
    kind = QuestionKind.DESCRIPTION
    label = _l("Description (text only)")

    def clean_response(self, data: dict[str, Any], response: Any) -> dict[str, Any]:
        _response_dict(response)
        return {}

    def response_text(self, data: dict[str, Any], response: dict[str, Any] | None) -> str:
        return ""


TYPES: dict[QuestionKind, QuestionType] = {
    cls.kind: cls() for cls in (SingleChoice, MultipleChoice, TrueFalse, ShortAnswer, Numerical, Matching,
                                Essay, Description)
}


def get_type(kind: QuestionKind | str) -> QuestionType:
    return TYPES[QuestionKind(kind)]
