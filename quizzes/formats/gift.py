"""Moodle GIFT import, as Moodle's own qformat_gift reads it: the file and its blocks.

Questions are separated by blank lines; ``//`` lines are comments; ``$CATEGORY: a/b`` switches
category (``$course$/top/`` prefixes are dropped, ``//`` in a path is a literal slash). Each block's
question (its ``::title::``, text, escapes and answer block, which decides its kind) is read by
``quizzes.formats.gift_question``, which documents those rules.

Our own exports add comment lines that Moodle ignores: ``// [tag:x]`` (as newer Moodle
writes), ``// [points:2]`` and ``// [options:...]``, so that a round trip keeps them.
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from quizzes.bank.models import QuestionKind
from quizzes.formats.common import ErrorList, FormatError, ParsedQuestion, check_count, decode, parse_float
from quizzes.formats.gift_question import protect_escapes, read_question, unescape

OPTIONS = ("case_sensitive", "accent_insensitive", "all_or_nothing", "no_shuffle")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")  # as Moodle reads it: \] inside a tag
_POINTS = re.compile(r"\[points:([^\]]*)\]")
_OPTIONS = re.compile(r"\[options:([^\]]*)\]")
_CATEGORY_PREFIX = re.compile(r"^\$[a-z]+\$/?")


def category_path(raw: str) -> tuple[str, ...]:
    """'$course$/top/Chương 1/Bài 2' -> ('Chương 1', 'Bài 2'); '//' is a slash inside a name."""
    raw = _CATEGORY_PREFIX.sub("", unescape(raw).strip())
    parts = [p.replace("\ue02f", "/").strip() for p in raw.replace("//", "\ue02f").split("/")]
    parts = [p for p in parts if p]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return tuple(parts)


def parse_gift(content: bytes | str) -> list[ParsedQuestion]:
    """Every question of a GIFT file, or FormatError listing every bad question with its line."""
    lines = decode(content).split("\n")
    errors = ErrorList()
    questions: list[ParsedQuestion] = []
    category: tuple[str, ...] = ()
    block: list[str] = []
    start = 1
    for number, line in enumerate(lines + [""], start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
            continue
        if block:
            category = _read_block(block, start, category, questions, errors)
            check_count(questions, number)
            block = []
    errors.raise_if_any(questions)
    return questions


def _read_block(block: list[str], start: int, category: tuple[str, ...], questions: list[ParsedQuestion],
                errors: ErrorList) -> tuple[str, ...]:
    meta: dict[str, Any] = {"tags": [], "points": None, "options": set()}
    kept = []
    for offset, raw in enumerate(block):
        line = raw.strip()
        if line.startswith("//"):
            _read_comment(line, start + offset, meta, errors)
            raw = ""
        kept.append(raw)  # indentation kept, as Moodle keeps it (a <pre> block in [html] text needs it)
    text = protect_escapes("\n".join(kept))
    base = start + text[:len(text) - len(text.lstrip())].count("\n")
    text = text.strip()
    if not text:
        return category
    if text.startswith("$CATEGORY:"):
        head, _sep, rest = text.partition("\n")
        category = category_path(head[len("$CATEGORY:"):])
        if not rest.strip():
            return category
        base += 1 + rest[:len(rest) - len(rest.lstrip())].count("\n")
        text = rest.strip()
    try:
        question = read_question(text, base)
    except FormatError as error:
        for e in error.errors:
            errors.add(e.line, e.message)
        return category
    question.category = category
    question.tags = meta["tags"]
    if meta["points"] is not None:
        question.points = meta["points"]
    _apply_options(question, meta["options"])
    questions.append(question)
    return category


def _read_comment(line: str, number: int, meta: dict[str, Any], errors: ErrorList) -> None:
    for raw in _TAG.findall(line):
        tag = raw.replace("\\]", "]").strip().lower()
        if tag and tag not in meta["tags"]:
            meta["tags"].append(tag)
    for value in _POINTS.findall(line):
        points = parse_float(value)
        if points is None or points < 0:
            errors.add(number, _("The points must be a number of zero or more."))
        else:
            meta["points"] = points
    for value in _OPTIONS.findall(line):
        meta["options"].update(o.strip() for o in value.split(",") if o.strip() in OPTIONS)


def _apply_options(question: ParsedQuestion, options: set[str]) -> None:
    data = question.data
    if question.kind == QuestionKind.SHORTANSWER:
        data["case_sensitive"] = "case_sensitive" in options
        data["accent_insensitive"] = "accent_insensitive" in options
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.MATCHING):
        data["shuffle"] = "no_shuffle" not in options
    if question.kind == QuestionKind.MULTIPLE:
        data["all_or_nothing"] = "all_or_nothing" in options
