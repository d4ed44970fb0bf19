"""Moodle XML (``<quiz>`` of ``<question type=…>``), the format most Moodle banks are exported in.

Read as Moodle's own importer (question/format/xml/format.php) reads it, for the kinds elearn
has: multichoice (one or several right), truefalse, shortanswer, numerical, matching, essay,
description, and ``category`` entries (a path below the import's target, as GIFT's
``$CATEGORY``). Any other type (cloze, calculated, drag and drop…) refuses the file with its
name. Files in ``<file>`` elements (and Moodle 1.9's ``<image_base64>``) travel with the question
as ``ParsedQuestion.files``; the import service keeps the images and refuses anything else.
The XML is parsed with defusedxml: a DTD, entities or external references refuse the file.

Written back by ``write_moodle_xml``: what it writes, this reads as the same questions.
"""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from flask_babel import gettext as _

from quizzes.bank.models import QuestionKind
from quizzes.formats.common import (
    ErrorList,
    FormatError,
    LineError,
    ParsedQuestion,
    check_count,
    check_size,
    default_name,
    parse_float,
    text_to_html,
)
from quizzes.formats.gift import category_path

PLUGINFILE = "@@PLUGINFILE@@/"
# Moodle's text formats -> ours (common.text_to_html)
_FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown"}
_QUESTION_START = re.compile(r"<question[\s>]")


def parse_moodle_xml(content: bytes | str) -> list[ParsedQuestion]:
    if isinstance(content, str):
        content = content.encode("utf-8")
    check_size(content)
    try:
        root = fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise FormatError([LineError(0, _("The file declares a DTD or entities, which are not accepted."))]) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else 0
        raise FormatError([LineError(line, _("This is not well-formed XML: %(error)s", error=str(error)))]) from None
    if root.tag != "quiz":
        raise FormatError([LineError(1, _("A Moodle XML file starts with <quiz>."))])
    # ElementTree keeps no line numbers: the n-th <question> element is the n-th "<question" in the text.
    text = content.decode("utf-8", "replace")
    lines = [text.count("\n", 0, m.start()) + 1 for m in _QUESTION_START.finditer(text)]
    questions: list[ParsedQuestion] = []
    errors = ErrorList()
    category: tuple[str, ...] = ()
    for index, element in enumerate(root.findall("question")):
        line = lines[index] if index < len(lines) else 0
        kind = element.get("type", "")
        if kind == "category":
            category = category_path(_text(element.find("category")))
            continue
        reader = _READERS.get(kind)
        name = _text(element.find("name")).strip()
        if reader is None:
            errors.add(line, _("Question \"%(name)s\" is of type %(type)s, which elearn does not have; remove it "
                               "from the file.", name=name or "?", type=kind or "?"))
            continue
        try:
            question = _question(element, reader, line, name, category)
        except FormatError as error:
            for problem in error.errors:
                errors.add(problem.line, problem.message)
            continue
        questions.append(question)
        check_count(questions, line)
    errors.raise_if_any(questions)
    return questions


def _question(element: Element, reader, line: int, name: str, category: tuple[str, ...]) -> ParsedQuestion:
    files: dict[str, bytes] = {}
    text_html = _html(element.find("questiontext"), files, line)
    image = _text(element.find("image")).strip()
    if image and element.find("image_base64") is not None:  # Moodle 1.9: the image beside the text
        files[image] = _decode(_text(element.find("image_base64")), image, line)
        text_html += f'<p><img src="{PLUGINFILE}{escape(image)}" alt=""></p>'
    if not text_html:
        raise FormatError([LineError(line, _("The question has no text."))])
    kind, data = reader(element, files, line)
    grade = parse_float(_text(element.find("defaultgrade")) or "1")
    if grade is None or grade < 0:
        raise FormatError([LineError(line, _("The default mark is not a number."))])
    return ParsedQuestion(kind, text_html, data, line, name or default_name(text_html), category=category,
                          points=0.0 if kind == QuestionKind.DESCRIPTION else grade,
                          general_feedback_html=_html(element.find("generalfeedback"), files, line),
                          tags=[_text(t) for t in element.findall("tags/tag") if _text(t).strip()], files=files)


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    inner = element.find("text")
    return (inner.text if inner is not None else element.text) or ""


def _html(element: Element | None, files: dict[str, bytes], line: int) -> str:
    """A text field with its format, its <file> elements collected."""
    if element is None:
        return ""
    for file in element.findall("file"):
        name = file.get("name", "")
        if name:
            files[name] = _decode(file.text or "", name, line)
    fmt = _FORMATS.get(element.get("format", "html"), "html")
    return text_to_html(_text(element).strip(), fmt)


