"""SQL and LIKE metacharacters in every search box and filter.

``SEARCHES`` names every view that reads the query string and the parameters it reads. Each one is
fed the ``SEARCH`` corpus: never a server error, the page answers (200, or a clear 400/404), and the
tables are still there afterwards. The list cannot fall behind the code: ``test_every_get_form_is_covered``
renders every GET page of the URL map and fails on a GET form field that is not listed, and
``test_every_args_read_is_covered`` does the same for ``request.args.get("x")`` in the view modules.
"""
from __future__ import annotations

import inspect
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect

from elearn import db
from elearn.accounts.models import User
from elearn.db import Base
from tests.hostile import SEARCH
from tests.hostile_world import every_get_page, fill, make_world, start_attempt

# endpoint -> (the query parameters it reads, answers allowed besides 200 and 400)
SEARCHES: dict[str, tuple[tuple[str, ...], set[int]]] = {
    "courses.catalog": (("q", "theme", "year"), set()),
    "admin.users": (("q", "unit", "role", "page"), set()),
    "admin.audit": (("action", "actor", "target", "date_from", "date_to", "page"), set()),
    "admin.unit_new": (("parent",), set()),
    "bank.category": (("q", "kind", "sub", "archived", "page"), set()),
    "bank.new_question": (("kind",), {404}),
    "quizzes.choose_questions": (("category",), set()),
    "quizzes.results": (("unit",), set()),
    "formats.import_page": (("category",), set()),
    "formats.export": (("category", "format"), {404}),
    "stats.dashboard": (("unit", "course", "programme", "from", "to", "behind", "page"), set()),
    "stats.export_file": (("kind", "format", "unit", "course", "programme", "from", "to"), {404}),
    "certificates.manage": (("course", "unit", "page"), set()),
    "certificates.export_zip": (("course", "unit"), {404}),
    "certificates.verify_form": (("code",), {404}),
    "contest_admin.results": (("page",), set()),
    "teach.learners": (("page",), set()),
    "quizzes.attempt": (("page",), set()),
    "auth.login": (("next",), set()),
    "contests.identify": (("then",), set()),
    "stats.renewals": (("programme", "unit", "course", "from", "to", "page"), set()),
    "certificates.expired": (("course", "unit", "page"), set()),
    "teach_programmes.learners": (("page",), set()),
    "notifications.index": (("page",), set()),
    "packages.cmi5_state_document": (("stateId", "activityId"), {401}),  # the AU's token, then its parameters
}
TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.fixture
def world(app, login):
    world = make_world()
    login(world.admin)
    return world


@pytest.mark.parametrize("endpoint", sorted(SEARCHES))
def test_metacharacters_in_every_parameter(app, client, world, endpoint):
    if endpoint == "quizzes.attempt":
        start_attempt(client, world)
    url = fill(app, world, endpoint)
    users = db.session.scalar(select(func.count()).select_from(User))
    params, extra = SEARCHES[endpoint]
    failures = []
    for param in params:
        for payload in SEARCH:
            try:  # TESTING propagates a view's exception: list it with the others
                status = client.get(url, query_string={param: payload}, follow_redirects=True).status_code
            except Exception as error:  # noqa: BLE001
                status = f"{type(error).__name__}: {str(error)[:80]}"
                db.session.rollback()
            if status not in {200, 400} | extra:
                failures.append(f"{param}={payload[:30]!r}: {status}")
    assert not failures, f"{url}:\n" + "\n".join(failures)
    assert TABLES <= set(sa_inspect(db.engine()).get_table_names())
    assert db.session.scalar(select(func.count()).select_from(User)) == users


# --- the list cannot fall behind the code ---------------------------------------------------------

class _GetForms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str | None, set[str]]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = (attrs.get("method") or "get").lower() == "get"
            if self._open:
                self.forms.append((attrs.get("action"), set()))
        elif self._open and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.forms[-1][1].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False


def test_every_get_form_is_covered(app, client, world):
    start_attempt(client, world)
    adapter = app.url_map.bind("localhost")
    missing, rendered = [], 0
    for endpoint, response in every_get_page(app, client, world):
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        rendered += 1
        parser = _GetForms()
        parser.feed(response.get_data(as_text=True))
        for action, names in parser.forms:
            target = adapter.match(urlsplit(action).path, "GET")[0] if action else endpoint
            covered = SEARCHES.get(target, ((), set()))[0]
            missing += [f"{target}: {name}" for name in sorted(names - set(covered))]
    assert rendered > 40  # the walk did see the pages
    assert not missing, "add to SEARCHES (and make sure the view copes): " + ", ".join(missing)


_ARGS_READ = re.compile(r"""(?:request\.)?args\.get\(\s*["'](\w+)["']""")
_ARGS_FORM = re.compile(r"""(\w+)\(request\.args\)""")


def test_every_args_read_is_covered(app):
    covered: dict[str, set[str]] = {}
    for endpoint, (params, _extra) in SEARCHES.items():
        module = inspect.getmodule(app.view_functions[endpoint])
        covered.setdefault(module.__name__, set()).update(params)
    missing = []
    for module in {inspect.getmodule(v) for v in app.view_functions.values()}:
        source = inspect.getsource(module)
        read = set(_ARGS_READ.findall(source))
        for form_name in _ARGS_FORM.findall(source):
            form = getattr(module, form_name)
            read |= {name for name, value in vars(form).items() if hasattr(value, "field_class")}
        if "page_number()" in source:
            read.add("page")
        missing += [f"{module.__name__}: {name}" for name in sorted(read - covered.get(module.__name__, set()))]
    assert not missing, "add to SEARCHES: " + ", ".join(missing)


def test_numbers_too_big_for_the_database_in_every_url(app, client, world):
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint.endswith("static"):
            continue
        url = re.sub(r"<[^>]+>", "99999999999999999999", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            try:
                status = client.open(url, method=method).status_code
            except Exception as error:  # noqa: BLE001
                status, _ = f"{type(error).__name__}: {str(error)[:80]}", db.session.rollback()
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{method} {url}: {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("where", ["query", "form value", "form key", "multipart"])
def test_a_nul_in_any_field_is_a_400_before_any_view(app, client, where):
    nul = {"username": "ha\x00ng", "password": "x"}
    response = {"query": lambda: client.get("/catalog", query_string={"q": "a\x00"}),
                "form value": lambda: client.post("/login", data=nul),
                "form key": lambda: client.post("/login", data={"a\x00": "1"}),
                "multipart": lambda: client.post("/login", data=nul, content_type="multipart/form-data")}[where]()
    assert response.status_code == 400
