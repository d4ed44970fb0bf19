"""Essay and description: not graded automatically."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from quizzes.bank.models import QuestionKind
from quizzes.bank.types.base import MAX_ESSAY_RESPONSE, QuestionType, _dict, _response_dict, _response_str


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
