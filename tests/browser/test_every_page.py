"""Every kind of page of the demo, opened in the browser by each role, passes the accessibility
checks of the journeys (issue 17.14): the journeys open a few dozen pages; this walk opens a few of
every kind a role reaches by links (breadth first from the home page, as in test_no_codes_shown)."""
from __future__ import annotations

from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from elearn import db
from elearn.demo import DEMO_PASSWORD, load_demo
from tests.browser.conftest import CheckedPage, sign_in
from tests.test_no_codes_shown import SKIP, _endpoint

pytestmark = pytest.mark.browser
ACCOUNTS = ["admin", "giangvien", "quanly.vuthu", "hang.nguyen"]
PER_ENDPOINT = 2
MAX_PAGES = 90


def _walk(app, page: CheckedPage, base: str) -> int:
    queue, seen, per_endpoint, opened = deque(["/"]), {"/"}, {}, 0
    while queue and opened < MAX_PAGES:
        path = queue.popleft()
        response = page.goto(base + path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        opened += 1
        for href in page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)"):
            parts = urlsplit(urljoin(page.url, href.split("#")[0]))
            if parts.netloc != urlsplit(base).netloc or SKIP.search(parts.path):
                continue
            target = parts.path + ("?" + parts.query if parts.query else "")
            endpoint = _endpoint(app, parts.path)
            key = (endpoint or "") + ("?" if parts.query else "")
            if target in seen or endpoint is None or per_endpoint.get(key, 0) >= PER_ENDPOINT:
                continue
            per_endpoint[key] = per_endpoint.get(key, 0) + 1
            seen.add(target)
            queue.append(target)
    return opened


@pytest.fixture
def demo_server(app, live_server):
    load_demo()
    db.session.commit()
    return live_server()


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_kind_of_page_is_accessible(app, demo_server, browser, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = CheckedPage(context.new_page())
    page.set_default_timeout(15000)
    try:
        sign_in(page, demo_server.url, username, DEMO_PASSWORD)
        opened = _walk(app, page, demo_server.url)
        assert opened > 10, opened
        page.assert_no_violations()
    finally:
        context.close()
