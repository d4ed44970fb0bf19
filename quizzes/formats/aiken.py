"""Aiken import: single-choice questions in plain text, as Moodle's qformat_aiken reads them.

    Thủ đô của Việt Nam là?          question text (one or more lines)
    A. Hà Nội                        choices: a capital letter, '.' or ')', a space, the text
    B) Huế
    ANSWER: A                        the right letter ("Đáp án: A" is accepted too)

Everything is plain text (no HTML, no feedback). Blank lines between questions are optional.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _

from quizzes.bank.models import QuestionKind
from quizzes.formats.common import ErrorList, ParsedQuestion, check_count, decode, default_name, plain_html

_CHOICE = re.compile(r"^([A-Z])[.)][ \t]*(.*)$")  # "A)Correct" too, as Moodle reads it
_ANSWER = re.compile(r"^(?:ANSWER|ĐÁP ÁN|Đáp án)\s*:\s*(.*)$")


def parse_aiken(content: bytes | str) -> list[ParsedQuestion]:
    errors = ErrorList()
    questions: list[ParsedQuestion] = []
    text_lines: list[str] = []
    choices: list[str] = []
    start = 0

    def reset():
        text_lines.clear()
        choices.clear()

    for number, raw in enumerate(decode(content).split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        choice, answer = _CHOICE.match(line), _ANSWER.match(line)
        if answer:
            if not text_lines:
                errors.add(number, _("ANSWER line without a question before it."))
            elif len(choices) < 2:
                errors.add(number, _("The question needs at least two choices (A. ..., B. ...)."))
            else:
                letter = answer.group(1).strip()[:1].upper()
                index = ord(letter) - ord("A") if letter else -1
                if not 0 <= index < len(choices):
                    errors.add(number, _("The answer %(letter)s is not one of the choices A to %(last)s.",
                                         letter=answer.group(1).strip() or "?", last=chr(ord("A") + len(choices) - 1)))
                else:
                    questions.append(_question(text_lines, choices, index, start))
                    check_count(questions, number)
            reset()
        elif choice:
            if not text_lines:
                errors.add(number, _("A choice comes before any question text."))
                continue
            expected = chr(ord("A") + len(choices))
            if choice.group(1) != expected:
                errors.add(number, _("Choice %(letter)s is out of order: %(expected)s was expected.",
                                     letter=choice.group(1), expected=expected))
            elif not choice.group(2).strip():
                errors.add(number, _("Choice %(letter)s is empty.", letter=choice.group(1)))
            choices.append(choice.group(2).strip())
        else:
            if choices:  # text after the choices: the ANSWER line is missing (on this line, as Moodle says)
                errors.add(number, _("The question on line %(start)d has no ANSWER line before the next "
                                     "question starts here.", start=start))
                reset()
            if not text_lines:
                start = number
            text_lines.append(line)
    if text_lines:
        errors.add(start, _("The question has no ANSWER line."))
    errors.raise_if_any(questions)
    return questions


def _question(text_lines: list[str], choices: list[str], right: int, line: int) -> ParsedQuestion:
    text_html = plain_html("\n".join(text_lines))
    data = {"choices": [{"id": chr(ord("a") + i), "html": plain_html(c), "fraction": 1.0 if i == right else 0.0,
                         "feedback": ""} for i, c in enumerate(choices)], "shuffle": True}
    return ParsedQuestion(QuestionKind.SINGLE, text_html, data, line, default_name(text_html))
