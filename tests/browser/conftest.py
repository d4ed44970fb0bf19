"""Browser journeys: Debian's Chromium driven by Playwright against a real gunicorn process.

Each test gets its own database (the ``database_url`` fixture), seeds it through the
factories, then starts a server on it. A failing test leaves a screenshot in
``tests/_artifacts/``. Journeys run at desktop and phone sizes.

Every page a journey opens is checked for accessibility (issue 17.14): the ``page`` fixture is a
``CheckedPage``, which runs axe-core (WCAG 2.0-2.2 A and AA, and axe's best practices, every
impact) and our own checks (no duplicate id; the quiz's page-number buttons at least 44 x 44 px)
after each navigation it makes or waits for, and the test fails at its end with what was found.
``assert_accessible(page)`` runs the same checks on the page as it is now (after a script changed it).
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.servers import Server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "_artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (CI does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def live_server(app, database_url, tmp_path):
    """Start after seeding: ``server = live_server()``; stopped at teardown."""
    servers: list[Server] = []

    def start(**env) -> Server:
        server = Server(database_url, tmp_path / f"srv{len(servers)}", workers=1, threads=4,
                        RATELIMIT_ENABLED="0", ELEARN_UPLOAD_DIR=str(tmp_path / "uploads"), **env).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def page(request, browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="vi-VN",
                                  accept_downloads=True, is_mobile=request.param == "phone")
    page = CheckedPage(context.new_page())
    page.set_default_timeout(15000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    if failed is not None and failed.passed:
        page.assert_no_violations()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


# WCAG 2.2 AA too (target-size: cadres tap on phones), beside WCAG 2.0 and 2.1 and axe's best practices
# (heading-order, empty-table-header, region...). Every impact fails, minor ones included.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}, "resultTypes": ["violations"]}
# Beside axe: ids used twice (axe no longer checks them: WCAG 2.2 made 4.1.1 obsolete, but a label
# or an aria reference then points at the wrong element), and the quiz's page-number buttons,
# which cadres tap on phones, at 44 x 44 px (WCAG 2.5.5 AAA; axe's target-size asks 24).
OWN_CHECKS = """() => {
  const found = [];
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) { seen.set(el.id, (seen.get(el.id) || 0) + 1); }
  for (const [id, n] of seen) { if (n > 1) { found.push(`duplicate-id: id="${id}" used ${n} times`); } }
  for (const b of document.querySelectorAll(".quiz-nav button")) {
    const r = b.getBoundingClientRect();
    if (r.width && (r.width < 44 || r.height < 44)) {
      found.push(`quiz-page-button-size: ${b.textContent.trim()} is ${Math.round(r.width)} x ${Math.round(r.height)} px`);
    }
  }
  return found;
}"""
EDITOR_READY = "textarea[data-rich] ~ .rich-editor .ql-editor, textarea[data-rich] ~ small.hint"


def accessibility_problems(page, javascript: bool = True) -> list[str]:
    """axe-core (the copy vendored by axe-playwright-python) and our checks on the page as it is.
    A page whose own scripts are off (``javascript=False``) cannot run axe (its timers never fire):
    its HTML, scripts taken out, is checked in a page of a context where they run."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not javascript:
        return _problems_without_scripts(page)
    if page.locator("textarea[data-rich]").count():
        page.locator(EDITOR_READY).first.wait_for()  # the editor (or its note) is in place: check that
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
             for v in results["violations"]]
    return found + page.evaluate(OWN_CHECKS)


def _problems_without_scripts(page) -> list[str]:
    html = re.sub(r"<script\b.*?</script\s*>", "", page.content(), flags=re.DOTALL | re.IGNORECASE)
    url = page.url.split("#")[0]
    context = page.context.browser.new_context(viewport=page.viewport_size, locale="vi-VN")
    try:
        twin = context.new_page()
        twin.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        twin.goto(url)
        return accessibility_problems(twin)
    finally:
        context.close()


def assert_accessible(page) -> None:
    """The accessibility checks on the current page: nothing found, whatever its impact."""
    problems = accessibility_problems(page, getattr(page, "javascript", True))
    assert not problems, "accessibility: " + "; ".join(problems)


class CheckedPage:
    """A Playwright page whose every navigation (``goto``, ``reload``, ``expect_navigation``,
    ``wait_for_url``, back and forward) is followed by the accessibility checks; what they find
    is kept (page by page) for ``assert_no_violations``. Anything else goes to the page itself."""

    def __init__(self, page, javascript: bool = True):
        self._page = page
        self.javascript = javascript  # the page's own scripts run (the editor is then awaited)
        self.violations: dict[str, list[str]] = {}
        self.checked: list[str] = []

    def __getattr__(self, name):
        return getattr(self._page, name)

    def check(self) -> None:
        url = self._page.url
        self.checked.append(url)
        problems = accessibility_problems(self._page, self.javascript)
        if problems:
            self.violations.setdefault(url, []).extend(p for p in problems if p not in self.violations.get(url, []))

    def goto(self, *args, **kwargs):
        response = self._page.goto(*args, **kwargs)
        self.check()
        return response

    def reload(self, *args, **kwargs):
        response = self._page.reload(*args, **kwargs)
        self.check()
        return response

    def go_back(self, *args, **kwargs):
        response = self._page.go_back(*args, **kwargs)
        self.check()
        return response

    def go_forward(self, *args, **kwargs):
        response = self._page.go_forward(*args, **kwargs)
        self.check()
        return response

    def wait_for_url(self, *args, **kwargs):
        self._page.wait_for_url(*args, **kwargs)
        self.check()

    @contextlib.contextmanager
    def expect_navigation(self, *args, **kwargs):
        with self._page.expect_navigation(*args, **kwargs) as navigation:
            yield navigation
        self.check()

    def assert_no_violations(self) -> None:
        assert self.checked, "no page was checked"
        if self.violations:
            pytest.fail("accessibility, on the pages the journey opened:\n" + "\n".join(
                f"{url}: " + "; ".join(found) for url, found in self.violations.items()), pytrace=False)


def menu(page):
    """The main menu as the user reaches it: on a phone, under the menu button, opened first."""
    phone = page.locator("details.menu-phone")
    if phone.is_visible():
        if phone.get_attribute("open") is None:
            phone.locator("summary").click()
        return phone.locator("nav")
    return page.locator("header nav.menu-wide")
