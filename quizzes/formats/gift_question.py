"""One GIFT question, once the file has found its block (``quizzes.formats.gift``): its ``::title::``,
its text and the answer block ``{ ... }`` that decides its kind, with each kind's answers, weights
and feedback, and GIFT's text rules that every piece of text goes through.

Answer block: ``{=right ~wrong}`` single choice; ``{~%50%a ~%50%b ~%-25%c}`` multiple choice
(no ``=``); ``#feedback`` after an answer; ``####general feedback`` last; ``{T}``/``{TRUE}``/
``{F}``/``{FALSE}`` with ``#wrong#right`` feedback; ``{=a =%50%b}`` short answer;
``{#3.14:0.01}``, ``{#1..5}``, ``{#=%100%3:0 =%50%3:1}`` numerical (``~#text``: feedback for any
other answer); in short answers ``*`` is Moodle's wildcard (``=%0%*#text``: any other answer); ``{=a -> b =c -> d}``
matching; ``{}`` essay; no braces at all: description. Text after the block makes a
missing-word question: the block becomes a blank ``_____`` in the text. ``[html]``, ``[moodle]``,
``[markdown]``, ``[plain]`` give a text's format (answers and feedback default to the question
text's); ``\\~ \\= \\# \\{ \\} \\: \\n \\\\`` are escapes, any other backslash stays as written
(Moodle keeps it too, and TeX such as ``\\(x\\)`` needs it).

A room of its own because a question's rules are about its kinds, not about the file: which block
makes which kind, how pieces split with their own line numbers (so an error points at its answer),
and the checks of each kind; the file's blank lines, comments, ``$CATEGORY`` and our own
``[points:]``/``[options:]`` lines stay in ``gift``. Moodle XML shares the short answers' wildcard
rule (``shortanswer_data``).
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from quizzes.bank.models import QuestionKind
from quizzes.bank.types import MAX_CHOICES
from quizzes.bank.types.answers import has_wildcard
from quizzes.formats.common import FormatError, LineError, ParsedQuestion, default_name, parse_float, text_to_html

BLANK = "_____"
FORMATS = ("html", "moodle", "markdown", "plain")
# Escaped characters become private-use placeholders while the structure is parsed.
_ESCAPES = {":": "\ue03a", "#": "\ue023", "=": "\ue03d", "{": "\ue07b", "}": "\ue07d", "~": "\ue07e",
            "n": "\ue00a"}
_UNESCAPE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()})
_ESCAPE_RE = re.compile(r"\\(\\|[:#=~{}n])")
_WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")


def protect_escapes(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: "\\" if m.group(1) == "\\" else _ESCAPES[m.group(1)], text)


def unescape(text: str) -> str:
    return text.translate(_UNESCAPE)


def _split_format(text: str, default: str) -> tuple[str, str]:
    """A leading [format] marker, as Moodle's parse_text_with_format reads it."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in FORMATS:
            return text[end + 1:], text[1:end]
    return text, default


def _html(text: str, default: str) -> str:
    raw, fmt = _split_format(text, default)
    return text_to_html(unescape(raw), fmt)


def _plain(text: str, default: str) -> str:
    return unescape(_split_format(text, default)[0]).strip()



def read_question(text: str, line: int) -> ParsedQuestion:
    """One question block (escapes already replaced by placeholders)."""
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise FormatError([LineError(line, _("The question title is not closed: write ::title:: ."))])
        name = unescape(text[2:end]).strip()
        text = text[end + 2:].strip()
    open_at, close_at = text.find("{"), text.find("}")
    if open_at < 0 and close_at < 0:
        text_html = _html(text, "moodle")
        if not text_html:
            raise FormatError([LineError(line, _("The question has no text."))])
        return ParsedQuestion(QuestionKind.DESCRIPTION, text_html, {}, line, name or default_name(text_html),
                              points=0.0)
    if open_at < 0 or close_at < 0 or close_at < open_at:
        raise FormatError([LineError(line, _("A brace is not closed or not opened: each answer block is "
                                             "{ ... }. Write \\{ or \\} for a brace in the text."))])
    if "{" in text[open_at + 1:close_at] or "{" in text[close_at + 1:] or "}" in text[close_at + 1:]:
        raise FormatError([LineError(line, _("A question may have only one answer block { ... }. Write \\{ or "
                                             "\\} for a brace in the text."))])
    inner = text[open_at + 1:close_at]
    answer_line = line + text.count("\n", 0, open_at) + inner[:len(inner) - len(inner.lstrip())].count("\n")
    answers = inner.strip()
    after = text[close_at + 1:].strip()
    question_text = text[:open_at] + BLANK + text[close_at + 1:] if after else text[:open_at]
    raw_text, fmt = _split_format(question_text, "moodle")
    text_html = text_to_html(unescape(raw_text), fmt)
    if not text_html:
        raise FormatError([LineError(line, _("The question has no text."))])
    general = ""
    separator = answers.rfind("####")
    if separator >= 0:
        general = _html(answers[separator + 4:], fmt)
        answers = answers[:separator].strip()
    kind, data = _read_answers(answers, fmt, answer_line)
    return ParsedQuestion(kind, text_html, data, line, name or default_name(text_html),
                          general_feedback_html=general)


