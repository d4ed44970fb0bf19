"""Browser journeys: Debian's Chromium driven by Playwright against a real gunicorn process.

Each test gets its own database (the ``database_url`` fixture), seeds it through the
factories, then starts a server on it. A failing test leaves a screenshot in
``tests/_artifacts/``. Journeys run at desktop and phone sizes.
"""
from __future__ import annotations

import os
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
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


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


def assert_accessible(page) -> None:
    """axe-core on the current page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    # WCAG 2.2 AA too (target-size: cadres tap on phones), beside axe's default WCAG 2.1 and best practices.
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "accessibility: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in bad)


def menu(page):
    """The main menu as the user reaches it: on a phone, under the menu button, opened first."""
    phone = page.locator("details.menu-phone")
    if phone.is_visible():
        if phone.get_attribute("open") is None:
            phone.locator("summary").click()
        return phone.locator("nav")
    return page.locator("header nav.menu-wide")
