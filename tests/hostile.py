"""A shared corpus of hostile input, and a checker for live script in rendered pages."""
from __future__ import annotations

import re
from html.parser import HTMLParser

XSS = [
    '<script>alert("xss")</script>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">bấm vào đây</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<svg/onload=alert(1)>',
    '<svg><script>alert(1)</script></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<body onload=alert(1)>',
    '<div style="position:fixed;inset:0;background:red">phủ kín</div>',
    '<<script>script>alert(1)<</script>/script>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<details open ontoggle=alert(1)>',
    "{{ 7*7 }}{% raw %}",
]
FORMULAS = ['=HYPERLINK("http://evil.example","bấm")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
            '=cmd|" /C calc"!A0']
SQL = ["' OR '1'='1", "1; DROP TABLE user_account; --", '" OR ""="', "%' --", "\\", "_%"]
# What a search box or filter must take without a server error: SQL and LIKE metacharacters, a NUL,
# numbers too big for a database integer, digits that are not ASCII, a huge string, Vietnamese.
SEARCH = SQL + ["'", '"', "%", "_", ")", "1; DROP TABLE users--", "a\x00b", "\x00", "99999999999999999999",
                "-1", "²", "١٢", "x" * 10_000, "Đặng Thị Minh Nguyệt – học tập", " ", "%00"]

_OWN_STATIC = re.compile(r"^(?!.*\.\.)/(?:[\w-]+/)*?[\w-]*static/[\w./-]+\.js$")  # the app's and its blueprints' files
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script" and not _OWN_STATIC.match(attrs.get("src", "")):
            self.problems.append("inline or foreign <script>")
        if tag in ("svg", "math", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")
        if tag == "iframe" and not attrs.get("src", "").startswith("https://www.youtube-nocookie.com/embed/"):
            self.problems.append(f"<iframe src={attrs.get('src')!r}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in _URL_ATTRS:
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{name}={value[:40]!r} on <{tag}>")


def live_script(html: str) -> list[str]:
    """What in ``html`` could run script or overlay the page (empty list: nothing)."""
    finder = _Finder()
    finder.feed(html)
    return finder.problems


def assert_no_live_script(html: str) -> None:
    problems = live_script(html)
    assert not problems, problems
