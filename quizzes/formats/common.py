"""What every import format produces: parsed questions, or every error with its line.

Parsers are pure functions (text or bytes in, ``ParsedQuestion`` list out, no database);
the import service validates each question against its kind and writes them all or none.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape, unescape
from typing import Any

from flask_babel import gettext as _

from elearn.errors import DomainError
from elearn.html import sanitize_html
from quizzes.bank.models import QuestionKind
from quizzes.bank.types import finite_float

MAX_IMPORT_BYTES = 10 * 1024 * 1024   # a 5,000-question GIFT file is about 1 MB
MAX_QUESTIONS = 20_000
MAX_ERRORS = 200                       # past this, a file is not worth reading further
# Images and documents inside imported questions (Moodle XML <file>): stored apart from other
# uploads (``elearn.uploads``, subfolder MEDIA_DIR) and served at MEDIA_URL + stored name.
MEDIA_DIR = "questions"
MEDIA_URL = "/questions/media/"


@dataclass
class ParsedQuestion:
    kind: QuestionKind
    text_html: str
    data: dict[str, Any]
    line: int
    name: str = ""
    category: tuple[str, ...] = ()    # path below the import's target category
    points: float = 1.0
    general_feedback_html: str = ""
    tags: list[str] = field(default_factory=list)
    # Files its HTML points at (``MEDIA_URL`` + stored name), written by the import service only
    # once the whole file is good: [(stored name, bytes)].
    files: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


class FormatError(DomainError):
    """A file that cannot be imported; ``errors`` lists every problem with its line (or row)."""

    def __init__(self, errors: list[LineError], questions: list[ParsedQuestion] | None = None):
        self.errors = sorted(errors, key=lambda e: e.line)
        self.questions = questions or []  # those that did parse: the importer still checks them
        super().__init__("; ".join(f"{e.line}: {e.message}" for e in self.errors[:5]))


class ErrorList:
    """Collects line errors while a parser goes on reading, then raises them all at once."""

    def __init__(self):
        self.errors: list[LineError] = []

    def add(self, line: int, message: str) -> None:
        self.errors.append(LineError(line, message))
        if len(self.errors) >= MAX_ERRORS:
            self.errors.append(LineError(line, _("Too many errors: reading stopped here.")))
            raise FormatError(self.errors)

    def raise_if_any(self, questions: list[ParsedQuestion] | None = None) -> None:
        if self.errors:
            raise FormatError(self.errors, questions)


def decode(content: bytes | str) -> str:
    """UTF-8 text (with or without BOM), line ends made ``\\n``; size-limited."""
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    check_size(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[:error.start].count(b"\n") + 1
        raise FormatError([LineError(line, _("The file is not UTF-8 text. Save it as UTF-8 and try again."))]) \
            from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise FormatError([LineError(line, _("The file is not a text file."))])
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_size(content: bytes | int) -> None:
    size = content if isinstance(content, int) else len(content)
    if size > MAX_IMPORT_BYTES:
        megabytes = "%.1f" % (size / 1048576)
        raise FormatError([LineError(0, _("The file is too large (%(size)s MB); the limit is %(limit)s MB.",
                                          size=megabytes, limit=MAX_IMPORT_BYTES // 1048576))])


def check_count(questions: list, line: int) -> None:
    if len(questions) > MAX_QUESTIONS:
        raise FormatError([LineError(line, _("The file has more than %(n)d questions; split it.",
                                             n=MAX_QUESTIONS))])


def plain_html(text: str) -> str:
    """Plain text as safe HTML, line breaks kept."""
    return escape(text.strip(), quote=False).replace("\n", "<br>")


def text_to_html(text: str, fmt: str = "moodle") -> str:
    """Text in one of Moodle's formats as sanitized HTML."""
    text = text.strip()
    if fmt == "plain":
        return plain_html(text)
    if fmt == "markdown":
        import markdown
        return sanitize_html(markdown.markdown(text))
    if fmt == "moodle":  # Moodle's own format: HTML allowed, line breaks kept
        text = text.replace("\n", "<br>")
    return sanitize_html(text)


def parse_float(text: str) -> float | None:
    """'3.14', '3,14', '-2', '1e3' -> float; anything else (or not finite) None."""
    text = text.strip().replace("\u2212", "-")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return finite_float(text)


def default_name(text_html: str) -> str:
    """A question without a title is named after the start of its text, as Moodle does."""
    from elearn.html import html_to_text
    text = unescape(html_to_text(text_html))  # a name is plain text: "a < b", not "a &lt; b"
    return text if len(text) <= 80 else text[:77].rstrip() + "..."
