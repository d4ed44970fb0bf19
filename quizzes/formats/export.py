"""GIFT export, written so that ``parse_gift`` (and Moodle) read back the same questions.

Texts are stored as HTML, so each question is written ``[html]``; answers and feedback
inherit that format. Points, tags and options that GIFT has no syntax for go into comment
lines Moodle ignores (see ``quizzes.formats.gift``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from quizzes.bank.models import QuestionKind
from quizzes.formats.common import ParsedQuestion

_RESERVED = str.maketrans({"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}",
                           ":": "\\:", "\n": "\\n", "\r": ""})
_FORMAT_MARKERS = ("[html]", "[moodle]", "[markdown]", "[plain]")


def escape(text: str) -> str:
    return (text or "").translate(_RESERVED)


def _field(html: str) -> str:
    """An HTML field inside a [html] question; a text that itself starts with a format marker
    gets an explicit one, so the reader does not take its text for the marker."""
    text = escape(html)
    return "[html]" + text if text.startswith("[") else text


def _plain(text: str) -> str:
    text = escape(text)
    return "[plain]" + text if text.startswith(_FORMAT_MARKERS) else text


def _tag(tag: str) -> str:
    """A tag as Moodle writes it (\\] for ]); characters a tag cannot hold are dropped."""
    return re.sub(r"[<>\x00-\x1f]", "", tag).strip().replace("]", "\\]")


def _number(value: float) -> str:
    return repr(float(value))


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.12g}"


def _category(path: tuple[str, ...]) -> str:
    return "/".join(part.replace("/", "//") for part in path)


def write_gift(questions: Iterable[ParsedQuestion]) -> str:
    out: list[str] = []
    category: tuple[str, ...] | None = ()
    for question in questions:
        if tuple(question.category) != category:
            category = tuple(question.category)
            out.append(f"$CATEGORY: {escape(_category(category))}\n")
        out.append(write_question(question))
    return "\n".join(out)


def write_question(q: ParsedQuestion) -> str:
    lines = [f"// [tag:{_tag(tag)}]" for tag in q.tags if _tag(tag)]
    if q.points != (0.0 if q.kind == QuestionKind.DESCRIPTION else 1.0):
        lines.append(f"// [points:{_number(q.points)}]")
    options = _options(q.kind, q.data)
    if options:
        lines.append(f"// [options:{','.join(options)}]")
    head = (f"::{escape(q.name)}::" if q.name else "") + "[html]" + escape(q.text_html)
    if q.kind == QuestionKind.DESCRIPTION:
        lines.append(head)
        return "\n".join(lines) + "\n"
    body = _BODY[q.kind](q.data)
    general = f"####{_field(q.general_feedback_html)}" if q.general_feedback_html else ""
    if q.kind in (QuestionKind.ESSAY, QuestionKind.TRUEFALSE):
        lines.append(head + "{" + body + general + "}")
    else:
        lines.append(head + "{")
        lines += ["\t" + item for item in body]
        if general:
            lines.append("\t" + general)
        lines.append("}")
    return "\n".join(lines) + "\n"


def _options(kind: QuestionKind, data: dict[str, Any]) -> list[str]:
    options = [key for key in ("case_sensitive", "accent_insensitive", "all_or_nothing") if data.get(key)]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.MATCHING) and not data.get("shuffle", True):
        options.append("no_shuffle")
    return options


def _feedback(html: str) -> str:
    return f"#{_field(html)}" if html else ""


def _choices(single: bool):
    def body(data: dict[str, Any]) -> list[str]:
        items, marked = [], False
        for choice in data["choices"]:
            fraction = float(choice["fraction"])
            if single and fraction == 1.0 and not marked:
                prefix, marked = "=", True  # the '=' is what makes a single-choice question
            elif fraction == 0:
                prefix = "~"
            else:
                prefix = f"~%{_percent(fraction)}%"
            if prefix == "~" and choice["html"].startswith("%"):
                prefix = "~%0%"  # else a text "%50%..." would be read as a weight (by Moodle too)
            items.append(prefix + _field(choice["html"]) + _feedback(choice.get("feedback", "")))
        return items
    return body


def _truefalse(data: dict[str, Any]) -> str:
    value = bool(data["answer"])
    right = data.get("feedback_true" if value else "feedback_false") or ""
    wrong = data.get("feedback_false" if value else "feedback_true") or ""
    text = "TRUE" if value else "FALSE"
    if wrong or right:
        text += "#" + _field(wrong)
    if right:
        text += "#" + _field(right)
    return text


def _shortanswer(data: dict[str, Any]) -> list[str]:
    def text(answer: str) -> str:  # without wildcards a star is a star: written \* (as Moodle reads it)
        return _plain(answer) if data.get("wildcards") else _plain(answer).replace("*", "\\*")
    return [f"=%{_percent(a['fraction'])}%{text(a['text'])}{_feedback(a.get('feedback', ''))}"
            for a in data["answers"]]


def _numerical(data: dict[str, Any]) -> list[str]:
    lines = [f"=%{_percent(a['fraction'])}%{_number(a['value'])}:{_number(a.get('tolerance') or 0)}"
             f"{_feedback(a.get('feedback', ''))}" for a in data["answers"]]
    return lines + ([f"~{_feedback(data['other_feedback'])}"] if data.get("other_feedback") else [])


def _matching(data: dict[str, Any]) -> list[str]:
    return [f"={_field(p['prompt'])} -> {_field(p['answer'])}" for p in data["pairs"]]


_BODY = {
    QuestionKind.SINGLE: _choices(True),
    QuestionKind.MULTIPLE: _choices(False),
    QuestionKind.TRUEFALSE: _truefalse,
    QuestionKind.SHORTANSWER: _shortanswer,
    QuestionKind.NUMERICAL: lambda data: ["#"] + _numerical(data),
    QuestionKind.MATCHING: _matching,
    QuestionKind.ESSAY: lambda data: "",
}
