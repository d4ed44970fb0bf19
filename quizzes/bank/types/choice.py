"""Single and multiple choice."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from elearn.html import html_to_text
from quizzes.bank.models import QuestionKind
from quizzes.bank.types.base import (
    _EPS,
    InvalidQuestion,
    InvalidResponse,
    QuestionType,
    _clamp,
    _dict,
    _fraction,
    _has_content,
    _ids,
    _items,
    _letter,
    _ordered,
    _response_dict,
    _str,
    format_number,
)


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
