"""No internal code and no English on a Vietnamese page (issue 17.8, item 8).

The demo is loaded, then each role's demo account (and an anonymous visitor) walks the site as a
newcomer would: from the home page, every link within the site, breadth first (a few pages per
kind of page, a few hundred in all), and every search or filter form submitted with a malformed
value. A page fails when its visible text (and the text of its labels, titles and buttons)
shows one of:

- an internal code: a stored enum value or name (``in_progress``, ``published``, ``PUBLISHED``),
  a role or permission code, an audit action (``course.create``), ``None``, ``True``, ``False``,
  or anything written like a code (``single_choice``, ``COMPLETED_AT``, ``stats.export``);
- a raw ISO date or date-time (``2026-12-15``, ``2026-12-15T08:00``);
- English: a message of our own catalogs or of WTForms left untranslated, or a common English word.
"""
from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import wtforms
from babel.messages.pofile import read_po
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from elearn import db
from elearn.accounts.models import User
from elearn.admin.audit_text import ACTION_LABELS
from elearn.db import Base
from elearn.demo import DEMO_PASSWORD, load_demo
from elearn.i18n import catalog_dirs
from elearn.permissions import Permission, Role

# One demo account per role (the trainer is also a cadre, the district manager too).
ACCOUNTS = {"anonymous": None, "cadre": "hang.nguyen", "trainer": "giangvien", "manager": "quanly.tinh",
            "manager_cadre": "quanly.vuthu", "admin": "admin"}
MAX_PAGES = 400            # per account
PER_ENDPOINT = 6           # pages of one kind (one question, one course...) are alike
SKIP = re.compile(r"^/(logout|static/|locale/|favicon)|/download|\.(csv|xlsx|pdf|zip|gift|txt|json)$|/export")
MALFORMED = "không-phải-giá-trị"

SNAKE = re.compile(r"^(?:[a-z]+(?:_[a-z]+)+|[A-Z]+(?:_[A-Z]+)+)$")   # single_choice, IN_PROGRESS
DOTTED = re.compile(r"^[a-z_]{3,}(?:\.[a-z_]{3,})+$(?<!\.com)(?<!\.org)(?<!\.net)")  # course.create
EXAMPLES = {"single_choice", "multiple_choice", "true_false", "COMPLETED", "ENROLLED", "enrolled", "completed"}
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")
WORDS = re.compile(r"[^\W\d_][\w.]*[\w]|[^\W\d_]", re.UNICODE)
# English words that are no Vietnamese syllable (so 'to', 'an', 'in', 'no' are not here).
ENGLISH_WORDS = set("""
the and of is are for with this that not your you has have was were will from none page next previous
save edit delete back search filter submit cancel course courses lesson lessons quiz quizzes question
questions answer answers user users score true false error errors required field invalid must please
select choose enter new add remove view download export import results result certificate certificates
contest round rounds draft published archived enrolled completed started pending running done failed
unknown yes login logout password sign settings details action actions target before after unit units
name title status total average minutes seconds attempt attempts points
""".split())
# Words that may stand in a Vietnamese page: the language switcher, and demo content.
ALLOWED_WORDS = {"English", "UNESCO", "ASEAN", "PDF", "CSV", "XLSX", "Excel", "GIFT", "Aiken", "HTML", "ID", "URL",
                 "Moodle", "Word", "X.Y.Z", "T.L", "C.B", "TP"}


ROOT = Path(__file__).resolve().parent.parent
RECORDED = re.compile(r'(?:audit\.record(?:_many)?\(|_issue\([^"]*)\s*(?:target=)?"([a-z_]+(?:\.[a-z_]+)+)"')


def recorded_actions() -> set[str]:
    """Every audit action the source records (``audit.record("course.create", ...)``)."""
    found = set()
    for package in ("elearn", "courses", "quizzes"):
        for path in (ROOT / package).rglob("*.py"):
            found.update(RECORDED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_audited_action_has_a_name():
    actions = recorded_actions()
    assert len(actions) > 40 and "certificate.issue" in actions
    assert sorted(actions - ACTION_LABELS.keys()) == []


def _codes() -> set[str]:
    codes = {"None", "True", "False", *ACTION_LABELS, *recorded_actions()}
    enums = {Role, Permission}
    for mapper in Base.registry.mappers:
        for column in mapper.columns:
            enum_class = getattr(column.type, "enum_class", None)
            if enum_class is not None:
                enums.add(enum_class)
    for enum_class in enums:
        for member in enum_class:
            codes.add(member.name)
            if isinstance(member.value, str):
                codes.add(member.value)
    return codes


def _catalog_english() -> list[str]:
    """Our English msgids (their literal parts, long enough to mean something) and WTForms'."""
    texts = set()
    for directory in catalog_dirs():
        with open(directory / "vi" / "LC_MESSAGES" / "messages.po", "rb") as f:
            for message in read_po(f):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                for msgid in ids:
                    if not msgid or message.string in (msgid, (msgid,)):
                        continue
                    for part in re.split(r"%\(\w+\)[sdf]|%[sdf]|\{[^}]*\}", msgid):
                        part = part.strip(" .,:;…()")
                        if len(part) >= 14 and " " in part:
                            texts.add(part)
    pot = (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").read_text(encoding="utf-8")
    for msgid in re.findall(r'^msgid "(.+)"$', pot, re.M):
        part = msgid.split("%(")[0].strip()
        if len(part) > 8:
            texts.add(part)
    return sorted(texts)


class _Page(HTMLParser):
    """The text a person sees or hears (text, option labels, titles, aria labels, placeholders,
    button values), the links, and the GET forms of a page. What the page marks as computer text
    (``<code>``: a file's column names, a certificate code) is not read."""

    SPOKEN = ("title", "aria-label", "placeholder", "alt", "aria-description")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "template", "code", "kbd", "samp"):
            self._skip += 1
        for name in self.SPOKEN:
            if a.get(name):
                self.text.append(a[name])
        if tag == "input" and a.get("type") in ("submit", "button", "reset") and a.get("value"):
            self.text.append(a["value"])
        if tag == "a" and a.get("href") and "download" not in a:
            self.links.append(a["href"])
        if tag == "form" and (a.get("method") or "get").lower() == "get":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        if tag in ("input", "select", "textarea") and self.forms and a.get("name"):
            kind = a.get("type", "text")
            if kind not in ("hidden", "submit", "button", "checkbox", "radio"):
                self.forms[-1]["fields"][a["name"]] = kind

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "code", "kbd", "samp") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data)


