"""Question types: one small strategy class per kind (CTFd's BaseChallenge, made plainer).

This module is the contract between the question bank, the import/export formats and
the attempts. Each kind defines the shape of ``QuestionVersion.data``, the shape of a
cadre's response, how to grade it, and what the browser may see before review.

Data shapes (``QuestionVersion.data``), ids are short strings stable within a version:

    single / multiple:
        {"choices": [{"id": "a", "html": "...", "fraction": 1.0, "feedback": "..."}, ...],
         "shuffle": true,
         "all_or_nothing": false}          # multiple only: false = partial credit by weights
        fraction: share of the points this choice earns (multiple: weights of correct choices
        sum to 1.0; negative = penalty); single: exactly one choice has 1.0 (others may be partial).
    truefalse:
        {"answer": true, "feedback_true": "...", "feedback_false": "..."}
    shortanswer:
        {"answers": [{"text": "Hồ Chí Minh", "fraction": 1.0, "feedback": "..."}],
         "case_sensitive": false, "accent_insensitive": false}
        matching always ignores surrounding and repeated spaces.
    numerical:
        {"answers": [{"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": "..."}]}
    matching:
        {"pairs": [{"id": "p1", "prompt": "...", "answer": "..."}], "shuffle": true}
    essay, description:
        {}

Response shapes (what an attempt stores for one question):

    single: {"choice": "a"}            multiple: {"choices": ["a", "c"]}
    truefalse: {"value": true}         shortanswer: {"text": "..."}
    numerical: {"value": "3,14"}       matching: {"pairs": {"p1": "p3", ...}}  (prompt id -> answer's pair id)

``grade`` returns a fraction in [0, 1] (negative totals clamp to 0); points = fraction x version.points.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from quizzes.bank.models import QuestionKind


class InvalidQuestion(ValueError):
    """The question data does not fit its kind; the message is shown to the author."""


class InvalidResponse(ValueError):
    """A response that does not fit the question (unknown choice id, wrong shape)."""


class QuestionType(ABC):
    kind: ClassVar[QuestionKind]
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


TYPES: dict[QuestionKind, QuestionType] = {}


def get_type(kind: QuestionKind | str) -> QuestionType:
    return TYPES[QuestionKind(kind)]
