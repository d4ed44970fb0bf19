"""One Moodle XML ``<question>``: its fields, the files its texts carry, and each kind's answers.

Kinds: multichoice (``<single>`` true: single choice, false: multiple choice; weights from the
``fraction`` attribute), truefalse, shortanswer (``<usecase>``; ``*`` is Moodle's wildcard),
numerical (``<tolerance>``; a ``*`` answer worth 0 is the feedback for any other number),
matching (or match), essay and description. ``<defaultgrade>`` gives the points; texts keep their
format (html, moodle_auto_format, plain_text, markdown) and are sanitized.

A ``<file>`` inside a text, which the text refers to as ``@@PLUGINFILE@@/name``, becomes a file
stored apart (images, PDF and Office documents by their content, ``.txt`` text) and the
reference its URL (``MEDIA_URL``); so does Moodle 1.9's ``<image>``/``<image_base64>``. The
import service writes the files only once the whole file is good.

Not kept (elearn has no place for them): penalty, hints, the combined feedback for a correct,
partly correct or wrong response, idnumber, answer numbering, hidden, essay options. Any other
question type (cloze, calculated, drag and drop...) refuses the file with the question's
number, name and line, as do numerical units.

A room of its own because a question's rules are about its kind and its files, not about the
file they came in: ``quizzes.formats.moodlexml`` reads the XML safely, keeps every element's line
and walks the categories and questions, handing each ``<question>`` to a ``Reader`` here; a
``Refused`` question is reported with its number, name and line, and the others still read.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import filetype
from flask_babel import gettext as _

from elearn import uploads
from quizzes.bank.models import QuestionKind
from quizzes.formats.common import MEDIA_URL, ParsedQuestion, default_name, parse_float, plain_html, text_to_html
from quizzes.formats.gift_question import shortanswer_data

# Moodle's text format names -> elearn's ``text_to_html`` formats (Moodle assumes html for others).
FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown",
           "wiki_like": "moodle"}
MEDIA_KINDS = uploads.IMAGES | uploads.DOCUMENTS | {"xlsx"}
MEDIA_TYPES = {ext: uploads.KINDS[ext][0] for ext in MEDIA_KINDS} | {"txt": "text/plain; charset=utf-8"}
_PLUGINFILE = re.compile(r"@@PLUGINFILE@@(/[^\"'<>\s?#]*)")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
K = QuestionKind


class Refused(Exception):
    """One question that cannot be imported: the line and why."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def _flag(value: str | None, default: bool) -> bool:
    """Moodle's trans_single: 'false', '0' and '' are false, anything else true."""
    if value is None:
        return default
    return value.strip() not in ("false", "0", "")


def media_kind(data: bytes, name: str) -> str | None:
    """The stored extension for a file's bytes, or None when it is not a kind elearn keeps."""
    found = uploads.detect(data, MEDIA_KINDS)
    if found:
        return found[0]
    if data and name.lower().endswith(".txt") and filetype.guess(data) is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return None if _CONTROL.search(text) else "txt"
    return None


class Media:
    """The files of one import: each distinct content kept once, under a random stored name."""

    def __init__(self):
        self.names: dict[str, str] = {}  # sha256 of the bytes -> stored name


