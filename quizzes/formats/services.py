"""Import and export of question files: all or nothing, every error with its line.

``import_file`` parses, validates every question against its kind (the bank's own rules),
and only when the whole file is good writes the questions (and the subcategories its
``$CATEGORY`` lines or Moodle XML category elements name, below the chosen target, and the
files a Moodle XML file carries, under ``UPLOAD_DIR/questions``). Like every service it flushes and never
commits; a caller that gets ``FormatError`` rolls back (nothing was written anyway).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from elearn import audit, db, uploads
from elearn.accounts.models import User
from quizzes.bank import services as bank
from quizzes.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from quizzes.formats.aiken import parse_aiken
from quizzes.formats.common import MEDIA_DIR, FormatError, LineError, ParsedQuestion
from quizzes.formats.export import write_gift
from quizzes.formats.gift import parse_gift
from quizzes.formats.moodlexml import parse_moodle_xml
from quizzes.formats.moodlexml_export import write_moodle_xml
from quizzes.formats.spreadsheet import parse_csv, parse_xlsx

PARSERS: dict[str, Callable[[bytes], list[ParsedQuestion]]] = {
    "gift": parse_gift, "moodlexml": parse_moodle_xml, "aiken": parse_aiken, "csv": parse_csv, "xlsx": parse_xlsx,
}
BATCH = 500  # questions written per flush
FORMAT_LABELS = {"gift": "GIFT (Moodle)", "moodlexml": "Moodle XML", "aiken": "Aiken", "csv": "CSV",
                 "xlsx": "Excel (XLSX)"}
EXPORT_FORMATS = {"gift": "GIFT (Moodle)", "moodlexml": "Moodle XML"}


@dataclass
class ImportResult:
    imported: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    categories: int = 0   # subcategories created
    category_id: int | None = None  # where they went: the result page links to them

    def as_dict(self) -> dict:
        return {"imported": self.imported, "by_type": self.by_type}


def guess_format(filename: str, content: bytes) -> str:
    """By the file's name, then its content: Aiken has ANSWER lines and no braces."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xml") or content.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] in (b"<?xml", b"<quiz"):
        return "moodlexml"
    head = content[:200_000]
    if re.search(rb"^\s*ANSWER\s*:", head, re.MULTILINE) and b"{" not in head:
        return "aiken"
    return "gift"


def parse(fmt: str, content: bytes) -> list[ParsedQuestion]:
    if fmt not in PARSERS:
        raise FormatError([LineError(0, _("Unknown file format %(fmt)s.", fmt=fmt))])
    return PARSERS[fmt](content)


def import_file(target: QuestionCategory, fmt: str, content: bytes, user: User | None) -> ImportResult:
    """Parse, then create every question through the bank (which validates it against its kind).

    A question the bank refuses is noted with its line and the others are still checked, so
    the author sees every error at once; then the savepoint undoes the lot.
    """
    try:
        questions, errors = parse(fmt, content), []
    except FormatError as error:
        questions, errors = error.questions, list(error.errors)
    if not questions and not errors:
        raise FormatError([LineError(0, _("The file has no questions."))])
    result = ImportResult(category_id=target.id)
    categories: dict[tuple[str, ...], QuestionCategory] = {(): target}
    with db.session.begin_nested():
        batch: list = []
        for q in questions:
            try:
                category = categories.get(q.category)
                if category is None:
                    category, created = _subcategory(target, q.category)
                    categories[q.category] = category
                    result.categories += created
                batch += _new_question(category, q, user)
            except bank.BankError as error:
                errors.append(LineError(q.line, str(error)))
            if len(batch) >= BATCH and not errors:
                db.session.add_all(batch)
                db.session.flush()
                batch = []
        if errors:
            raise FormatError(errors)
        written = _write_media(questions)
        try:
            db.session.add_all(batch)
            db.session.flush()
        except BaseException:
            _delete_media(written)
            raise
    counts = Counter(q.kind.value for q in questions)
    result.imported = len(questions)
    result.by_type = {kind.value: counts[kind.value] for kind in QuestionKind if counts[kind.value]}
    audit.record("questions.import", f"question_category:{target.id}", actor=user, format=fmt,
                 imported=result.imported, by_type=result.by_type)
    return result


