"""Every visible string has a Vietnamese translation (the UI is Vietnamese by default).

Each ``translations`` folder covers the source beside it, less sub-packages that keep their own.
"""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from elearn.i18n import catalog_dirs

KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
ALL = catalog_dirs()


def _msgids(package_dir: Path) -> set[str]:
    nested = [d.parent for d in ALL if d.parent != package_dir and package_dir in d.parents]
    methods = [(str(n.relative_to(package_dir)) + "/**", "ignore") for n in nested]
    methods += [("**/translations/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]
    return {m[2] if isinstance(m[2], str) else m[2][0]
            for m in extract_from_dir(package_dir, methods, keywords=KEYWORDS)}


@pytest.mark.parametrize("catalog", ALL, ids=[str(d.parent.name) for d in ALL])
def test_every_string_is_translated(catalog):
    msgids = _msgids(catalog.parent)
    po = catalog / "vi" / "LC_MESSAGES" / "messages.po"
    assert po.exists(), f"{po} is missing"
    with po.open("rb") as f:
        messages = read_po(f)
    assert not messages.fuzzy, f"{po} has a fuzzy header: pybabel compile skips the whole catalog"
    missing = sorted(m for m in msgids if m not in messages or not messages[m].string or messages[m].fuzzy)
    assert not missing, f"untranslated in {catalog.parent} (make messages; python tools/po.py ...): {missing}"


def test_every_source_package_with_strings_has_a_catalog():
    root = Path(__file__).resolve().parents[2]
    for pkg in ("courses", "quizzes", "reports"):
        if _msgids(root / pkg) and not (root / pkg / "translations").exists():
            pytest.fail(f"{pkg} has visible strings but no translations folder")


def test_one_english_string_has_one_translation():
    """The catalogs are merged into one at run time (``elearn.i18n``): a msgid translated two ways
    in two catalogs shows the later catalog's words on every page, the other package's included
    (the import page's 'Row' read 'Loại dòng', a course 'Đã công bố'). One msgid, one translation;
    a word that means two things takes two msgids."""
    seen: dict[str, dict[str, str]] = {}
    for catalog in ALL:
        with (catalog / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as f:
            for message in read_po(f):
                if message.id and message.string and not isinstance(message.id, tuple):
                    seen.setdefault(message.id, {})[str(catalog.parent.relative_to(catalog.parents[2]))] = message.string
    clashes = {msgid: by for msgid, by in seen.items() if len(set(by.values())) > 1}
    assert not clashes, "\n".join(f"{msgid!r}: {by}" for msgid, by in sorted(clashes.items()))
