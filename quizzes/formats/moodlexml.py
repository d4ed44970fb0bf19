"""Moodle XML import, as Moodle's own qformat_xml reads it (question/format/xml/format.php): the file.

    <quiz>
      <question type="category"><category><text>$course$/top/Chương 1</text></category></question>
      <question type="multichoice">
        <name><text>Thủ đô</text></name>
        <questiontext format="html">
          <text><![CDATA[<p>Thủ đô? <img src="@@PLUGINFILE@@/ban-do.png"></p>]]></text>
          <file name="ban-do.png" path="/" encoding="base64">iVBORw0KGgo...</file>
        </questiontext>
        <generalfeedback format="html"><text>...</text></generalfeedback>
        <defaultgrade>1</defaultgrade>
        <single>true</single>
        <shuffleanswers>true</shuffleanswers>
        <answer fraction="100" format="html"><text>Hà Nội</text><feedback><text>Đúng</text></feedback></answer>
        <answer fraction="0" format="html"><text>Huế</text></answer>
        <tags><tag><text>lịch sử</text></tag></tags>
      </question>
    </quiz>

``<question type="category">`` switches the category for the questions after it, as GIFT's
``$CATEGORY:`` does (below the chosen one, ``$course$/top/`` dropped). Each other ``<question>``
(its kind, fields and files) is read by ``quizzes.formats.moodlexml_question``, which documents
the kinds kept and refused. The XML is read with defusedxml and may not declare a DTD, so no entity
can expand ("billion laughs") or reach outside the file; every element's line is kept, so that an
error points at it.
"""
from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from flask_babel import gettext as _

from quizzes.formats.common import ErrorList, FormatError, LineError, ParsedQuestion, check_count, check_size
from quizzes.formats.gift import category_path
from quizzes.formats.moodlexml_question import Media, Reader, Refused


class _Lines:
    """An ElementTree target that notes the line each element starts on."""

    def __init__(self):
        self.builder = TreeBuilder()
        self.lines: dict[int, int] = {}
        self.expat: Any = None

    def start(self, tag, attrs):
        element = self.builder.start(tag, attrs)
        self.lines[id(element)] = self.expat.CurrentLineNumber if self.expat is not None else 0
        return element

    def end(self, tag):
        return self.builder.end(tag)

    def data(self, data):
        self.builder.data(data)

    def close(self):
        return self.builder.close()


def read_xml(content: bytes) -> tuple[Element, dict[int, int]]:
    """The root element and the line of every element (by id), or FormatError with the line."""
    target = _Lines()
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    target.expat = parser.parser
    try:
        parser.feed(content)
        return parser.close(), target.lines
    except ParseError as error:
        line, column = error.position
        raise FormatError([LineError(line, _("The file is not well-formed XML here (column %(column)d): check "
                                             "that every tag is closed and that a & in text is written &amp;.",
                                             column=column + 1))]) from None
    except DefusedXmlException:
        raise FormatError([LineError(target.expat.CurrentLineNumber, _(
            "The file declares a DTD or entities (<!DOCTYPE ...>), which is refused for safety: Moodle's "
            "exports have none."))]) from None


def parse_moodle_xml(content: bytes | str) -> list[ParsedQuestion]:
    """Every question of a Moodle XML file, or FormatError listing every bad question."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    check_size(content)
    root, lines = read_xml(content)
    if root.tag != "quiz":
        raise FormatError([LineError(lines.get(id(root), 1), _(
            "This is not a Moodle XML question file: its first element must be <quiz>."))])
    errors = ErrorList()
    questions: list[ParsedQuestion] = []
    media = Media()
    category: tuple[str, ...] = ()
    number = 0
    for element in root.findall("question"):
        line = lines.get(id(element), 0)
        if (element.get("type") or "").strip() == "category":
            category = category_path(_category_text(element))
            continue
        number += 1
        reader = Reader(element, number, line, lines, media)
        try:
            question = reader.read()
        except Refused as refused:
            errors.add(refused.line, f"{reader.label()}: {refused.message}")
            continue
        question.category = category
        questions.append(question)
        check_count(questions, line)
    errors.raise_if_any(questions)
    return questions


def _category_text(element: Element) -> str:
    """``<category><text>path</text></category>``, or the path right inside ``<category>`` (old files)."""
    found = element.find("category")
    if found is None:
        return ""
    return (found.findtext("text") if found.find("text") is not None else found.text or "").strip()