def _new_question(category: QuestionCategory, q: ParsedQuestion, user: User | None) -> list:
    """What ``bank.create_question`` makes (the same rules: its own ``_version`` and ``_index``),
    without its two flushes per question, so that thousands are written in a few batches."""
    question = Question(category=category, tags=bank.clean_tags(q.tags), created_by_id=user.id if user else None)
    version = bank._version(question, 1, q.kind, q.text_html, q.name, q.points, q.general_feedback_html,
                            q.data, user)
    question.current_version = version
    bank._index(question, version)
    return [question, version]


def _write_media(questions: list[ParsedQuestion]) -> list[str]:
    """The files the questions point at (Moodle XML), written once every question is known good."""
    written: list[str] = []
    try:
        for q in questions:
            for name, data in q.files:
                uploads.store_named(name, data, MEDIA_DIR)
                written.append(name)
    except OSError:
        _delete_media(written)
        raise FormatError([LineError(0, _("The files inside the questions could not be saved; nothing was "
                                          "imported. Try again later."))]) from None
    return written


def _delete_media(names: list[str]) -> None:
    for name in names:
        uploads.delete(name, MEDIA_DIR)


def read_media(name: str) -> bytes | None:
    """A stored question file's bytes (None when it is gone)."""
    path = uploads.stored_path(name, MEDIA_DIR)
    return path.read_bytes() if path is not None else None


def record_failed_import(target: str, fmt: str, error: FormatError, user: User | None) -> None:
    """After the rollback: a refused file is audited too (the caller commits this alone)."""
    audit.record("questions.import_failed", target, actor=user, format=fmt, errors=len(error.errors))


def _subcategory(target: QuestionCategory, path: tuple[str, ...]) -> tuple[QuestionCategory, int]:
    parent, created = target, 0
    for name in path:
        name = name.replace("/", "-")
        child = db.session.scalar(select(QuestionCategory).where(QuestionCategory.parent_id == parent.id,
                                                                 QuestionCategory.name == name))
        if child is None:
            child = bank.create_category(name, parent)
            created += 1
        parent = child
    return parent, created


def export_questions(category: QuestionCategory) -> list[ParsedQuestion]:
    """The live questions of a category and its subcategories, paths relative to it."""
    tree = db.session.scalars(select(QuestionCategory).where(QuestionCategory.path.startswith(category.path))
                              .order_by(QuestionCategory.path)).all()
    names = {c.id: c.name for c in tree}
    relative = {c.id: tuple(names[int(i)] for i in c.path[len(category.path):].strip("/").split("/") if i)
                for c in tree}
    rows = db.session.execute(
        select(Question, QuestionVersion).join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.category_id.in_(list(relative)), Question.archived.is_(False))
        .order_by(Question.id)).all()
    rows.sort(key=lambda row: (relative[row[0].category_id] != (), relative[row[0].category_id], row[0].id))
    return [ParsedQuestion(kind=v.kind, text_html=v.text_html, data=v.data, line=0, name=v.name,
                           category=relative[q.category_id], points=v.points,
                           general_feedback_html=v.general_feedback_html,
                           tags=[t for t in q.tags.split(",") if t]) for q, v in rows]


def export_file(category: QuestionCategory, fmt: str, user: User | None) -> str:
    """A category and its subcategories as GIFT or Moodle XML (with the files its questions show)."""
    questions = export_questions(category)
    audit.record("questions.export", f"question_category:{category.id}", actor=user, format=fmt,
                 exported=len(questions))
    if fmt == "moodlexml":
        return write_moodle_xml(questions, read_media)
    return write_gift(questions)


def export_gift(category: QuestionCategory, user: User | None) -> str:
    return export_file(category, "gift", user)
