"""Moodle XML export, written as Moodle's own qformat_xml writes it, so that Moodle imports the
questions and ``parse_moodle_xml`` reads back the same ones.

Texts are HTML (``format="html"``, in CDATA as Moodle writes them); files a text points at
(``MEDIA_URL`` + stored name) go inside that text as ``<file encoding="base64">`` with the
reference written ``@@PLUGINFILE@@/name``. The root category's questions come first, then a
``<question type="category">`` before each subcategory's (paths relative to the exported
category, as in the GIFT export). What Moodle has no field for is written in elements Moodle's
importer ignores: ``<accentinsensitive>`` (short answer) and ``<allornothing>`` (multiple choice).
A matching answer is plain text in Moodle: its markup is dropped.
"""
from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from html import unescape
from typing import Any

from elearn.html import html_to_text
from quizzes.bank.models import QuestionKind
from quizzes.formats.common import MEDIA_URL, ParsedQuestion
from quizzes.formats.export import _category

K = QuestionKind
TYPES = {K.SINGLE: "multichoice", K.MULTIPLE: "multichoice", K.TRUEFALSE: "truefalse",
         K.SHORTANSWER: "shortanswer", K.NUMERICAL: "numerical", K.MATCHING: "matching", K.ESSAY: "essay",
         K.DESCRIPTION: "description"}
_MEDIA = re.compile(re.escape(MEDIA_URL) + r"([0-9a-f]{32}\.[a-z]{3,4})")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def cdata(text: str) -> str:
    """Text for an XML element, in CDATA when it has markup (as Moodle's xml_escape does)."""
    text = _INVALID_XML.sub("", text or "")
    if not re.search("[<>&]", text):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _number(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.12g}"


class _Writer:
    def __init__(self, read_media: Callable[[str], bytes | None]):
        self.read_media = read_media

    def text(self, tag: str, html: str, indent: str = "    ", attrs: str = ' format="html"') -> str:
        """``<tag format="html"><text>...</text><file .../></tag>``, media references rewritten."""
        files: list[str] = []

        def plugin(match: re.Match) -> str:
            name = match.group(1)
            if name not in files:
                files.append(name)
            return "@@PLUGINFILE@@/" + name
        html = _MEDIA.sub(plugin, html or "")
        out = [f"{indent}<{tag}{attrs}>", f"{indent}  <text>{cdata(html)}</text>"]
        for name in files:
            data = self.read_media(name)
            if data is not None:
                out.append(f'{indent}  <file name="{name}" path="/" encoding="base64">'
                           f"{base64.b64encode(data).decode('ascii')}</file>")
        out.append(f"{indent}</{tag}>")
        return "\n".join(out)

    def question(self, q: ParsedQuestion) -> str:
        out = [f'  <question type="{TYPES[q.kind]}">',
               "    <name>", f"      <text>{cdata(q.name)}</text>", "    </name>",
               self.text("questiontext", q.text_html),
               self.text("generalfeedback", q.general_feedback_html),
               f"    <defaultgrade>{_number(q.points)}</defaultgrade>",
               f"    <penalty>{'1' if q.kind == K.TRUEFALSE else '0.3333333'}</penalty>",
               "    <hidden>0</hidden>"]
        out += _BODY[q.kind](self, q.data)
        if q.tags:
            out.append("    <tags>")
            out += [f"      <tag><text>{cdata(tag)}</text></tag>" for tag in q.tags]
            out.append("    </tags>")
        out.append("  </question>")
        return "\n".join(out)

    def answer(self, fraction: float, text: str, feedback: str, html: bool = False, extra: Iterable[str] = ()) -> str:
        if html:
            head = self.text("answer", text, "    ", f' fraction="{_percent(fraction)}" format="html"')
            head = head[:head.rindex("\n")]  # reopen: the feedback goes inside <answer>
        else:
            head = (f'    <answer fraction="{_percent(fraction)}" format="plain_text">\n'
                    f"      <text>{cdata(text)}</text>")
        lines = [head, self.text("feedback", feedback, "      "), *extra, "    </answer>"]
        return "\n".join(lines)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _choices(w: _Writer, data: dict[str, Any], single: bool) -> list[str]:
    out = [f"    <single>{_flag(single)}</single>",
           f"    <shuffleanswers>{_flag(data.get('shuffle', True))}</shuffleanswers>",
           "    <answernumbering>abc</answernumbering>"]
    if not single and data.get("all_or_nothing"):
        out.append("    <allornothing>1</allornothing>")
    out += [w.answer(c["fraction"], c["html"], c.get("feedback", ""), html=True) for c in data["choices"]]
    return out