def _read_answers(answers: str, fmt: str, line: int) -> tuple[QuestionKind, dict[str, Any]]:
    if answers == "":
        return QuestionKind.ESSAY, {}
    if answers.startswith("#"):
        return QuestionKind.NUMERICAL, _numerical(answers[1:], fmt, line)
    if "~" in answers:
        kind = QuestionKind.SINGLE if "=" in answers else QuestionKind.MULTIPLE
        return kind, _choices(answers, fmt, line)
    if "=" in answers and "->" in answers:
        return QuestionKind.MATCHING, _matching(answers, fmt, line)
    head = answers.split("#", 1)[0].strip() if answers.find("#") > 0 else answers
    if head in ("T", "TRUE", "F", "FALSE"):
        return QuestionKind.TRUEFALSE, _truefalse(answers, fmt)
    return QuestionKind.SHORTANSWER, _shortanswer(answers, fmt, line)


def _pieces(answers: str, separator: str, line: int) -> list[tuple[str, int]]:
    """Split an answer block, keeping each piece's line; an empty first piece is dropped."""
    parts = answers.split(separator)
    if len(parts) > MAX_CHOICES + 1:  # refused before any text is converted
        raise FormatError([LineError(line, _("A question may have at most %(n)d choices or answers.",
                                             n=MAX_CHOICES))])
    pieces = []
    for piece in parts:
        pieces.append((piece.strip(), line))  # the line of the marker that starts the piece
        line += piece.count("\n")  # running, so a huge block stays linear
    if pieces and not pieces[0][0]:
        pieces.pop(0)
    return pieces


def _weight(answer: str, default: float, line: int) -> tuple[float, str]:
    match = _WEIGHT.match(answer)
    if not match:
        return default, answer
    value = parse_float(match.group(1))
    if value is None:
        raise FormatError([LineError(line, _("The weight %(w)s is not a number.", w=match.group(0)))])
    return round(value / 100, 7), answer[match.end():]


def _choices(answers: str, fmt: str, line: int) -> dict[str, Any]:
    pieces = _pieces(answers.replace("=", "~="), "~", line)
    if len(pieces) < 2:
        raise FormatError([LineError(line, _("A choice question needs at least two choices."))])
    choices, errors = [], []
    for index, (piece, piece_line) in enumerate(pieces):
        try:
            # '=' is 100% with no weight after it (Moodle reads "=%50%x" as the text "%50%x")
            fraction, rest = (1.0, piece[1:]) if piece.startswith("=") else _weight(piece, 0.0, piece_line)
        except FormatError as error:
            errors += error.errors
            continue
        text, _sep, feedback = rest.partition("#")
        html = _html(text, fmt)
        if not html:
            errors.append(LineError(piece_line, _("Choice %(n)d is empty.", n=index + 1)))
        choices.append({"id": _letter(index), "html": html, "fraction": fraction,
                        "feedback": _html(feedback, fmt)})
    if errors:
        raise FormatError(errors)
    return {"choices": choices, "shuffle": True, "all_or_nothing": False}


def _letter(index: int) -> str:
    return chr(ord("a") + index) if index < 26 else f"c{index + 1}"