def _decode(data: str, name: str, line: int) -> bytes:
    try:
        return base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        raise FormatError([LineError(line, _("The file %(name)s in the question is not valid base64.",
                                             name=name))]) from None


def _fraction(answer: Element, line: int) -> float:
    value = parse_float(answer.get("fraction", "0"))
    if value is None:
        raise FormatError([LineError(line, _("The weight %(w)s is not a number.", w=answer.get("fraction")))])
    return round(value / 100, 7)


def _flag(element: Element, tag: str, default: bool) -> bool:
    value = _text(element.find(tag)).strip().lower()
    return default if value == "" else value in ("1", "true")


def _letter(index: int) -> str:
    return chr(ord("a") + index) if index < 26 else f"c{index + 1}"


def _multichoice(element: Element, files, line) -> tuple[QuestionKind, dict[str, Any]]:
    choices = [{"id": _letter(i), "html": _html(a, files, line), "fraction": _fraction(a, line),
                "feedback": _html(a.find("feedback"), files, line)} for i, a in enumerate(element.findall("answer"))]
    kind = QuestionKind.SINGLE if _flag(element, "single", True) else QuestionKind.MULTIPLE
    return kind, {"choices": choices, "shuffle": _flag(element, "shuffleanswers", True), "all_or_nothing": False}


def _truefalse(element: Element, files, line) -> tuple[QuestionKind, dict[str, Any]]:
    answers = {_text(a).strip().lower(): a for a in element.findall("answer")}
    right, wrong = answers.get("true"), answers.get("false")
    if right is None or wrong is None:
        raise FormatError([LineError(line, _("A true/false question needs a 'true' and a 'false' answer."))])
    value = _fraction(right, line) >= _fraction(wrong, line)
    return QuestionKind.TRUEFALSE, {"answer": value, "feedback_true": _html(right.find("feedback"), files, line),
                                    "feedback_false": _html(wrong.find("feedback"), files, line)}


def _shortanswer(element: Element, files, line) -> tuple[QuestionKind, dict[str, Any]]:
    answers = [{"text": _text(a).strip(), "fraction": _fraction(a, line),
                "feedback": _html(a.find("feedback"), files, line)} for a in element.findall("answer")]
    return QuestionKind.SHORTANSWER, {"answers": answers, "case_sensitive": _flag(element, "usecase", False),
                                      "accent_insensitive": False}


def _numerical(element: Element, files, line) -> tuple[QuestionKind, dict[str, Any]]:
    answers, other = [], ""
    for a in element.findall("answer"):
        text = _text(a).strip()
        if text == "*":  # Moodle's "any other answer": its feedback, worth nothing here as there
            other = _html(a.find("feedback"), files, line)
            continue
        value, tolerance = parse_float(text), parse_float(_text(a.find("tolerance")) or "0")
        if value is None or tolerance is None:
            raise FormatError([LineError(line, _("Answer %(a)s is not a number.", a=text))])
        answers.append({"value": value, "tolerance": abs(tolerance), "fraction": _fraction(a, line),
                        "feedback": _html(a.find("feedback"), files, line)})
    data: dict[str, Any] = {"answers": answers}
    if other:
        data["other_feedback"] = other
    return QuestionKind.NUMERICAL, data


def _matching(element: Element, files, line) -> tuple[QuestionKind, dict[str, Any]]:
    pairs = [{"id": f"p{i + 1}", "prompt": _html(s, files, line), "answer": text_to_html(_text(s.find("answer")),
                                                                                         "plain")}
             for i, s in enumerate(element.findall("subquestion"))]
    return QuestionKind.MATCHING, {"pairs": pairs, "shuffle": _flag(element, "shuffleanswers", True)}


def _nothing(kind: QuestionKind):
    return lambda element, files, line: (kind, {})


_READERS = {"multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer,
            "numerical": _numerical, "matching": _matching, "essay": _nothing(QuestionKind.ESSAY),
            "description": _nothing(QuestionKind.DESCRIPTION)}


# ---------------------------------------------------------------- writing

