"""Every visible string has a Vietnamese translation (the UI is Vietnamese by default)."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("**/translations/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}


@pytest.mark.parametrize("package", ["elearn", "courses", "quizzes"])
def test_every_string_is_translated(package):
    msgids = {msg[2] if isinstance(msg[2], str) else msg[2][0]
              for msg in extract_from_dir(ROOT / package, METHODS, keywords=KEYWORDS)}
    po = ROOT / package / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    if not msgids:
        return
    with po.open("rb") as f:
        catalog = read_po(f)
    missing = sorted(m for m in msgids if m not in catalog or not catalog[m].string or catalog[m].fuzzy)
    assert not missing, f"untranslated in {package} (make messages; python tools/po.py {package}): {missing}"
