"""Author HTML, sanitized against an allow-list when it is saved.

Lessons, questions, choices and feedback are written by trainers (often pasted from
Word). What survives: structure and emphasis, links, images, tables. What never
survives: scripts, event handlers, ``javascript:``/``data:`` URLs, styles and classes
(which could hide or overlay content), forms, frames, SVG.
"""
from __future__ import annotations

import re

import bleach
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark", "span",
    "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title", "width", "height"],
    "th": ["colspan", "rowspan", "scope"],
    "td": ["colspan", "rowspan"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Word pastes carry these whole, content included; bleach would keep their text.
_DROP_WITH_CONTENT = re.compile(
    r"<(script|style|xml|template|iframe|object|embed|svg|math|noscript|title|head)\b.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL)
_WORD_CONDITIONALS = re.compile(r"<!--\[if.*?<!\[endif\]-->|<!--.*?-->", re.DOTALL)
_OFFICE_TAGS = re.compile(r"</?(o|w|m|v):[^>]*>", re.IGNORECASE)

# Text with no markup, entity or control character comes out of bleach as itself with '>'
# escaped: skip the parser (a 5,000-question import sanitizes tens of thousands of fields).
_NEEDS_PARSER = re.compile("[<&\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]"
                           "|[\U0001fffe-\U0010ffff]")

_cleaner = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS,
                          strip=True, strip_comments=True)
_text_cleaner = bleach.Cleaner(tags=set(), strip=True)


def sanitize_html(value: str | None) -> str:
    """Clean author HTML for storage; safe to render with ``|safe`` afterwards."""
    if not value:
        return ""
    if not _NEEDS_PARSER.search(value):
        return value.replace(">", "&gt;").strip()
    return _sanitize_parsed(value)


def _sanitize_parsed(value: str) -> str:
    value = _WORD_CONDITIONALS.sub("", value)
    value = _DROP_WITH_CONTENT.sub("", value)
    value = _OFFICE_TAGS.sub("", value)
    cleaned = _cleaner.clean(value)
    cleaned = re.sub(r"(<p>(\s|&nbsp;)*</p>\s*)+", "", cleaned)  # Word's empty paragraphs
    return cleaned.strip()


def plain_to_html(text: str) -> str:
    """Plain text (e.g. an Aiken question) as safe HTML paragraphs."""
    escaped = str(Markup.escape(text.strip()))
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n\s*\n", escaped) if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def html_to_text(value: str) -> str:
    """Visible text of stored HTML, for search indexes and exports."""
    if not _NEEDS_PARSER.search(value or ""):
        return re.sub(r"\s+", " ", (value or "").replace(">", "&gt;")).strip()
    return _text_parsed(value)


def _text_parsed(value: str) -> str:
    return re.sub(r"\s+", " ", _text_cleaner.clean(value)).strip()


def _toolbar_labels() -> str:
    """The editor's buttons, named for screen readers in the page's language (JSON for editor.js)."""
    import json

    from flask_babel import gettext as _

    return json.dumps({
        "header": _("Paragraph style"), "bold": _("Bold"), "italic": _("Italic"), "underline": _("Underline"),
        "strike": _("Strikethrough"), "list-ordered": _("Numbered list"), "list-bullet": _("Bulleted list"),
        "blockquote": _("Quotation"), "link": _("Link"), "image": _("Image"), "script-sub": _("Subscript"),
        "script-super": _("Superscript"), "clean": _("Clear formatting"), "insertTable": _("Insert a table"),
        "insertRow": _("Add a row below"), "insertColumn": _("Add a column to the right"),
        "deleteTable": _("Delete the table"), "header-normal": _("Normal text"), "header-2": _("Large heading"),
        "header-3": _("Medium heading"), "header-4": _("Small heading"), "tooltip-visit": _("Open the link:"),
        "tooltip-enter": _("Address of the link:"), "tooltip-edit": _("Edit"), "tooltip-save": _("Save"),
        "tooltip-remove": _("Remove the link")}, ensure_ascii=False)


def rich_text(rows: int = 8) -> dict:
    """``render_kw`` of a textarea that gets the rich-text editor (elearn/static/editor.js) when
    JavaScript runs; it stays a textarea of HTML otherwise, and ``sanitize_html`` is the gate."""
    from flask_babel import LazyString
    from flask_babel import lazy_gettext as _l

    return {"rows": rows, "data-rich": "1", "data-rich-labels": LazyString(_toolbar_labels),
            "data-rich-image": _l("Address of the image (an attachment of this course, or https://…):"),
            "data-rich-html": _l("This text has parts the editor cannot keep (header or merged table cells, "
                                 "definition lists…): edit it as HTML here.")}
