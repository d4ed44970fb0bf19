"""Files taken from Moodle's own importer tests. Text files name their source in a header that
ends at a ``# ---`` line (``fixture`` strips it, so line numbers are the ones Moodle reports);
XML files name it in a comment."""
from __future__ import annotations

from html import unescape
from pathlib import Path

from elearn.html import html_to_text

HERE = Path(__file__).parent


def fixture(name: str) -> str:
    text = (HERE / name).read_text(encoding="utf-8")
    return text.split("# ---\n", 1)[1] if "# ---\n" in text else text


def fixture_bytes(name: str) -> bytes:
    return fixture(name).encode("utf-8")


def text(html: str) -> str:
    """What a reader sees of stored HTML, to compare with Moodle's plain texts."""
    return unescape(html_to_text(html))
