"""A cadre's answers as a page posts them (with or without JavaScript), read into responses.

Field names: ``shown`` lists the question numbers on the page (so a cleared answer is saved
as cleared); ``q3`` carries question 3's value(s); ``q3-<prompt token>`` the answer chosen for that prompt.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from quizzes.bank.models import QuestionKind
from quizzes.tokens import Tokens


@dataclass
class FormAnswer:
    """The inputs of one question as a page posts them: ``q3`` values and ``q3-p1`` selects."""

    values: list[str] = field(default_factory=list)
    pairs: dict[str, str] = field(default_factory=dict)

    def to_response(self, kind: QuestionKind, tokens: Tokens) -> dict | None:
        """The response in its kind's shape, or None when nothing is given. Choices, prompts and
        answers arrive as the attempt's tokens (``quizzes.tokens``) and leave as bank ids."""
        first = next((v for v in self.values if v.strip()), None)
        if kind == QuestionKind.MULTIPLE:
            chosen = tokens.choices_in([v for v in self.values if v])
            return {"choices": chosen} if chosen else None
        if kind == QuestionKind.MATCHING:
            pairs = tokens.pairs_in({k: v for k, v in self.pairs.items() if v})
            return {"pairs": pairs} if pairs else None
        if first is None:
            return None
        if kind == QuestionKind.SINGLE:
            return {"choice": tokens.choices_in([first])[0]}
        if kind == QuestionKind.TRUEFALSE:
            return {"value": first}  # the type reads "true"/"false"
        if kind == QuestionKind.NUMERICAL:
            return {"value": first}
        return {"text": first}


MAX_FIELDS = 500
NOT_A_QUESTION = 10**6  # what a number longer than any attempt's reads as: "not part of this attempt"


def _number(raw: str) -> int | None:
    if not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw) if len(raw) <= 6 else NOT_A_QUESTION  # no 5,000-digit int, no driver overflow


def answers_from_form(form) -> dict[int, FormAnswer]:
    """Every question listed in ``shown`` gets an entry, so a cleared answer is saved as cleared."""
    answers: dict[int, FormAnswer] = {}
    for raw in form.getlist("shown")[:MAX_FIELDS]:
        if _number(raw) is not None:
            answers[_number(raw)] = FormAnswer()
    for key in list(form.keys())[:MAX_FIELDS]:
        if not key.startswith("q"):
            continue
        raw, _, prompt = key[1:].partition("-")
        number = _number(raw)
        if number is None:
            continue
        entry = answers.setdefault(number, FormAnswer())  # an answer to a question the page did not list too
        if prompt:
            entry.pairs[prompt] = form.get(key, "")
        else:
            entry.values.extend(form.getlist(key)[:MAX_FIELDS])
    return answers