class Reader:
    """One ``<question>`` element."""

    def __init__(self, element: Element, number: int, line: int, lines: dict[int, int], media: Media):
        self.element, self.number, self.line, self.lines, self.media = element, number, line, lines, media
        self.name = (element.findtext("name/text") or "").strip()
        self.fmt = "html"
        self.files: list[tuple[str, bytes]] = []

    def label(self) -> str:
        if self.name:
            return _("Question %(n)d “%(name)s”", n=self.number, name=self.name)
        return _("Question %(n)d", n=self.number)

    def line_of(self, element: Element | None) -> int:
        return self.lines.get(id(element), self.line) if element is not None else self.line

    def read(self) -> ParsedQuestion:
        element, kind = self.element, (self.element.get("type") or "").strip()
        if kind not in _KINDS:
            raise Refused(self.line, _("its type %(type)s is not one elearn has (multiple choice, true/false, "
                                        "short answer, numerical, matching, essay, description).",
                                        type=kind or "?"))
        if element.find("name/text") is None:
            raise Refused(self.line, _("it has no name (<name><text>...</text></name>)."))
        question_text = element.find("questiontext")
        self.fmt = (question_text.get("format") or "html").strip() if question_text is not None else "html"
        text_html = self.text(question_text, "html", extra=self._old_image())
        general = self.text(element.find("generalfeedback"), self.fmt)
        points = self.number_of(element.find("defaultgrade"), 0.0 if kind == "description" else 1.0,
                                _("The default grade"))  # a description's is 0 whatever it says (the bank)
        question_kind, data = _KINDS[kind](self)
        name = " ".join(self.name.split())
        return ParsedQuestion(question_kind, text_html, data, self.line, name or default_name(text_html),
                              points=points, general_feedback_html=general, tags=self._tags(), files=self.files)

    # --- fields ---------------------------------------------------------------------------

    def text(self, field: Element | None, default_format: str, extra: list[Element] | None = None) -> str:
        """A text field (``<text>`` inside, ``format`` on it) as sanitized HTML, its files stored."""
        if field is None:
            return ""
        raw = (field.findtext("text") or "").strip()
        fmt = FORMATS.get((field.get("format") or default_format).strip(), "html")
        if extra:
            raw = (raw + " " + " ".join(f'<img src="@@PLUGINFILE@@/{e.get("name")}" />' for e in extra)).strip()
        if "@@PLUGINFILE@@" in raw:
            raw = self._files(raw, field.findall("file") + (extra or []), self.line_of(field))
        return text_to_html(raw, fmt)

    def number_of(self, element: Element | None, default: float, what: str) -> float:
        raw = (element.text or "").strip() if element is not None else ""
        if not raw:
            return default
        value = parse_float(raw)
        if value is None:
            raise Refused(self.line_of(element), _("%(what)s %(value)s is not a number.", what=what, value=raw))
        return value

    def fraction(self, answer: Element) -> float:
        legacy = answer.find("fraction")  # Moodle still reads <fraction>0.5</fraction> (deprecated)
        if legacy is not None and (legacy.text or "").strip():
            return round(self.number_of(legacy, 0.0, _("The weight")), 7)
        raw = (answer.get("fraction") or "0").strip()
        value = parse_float(raw)
        if value is None:
            raise Refused(self.line_of(answer), _("The weight %(w)s is not a number.", w=raw))
        return round(value / 100, 7)

    def _tags(self) -> list[str]:
        tags: list[str] = []
        for tag in self.element.findall("tags/tag") + self.element.findall("coursetags/tag"):
            text = " ".join((tag.findtext("text") or "").split()).lower()
            if text and text not in tags:
                tags.append(text)
        return tags

    def _old_image(self) -> list[Element]:
        """Moodle 1.9's <image>name</image><image_base64>...</image_base64>: an image after the text."""
        name, data = self.element.findtext("image"), self.element.findtext("image_base64")
        if not (name and name.strip() and data and data.strip()):
            return []
        file = Element("file", {"name": name.strip().replace("/", "_"), "path": "/", "encoding": "base64"})
        file.text = data
        self.lines[id(file)] = self.line_of(self.element.find("image"))
        return [file]

    def _files(self, raw: str, files: list[Element], line: int) -> str:
        by_path = {}
        for file in files:
            path = "/" + (file.get("path") or "/").strip().strip("/")
            by_path[(path.rstrip("/") + "/" + (file.get("name") or "").strip())] = file
        stored: dict[int, str] = {}

        def replace(match: re.Match) -> str:
            path = unquote(match.group(1))
            file = by_path.get(path)
            if file is None:
                raise Refused(line, _("it refers to the file %(file)s, which is not in the question (no <file> "
                                       "with that name).", file=path.lstrip("/")))
            if id(file) not in stored:
                stored[id(file)] = self._store(file, path.lstrip("/"))
            return MEDIA_URL + stored[id(file)]
        return _PLUGINFILE.sub(replace, raw)

    def _store(self, file: Element, name: str) -> str:
        line = self.line_of(file)
        if (file.get("encoding") or "base64").strip().lower() != "base64":
            raise Refused(line, _("the file %(file)s is not base64-encoded.", file=name))
        try:
            data = base64.b64decode("".join((file.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise Refused(line, _("the file %(file)s is not valid base64.", file=name)) from None
        ext = media_kind(data, name)
        if ext is None:
            raise Refused(line, _("the file %(file)s is not a kind elearn keeps (allowed: %(kinds)s).", file=name,
                                   kinds=", ".join(sorted(k.upper() for k in MEDIA_TYPES))))
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self.media.names:
            self.media.names[digest] = uploads.new_name(ext)
            self.files.append((self.media.names[digest], data))
        return self.media.names[digest]


# --- kinds ---------------------------------------------------------------------------------

def _letter(index: int) -> str:
    return chr(ord("a") + index) if index < 26 else f"c{index + 1}"


def _multichoice(r: Reader) -> tuple[QuestionKind, dict[str, Any]]:
    single = _flag(r.element.findtext("single"), True)
    choices = [{"id": _letter(i), "html": r.text(answer, r.fmt), "fraction": r.fraction(answer),
                "feedback": r.text(answer.find("feedback"), r.fmt)}
               for i, answer in enumerate(r.element.findall("answer"))]
    return (K.SINGLE if single else K.MULTIPLE), {
        "choices": choices, "shuffle": _flag(r.element.findtext("shuffleanswers"), False),
        "all_or_nothing": not single and _flag(r.element.findtext("allornothing"), False)}


def _truefalse(r: Reader) -> tuple[QuestionKind, dict[str, Any]]:
    answer, feedback = None, {"true": "", "false": ""}
    for index, element in enumerate(r.element.findall("answer")):
        text = (element.findtext("text") or "").strip()
        if text not in ("true", "false"):  # old files: true first, then false (as Moodle assumes)
            text = "true" if index == 0 else "false"
        right = r.fraction(element) == 1.0
        answer = right if text == "true" else not right
        feedback[text] = r.text(element.find("feedback"), r.fmt)
    if answer is None:
        raise Refused(r.line, _("a true/false question needs its answers (true and false)."))
    return K.TRUEFALSE, {"answer": answer, "feedback_true": feedback["true"], "feedback_false": feedback["false"]}


def _shortanswer(r: Reader) -> tuple[QuestionKind, dict[str, Any]]:
    answers = [{"text": (a.findtext("text") or "").strip(), "fraction": r.fraction(a),
                "feedback": r.text(a.find("feedback"), r.fmt)} for a in r.element.findall("answer")]
    data = shortanswer_data(answers)
    data["case_sensitive"] = _flag(r.element.findtext("usecase"), False)
    data["accent_insensitive"] = _flag(r.element.findtext("accentinsensitive"), False)  # elearn's own exports
    return K.SHORTANSWER, data


def _numerical(r: Reader) -> tuple[QuestionKind, dict[str, Any]]:
    if r.element.find("units/unit") is not None:
        raise Refused(r.line_of(r.element.find("units")), _(
            "it has units, which elearn's numerical questions do not have (remove the units in Moodle first)."))
    answers, other = [], ""
    for index, element in enumerate(r.element.findall("answer")):
        text = (element.findtext("text") or "").strip()
        fraction, feedback = r.fraction(element), r.text(element.find("feedback"), r.fmt)
        if text in ("", "*"):  # Moodle's "any other answer"
            if fraction != 0:
                raise Refused(r.line_of(element), _("the answer * (any other number) may only be worth %(zero)s.", zero="0%"))
            other = other or feedback
            continue
        value = parse_float(text)
        if value is None:
            raise Refused(r.line_of(element), _("answer %(n)d (%(value)s) is not a number.", n=index + 1, value=text))
        tolerance = r.number_of(element.find("tolerance"), 0.0, _("The tolerance"))
        answers.append({"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback})
    data: dict[str, Any] = {"answers": answers}
    if other:
        data["other_feedback"] = other
    return K.NUMERICAL, data


def _matching(r: Reader) -> tuple[QuestionKind, dict[str, Any]]:
    pairs = [{"id": f"p{i + 1}", "prompt": r.text(sub, r.fmt),
              "answer": plain_html((sub.findtext("answer/text") or "").strip())}  # plain text, as in Moodle
             for i, sub in enumerate(r.element.findall("subquestion"))]
    return K.MATCHING, {"pairs": pairs, "shuffle": _flag(r.element.findtext("shuffleanswers"), True)}


_KINDS = {
    "multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer, "numerical": _numerical,
    "matching": _matching, "match": _matching,
    "essay": lambda r: (K.ESSAY, {}), "description": lambda r: (K.DESCRIPTION, {}),
}