def findings(text: str, codes: set[str], english: list[str], known: list[str]) -> list[str]:
    """What a Vietnamese page must not show, in ``text``; ``known`` are demo data shown as they
    are (usernames, e-mail addresses, unit codes), taken out first."""
    for value in known:
        text = text.replace(value, " ")
    found = [f"ISO date {m}" for m in ISO.findall(text)]
    found += [f"English {e!r}" for e in english if e in text]
    for word in WORDS.findall(text):
        if word in ALLOWED_WORDS:
            continue
        if word in codes or word in EXAMPLES or SNAKE.match(word) or DOTTED.match(word):
            found.append(f"code {word!r}")
        elif word.lower() in ENGLISH_WORDS and word.isascii():
            found.append(f"English word {word!r}")
    return found


def _endpoint(app, path: str) -> str | None:
    try:
        endpoint, _args = app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


def walk(app, client, codes, english, known, starts=("/",)) -> tuple[dict[str, list[str]], int]:
    """Breadth first from ``starts`` (the home page); {url: findings} and how many pages were read."""
    queue, seen, per_endpoint, problems, pages = deque(starts), set(starts), {}, {}, 0

    def push(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
            return
        target = parts.path + ("?" + parts.query if parts.query else "")
        if target in seen or SKIP.search(parts.path):
            return
        endpoint = _endpoint(app, parts.path)
        if endpoint is None:
            return
        key = endpoint + ("?" if parts.query else "")
        if per_endpoint.get(key, 0) >= PER_ENDPOINT:
            return
        per_endpoint[key] = per_endpoint.get(key, 0) + 1
        seen.add(target)
        queue.append(target)

    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            push(urljoin(url, response.headers["Location"]))
            continue
        if not response.mimetype == "text/html":
            continue
        pages += 1
        assert response.status_code < 500, url
        page = _Page()
        page.feed(response.get_data(as_text=True))
        found = findings(" \n ".join(page.text), codes, english, known)
        if found:
            problems[url] = sorted(set(found))
        for href in page.links:
            push(urljoin(url, href.split("#")[0]))
        for form in page.forms:  # a filter or search form, filled with what is not a valid value
            if form["fields"]:
                action = urljoin(url, form["action"] or url).split("?")[0]
                query = "&".join(f"{name}={MALFORMED}" for name in form["fields"])
                push(f"{action}?{query}")
    return problems, pages


def _begin_attempt_and_entry(client) -> list[str]:
    """The signed-in cadre starts a new attempt on their course's quiz and an entry in the open
    contest round: the pages a walk along links alone does not reach."""
    from courses.models import Course, Item, ItemKind
    from quizzes.contests.models import ContestRound

    quiz_id = db.session.scalar(select(Item.id).join(Course, Course.id == Item.course_id).where(
        Item.kind == ItemKind.QUIZ, Course.slug == "chuyen-de-2023-hoc-tap-va-lam-theo-bac"))
    started = []
    response = client.post(f"/quizzes/item/{quiz_id}/start")
    assert response.status_code == 302
    started.append(urlsplit(response.headers["Location"]).path)
    open_round = db.session.scalar(select(ContestRound).order_by(ContestRound.number.desc()).limit(1))
    response = client.post(f"/contests/{open_round.contest_id}/rounds/{open_round.id}/start")
    assert response.status_code == 302
    started.append(urlsplit(response.headers["Location"]).path)
    assert any("/attempt/" in url for url in started) and any("/entries/" in url for url in started), started
    return started


@pytest.fixture
def demo(app):
    load_demo()
    db.session.commit()
    users = list(db.session.scalars(select(User)))
    from elearn.units.models import OrgUnit
    from quizzes.contests.models import ContestEntrant
    known = [u.username for u in users] + [u.email for u in users if u.email]
    known += [code for code in db.session.scalars(select(OrgUnit.code))]
    known += [e for e in db.session.scalars(select(ContestEntrant.email)) if e]
    return sorted(set(known), key=len, reverse=True)


@pytest.mark.parametrize("account", list(ACCOUNTS))
def test_no_page_shows_a_code_or_english(app, client, demo, account):
    username = ACCOUNTS[account]
    if username is not None:
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302
    starts = ["/"]
    if account == "cadre":  # pages behind a button: a quiz attempt and a contest entry under way
        starts += _begin_attempt_and_entry(client)
    problems, pages = walk(app, client, _codes(), _catalog_english(), demo, starts)
    assert pages >= (3 if username is None else 20), pages
    assert not problems, f"{account}: {len(problems)} of {pages} pages:\n" + "\n".join(
        f"{url}: {', '.join(found)}" for url, found in sorted(problems.items()))