def write_moodle_xml(questions, read_file) -> str:
    """``questions`` (``ParsedQuestion``) as a Moodle XML file; ``read_file(src)`` gives the bytes
    and name of an image the texts show (None: left as a link)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category: tuple[str, ...] | None = None
    for q in questions:
        if tuple(q.category) != category:
            category = tuple(q.category)
            path = "/".join(part.replace("/", "//") for part in ("$course$", "top", *category))
            out.append(f'  <question type="category">\n    <category><text>{escape(path)}</text></category>\n'
                       "  </question>")
        out.append(_write_question(q, read_file))
    out.append("</quiz>\n")
    return "\n".join(out)


_KIND_NAMES = {QuestionKind.SINGLE: "multichoice", QuestionKind.MULTIPLE: "multichoice",
               QuestionKind.TRUEFALSE: "truefalse", QuestionKind.SHORTANSWER: "shortanswer",
               QuestionKind.NUMERICAL: "numerical", QuestionKind.MATCHING: "matching",
               QuestionKind.ESSAY: "essay", QuestionKind.DESCRIPTION: "description"}
_IMG = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def _field(tag: str, html: str, read_file, attrs: str = "") -> str:
    files: list[str] = []

    def embed(match: re.Match) -> str:
        found = read_file(match.group(2))
        if found is None:
            return match.group(0)
        name, data = found
        files.append(f'<file name={quoteattr(name)} path="/" encoding="base64">{base64.b64encode(data).decode()}</file>')
        return f"{match.group(1)}{PLUGINFILE}{name}{match.group(3)}"

    html = _IMG.sub(embed, html or "")
    cdata = html.replace("]]>", "]]]]><![CDATA[>")
    return f'<{tag} format="html"{attrs}><text><![CDATA[{cdata}]]></text>{"".join(files)}</{tag}>'


def _write_question(q: ParsedQuestion, read_file) -> str:
    d = q.data
    parts = [f'  <question type="{_KIND_NAMES[q.kind]}">', f"    <name><text>{escape(q.name)}</text></name>",
             "    " + _field("questiontext", q.text_html, read_file),
             "    " + _field("generalfeedback", q.general_feedback_html, read_file),
             f"    <defaultgrade>{q.points!r}</defaultgrade>"]

    def answer(fraction: float, text: str, feedback: str, extra: str = "", html: bool = True) -> str:
        body = _field("answer", text, read_file, f' fraction="{fraction * 100:.12g}"') if html else (
            f'<answer fraction="{fraction * 100:.12g}" format="plain_text"><text>{escape(text)}</text>')
        if html:
            body = body[:-len("</answer>")]
        return f"    {body}{extra}{_field('feedback', feedback, read_file)}</answer>"

    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        parts += [f"    <single>{'true' if q.kind == QuestionKind.SINGLE else 'false'}</single>",
                  f"    <shuffleanswers>{'true' if d.get('shuffle') else 'false'}</shuffleanswers>",
                  "    <answernumbering>abc</answernumbering>"]
        parts += [answer(c["fraction"], c["html"], c.get("feedback", "")) for c in d["choices"]]
    elif q.kind == QuestionKind.TRUEFALSE:
        parts += [answer(1.0 if d["answer"] else 0.0, "true", d.get("feedback_true", ""), html=False),
                  answer(0.0 if d["answer"] else 1.0, "false", d.get("feedback_false", ""), html=False)]
    elif q.kind == QuestionKind.SHORTANSWER:
        parts.append(f"    <usecase>{1 if d.get('case_sensitive') else 0}</usecase>")
        parts += [answer(a["fraction"], a["text"], a.get("feedback", ""), html=False) for a in d["answers"]]
    elif q.kind == QuestionKind.NUMERICAL:
        parts += [answer(a["fraction"], repr(float(a["value"])), a.get("feedback", ""),
                         f"<tolerance>{float(a['tolerance'])!r}</tolerance>", html=False) for a in d["answers"]]
        if d.get("other_feedback"):
            parts.append(answer(0.0, "*", d["other_feedback"], html=False))
    elif q.kind == QuestionKind.MATCHING:
        parts.append(f"    <shuffleanswers>{'true' if d.get('shuffle') else 'false'}</shuffleanswers>")
        for p in d["pairs"]:
            field = _field("subquestion", p["prompt"], read_file)[:-len("</subquestion>")]
            from elearn.html import html_to_text
            parts.append(f"    {field}<answer><text>{escape(html_to_text(p['answer']))}</text></answer></subquestion>")
    if q.tags:
        parts.append("    <tags>" + "".join(f"<tag><text>{escape(t)}</text></tag>" for t in q.tags) + "</tags>")
    parts.append("  </question>")
    return "\n".join(parts)
