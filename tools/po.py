"""Translate catalog entries without hand-editing .po syntax.

    python tools/po.py PACKAGE --missing          # list msgids without a Vietnamese translation
    python tools/po.py PACKAGE < pairs.json       # set {"msgid": "bản dịch", ...}

Run ``make messages`` first so the catalog knows every string in the source.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    package, missing_only = argv[0], "--missing" in argv
    path = ROOT / package / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale="vi")
    if missing_only:
        for message in catalog:
            if message.id and (not message.string or message.fuzzy):
                print(json.dumps(message.id if isinstance(message.id, str) else list(message.id), ensure_ascii=False))
        return 0
    pairs: dict[str, str] = json.load(sys.stdin)
    unknown = [k for k in pairs if k not in catalog]
    for msgid, text in pairs.items():
        if msgid in catalog:
            message = catalog[msgid]
            message.string = text
            message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, width=100)
    if unknown:
        print("not in the catalog (run make messages):", *unknown, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
