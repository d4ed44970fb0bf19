"""Matching: prompts paired with answers."""
from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from elearn.html import html_to_text
from quizzes.bank.models import QuestionKind
from quizzes.bank.types.base import (
    InvalidQuestion,
    InvalidResponse,
    QuestionType,
    _clamp,
    _dict,
    _has_content,
    _ids,
    _items,
    _ordered,
    _response_dict,
    _str,
)


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