def _truefalse(w: _Writer, data: dict[str, Any]) -> list[str]:
    value = bool(data["answer"])
    return [w.answer(1.0 if value else 0.0, "true", data.get("feedback_true", "")),
            w.answer(0.0 if value else 1.0, "false", data.get("feedback_false", ""))]


def _shortanswer(w: _Writer, data: dict[str, Any]) -> list[str]:
    out = [f"    <usecase>{1 if data.get('case_sensitive') else 0}</usecase>"]
    if data.get("accent_insensitive"):
        out.append("    <accentinsensitive>1</accentinsensitive>")
    for a in data["answers"]:  # without wildcards a star is a star: \* (as Moodle reads it)
        text = a["text"] if data.get("wildcards") else a["text"].replace("*", "\\*")
        out.append(w.answer(a["fraction"], text, a.get("feedback", "")))
    return out


def _numerical(w: _Writer, data: dict[str, Any]) -> list[str]:
    out = [w.answer(a["fraction"], repr(float(a["value"])), a.get("feedback", ""),
                    extra=[f"      <tolerance>{repr(float(a.get('tolerance') or 0))}</tolerance>"])
           for a in data["answers"]]
    if data.get("other_feedback"):
        out.append(w.answer(0.0, "*", data["other_feedback"], extra=["      <tolerance>0</tolerance>"]))
    return out + ["    <unitgradingtype>0</unitgradingtype>", "    <unitpenalty>0.1000000</unitpenalty>",
                  "    <showunits>3</showunits>", "    <unitsleft>0</unitsleft>"]


def _matching(w: _Writer, data: dict[str, Any]) -> list[str]:
    out = [f"    <shuffleanswers>{_flag(data.get('shuffle', True))}</shuffleanswers>"]
    for pair in data["pairs"]:
        sub = w.text("subquestion", pair["prompt"])
        out.append(sub[:sub.rindex("\n")])
        out += ["      <answer>", f"        <text>{cdata(unescape(html_to_text(pair['answer'])))}</text>",
                "      </answer>", "    </subquestion>"]
    return out


def _essay(w: _Writer, data: dict[str, Any]) -> list[str]:
    return ["    <responseformat>editor</responseformat>", "    <responserequired>1</responserequired>",
            "    <responsefieldlines>15</responsefieldlines>", "    <attachments>0</attachments>",
            "    <attachmentsrequired>0</attachmentsrequired>",
            '    <graderinfo format="html">\n      <text></text>\n    </graderinfo>',
            '    <responsetemplate format="html">\n      <text></text>\n    </responsetemplate>']


_BODY = {
    K.SINGLE: lambda w, d: _choices(w, d, True), K.MULTIPLE: lambda w, d: _choices(w, d, False),
    K.TRUEFALSE: _truefalse, K.SHORTANSWER: _shortanswer, K.NUMERICAL: _numerical, K.MATCHING: _matching,
    K.ESSAY: _essay, K.DESCRIPTION: lambda w, d: [],
}


def write_moodle_xml(questions: Iterable[ParsedQuestion], read_media: Callable[[str], bytes | None] = lambda n: None
                     ) -> str:
    """The questions as a Moodle XML file; ``read_media`` gives a stored file's bytes (None: gone)."""
    writer = _Writer(read_media)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category: tuple[str, ...] = ()
    for question in questions:
        if tuple(question.category) != category:
            category = tuple(question.category)
            out += ['  <question type="category">', "    <category>",
                    f"      <text>{cdata('$course$/top/' + _category(category))}</text>", "    </category>",
                    '    <info format="html">', "      <text></text>", "    </info>", "  </question>"]
        out.append(writer.question(question))
    out.append("</quiz>")
    return "\n".join(out) + "\n"
