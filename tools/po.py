"""Keep the Vietnamese catalogs in step with the source, without hand-editing .po syntax.

    python tools/po.py --update              # every catalog: add new msgids, drop gone ones
    python tools/po.py DIR --missing         # msgids in DIR's catalog without a translation
    python tools/po.py DIR < pairs.json      # set {"msgid": "bản dịch", ...}

DIR is a package folder that has a ``translations`` folder (``courses``, ``courses/certificates``);
each catalog covers the source beside it, less sub-packages that keep their own.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from elearn.i18n import catalog_dirs  # noqa: E402

KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}


def extract(package_dir: Path) -> Catalog:
    nested = [d.parent for d in catalog_dirs() if d.parent != package_dir and package_dir in d.parents]
    methods = [(str(n.relative_to(package_dir)) + "/**", "ignore") for n in nested]
    methods += [("**/translations/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]
    template = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(package_dir, methods, keywords=KEYWORDS):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(package_dir: Path) -> Path:
    return package_dir / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def load(path: Path) -> Catalog:
    if not path.exists():
        return Catalog(locale="vi", fuzzy=False)  # a fuzzy header makes pybabel skip the whole catalog
    with path.open("rb") as f:
        return read_po(f, locale="vi")


def save(path: Path, catalog: Catalog) -> None:
    catalog.fuzzy = False  # a header marked fuzzy makes `pybabel compile` skip the whole catalog
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True)


def update_all() -> None:
    for d in catalog_dirs():
        path = po_path(d.parent)
        catalog = load(path)
        catalog.update(extract(d.parent), no_fuzzy_matching=True)
        save(path, catalog)
        todo = sum(1 for m in catalog if m.id and not m.string)
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {todo} untranslated")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--update"]:
        update_all()
        return 0
    package_dir = (ROOT / argv[0]).resolve()
    path = po_path(package_dir)
    catalog = load(path)
    if "--missing" in argv:
        for message in catalog:
            if message.id and (not message.string or message.fuzzy):
                print(json.dumps(message.id, ensure_ascii=False))
        return 0
    pairs: dict[str, str] = json.load(sys.stdin)
    unknown = [k for k in pairs if k not in catalog]
    for msgid, text in pairs.items():
        if msgid not in catalog:
            catalog.add(msgid, text)  # added now; --update keeps it if the source uses it
        catalog[msgid].string = text
        catalog[msgid].flags.discard("fuzzy")
    save(path, catalog)
    if unknown:
        print(f"{len(unknown)} msgid(s) were not in the catalog yet; run --update to check them", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