def _matching(answers: str, fmt: str, line: int) -> dict[str, Any]:
    pieces = _pieces(answers, "=", line)
    if len(pieces) < 2:
        raise FormatError([LineError(line, _("A matching question needs at least two pairs."))])
    pairs, errors = [], []
    for index, (piece, piece_line) in enumerate(pieces):
        prompt, arrow, answer = piece.partition("->")
        if not arrow:
            errors.append(LineError(piece_line, _("Pair %(n)d has no '->': write =question -> answer.",
                                                  n=index + 1)))
            continue
        answer_html = _html(answer, fmt)
        if not answer_html:
            errors.append(LineError(piece_line, _("Pair %(n)d has an empty answer.", n=index + 1)))
        pairs.append({"id": f"p{index + 1}", "prompt": _html(prompt, fmt), "answer": answer_html})
    if errors:
        raise FormatError(errors)
    return {"pairs": pairs, "shuffle": True}


def _truefalse(answers: str, fmt: str) -> dict[str, Any]:
    bits = answers.split("#", 2) + ["", ""]
    value = bits[0].strip() in ("T", "TRUE")
    wrong, right = _html(bits[1], fmt), _html(bits[2], fmt)
    return {"answer": value, "feedback_true": right if value else wrong,
            "feedback_false": wrong if value else right}


def _accepted(answers: str, fmt: str, line: int, errors: list[LineError]):
    """The "=answer#feedback" pieces of a short-answer or numerical question, each with its weight
    (100 % unless "%n%" says otherwise) and its text as plain text; a bad weight goes to ``errors``."""
    for index, (piece, piece_line) in enumerate(_pieces(answers, "=", line)):
        try:
            fraction, rest = _weight(piece, 1.0, piece_line)
        except FormatError as error:
            errors += error.errors
            continue
        text, _sep, feedback = rest.partition("#")
        yield index, piece_line, fraction, _plain(text, fmt), feedback


def _shortanswer(answers: str, fmt: str, line: int) -> dict[str, Any]:
    result, errors = [], []
    for index, piece_line, fraction, text, feedback in _accepted(answers, fmt, line, errors):
        if not text:
            errors.append(LineError(piece_line, _("Answer %(n)d is empty.", n=index + 1)))
        result.append({"text": text, "fraction": fraction, "feedback": _html(feedback, fmt)})
    if not result and not errors:
        errors.append(LineError(line, _("Give at least one accepted answer.")))
    if errors:
        raise FormatError(errors)
    return shortanswer_data(result)


def shortanswer_data(answers: list[dict[str, Any]]) -> dict[str, Any]:
    """Moodle's short answers: '*' is a wildcard (a lone '*' worth 0% catches any other answer) and
    '\\*' a star; a question with no wildcard keeps its stars as plain text."""
    data: dict[str, Any] = {"answers": answers, "case_sensitive": False, "accent_insensitive": False}
    if any(has_wildcard(a["text"]) for a in answers):
        data["wildcards"] = True
    else:
        for answer in answers:
            answer["text"] = answer["text"].replace("\\*", "*")
    return data


def _numerical(answers: str, fmt: str, line: int) -> dict[str, Any]:
    # "~#text" is feedback for any other answer (Moodle keeps it as a "*" answer worth 0).
    answers, _tilde, other = answers.partition("~")
    other = other.strip()
    if other and not other.startswith("#"):
        raise FormatError([LineError(line, _("In a numerical question, '~' may only start the feedback for any "
                                             "other answer (~#...)."))])
    result, errors = [], []
    for index, piece_line, fraction, text, feedback in _accepted(answers, fmt, line, errors):
        if text.find("..") > 0:
            low, high = (parse_float(t) for t in text.split("..", 1))
            value = None if low is None or high is None else (low + high) / 2
            tolerance = None if value is None else abs(high - value)
        elif text.find(":") > 0:
            value_text, tolerance_text = text.split(":", 1)
            value, tolerance = parse_float(value_text), parse_float(tolerance_text)
        else:
            value, tolerance = parse_float(text), 0.0
        if value is None or tolerance is None:
            errors.append(LineError(piece_line, _("Answer %(n)d is not a number (write 3.14, 3.14:0.01 or 1..5).",
                                                  n=index + 1)))
            continue
        result.append({"value": value, "tolerance": tolerance, "fraction": fraction,
                       "feedback": _html(feedback, fmt)})
    if not result and not errors:
        errors.append(LineError(line, _("Give at least one accepted answer.")))
    if errors:
        raise FormatError(errors)
    out = {"answers": result}
    if other[1:].strip():
        out["other_feedback"] = _html(other[1:], fmt)
    return out
