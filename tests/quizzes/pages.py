"""Reading a quiz page as a browser would: which value each labelled option posts."""
from __future__ import annotations

from html.parser import HTMLParser


class _Options(HTMLParser):
    def __init__(self):
        super().__init__()
        self.options: list[dict] = []  # {"name", "value", "text"}
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            self._open = {"name": attrs.get("name"), "value": attrs.get("value"), "text": ""}
            self.options.append(self._open)

    def handle_endtag(self, tag):
        if tag == "label":
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data


def options(html: str) -> list[dict]:
    parser = _Options()
    parser.feed(html)
    for o in parser.options:
        o["text"] = " ".join(o["text"].split())
    return parser.options


def value_of(html: str, name: str, text: str) -> str:
    """The value the option labelled ``text`` of field ``name`` posts."""
    found = [o["value"] for o in options(html) if o["name"] == name and o["text"] == text]
    assert len(found) == 1, (name, text, options(html))
    return found[0]
