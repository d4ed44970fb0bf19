"""The one way lists page: counted ("Page 2 of 3") or, for lists too large to count on every
click, one row more to know whether a next page exists."""
import re

from sqlalchemy import select

from elearn.accounts.models import User
from elearn.pagination import paginate
from tests.factories import make_user


def test_counted_and_uncounted_pages_agree(app):
    for n in range(7):
        make_user(f"trang{n}")
    stmt = select(User).where(User.username.like("trang%")).order_by(User.username)
    counted = paginate(stmt, 2, 3)
    assert [u.username for u in counted.items] == ["trang3", "trang4", "trang5"]
    assert (counted.total, counted.pages, counted.has_prev, counted.has_next) == (7, 3, True, True)
    assert paginate(stmt, 99, 3).page == 3                      # past the end: the last page
    uncounted = paginate(stmt, 2, 3, count=False)
    assert uncounted.items == counted.items and uncounted.has_next and uncounted.total is None
    assert not paginate(stmt, 3, 3, count=False).has_next
    rows = paginate(select(User.username, User.id).where(User.username.like("trang%")).order_by(User.username),
                    1, 2, rows=True)
    assert [r.username for r in rows.items] == ["trang0", "trang1"]


def test_the_pager_keeps_filters_and_path_arguments(app):
    from flask import render_template_string

    for n in range(3):
        make_user(f"loc{n}")
    page = paginate(select(User).where(User.username.like("loc%")).order_by(User.username), 2, 1)
    with app.test_request_context("/x?q=loc&page=2"):
        from flask import request
        html = render_template_string('{% from "_pager.html" import pager %}'
                                      "{{ pager(p, 'teach.learners', request.args, course_id=5) }}", p=page,
                                      request=request)
    assert "/teach/5/learners?q=loc&amp;page=1" in html and "/teach/5/learners?q=loc&amp;page=3" in html
    assert re.search(r"<span>\D*2\D+3\D*</span>", html), html  # "Page 2 of 3", in the page's language


def test_a_crafted_query_cannot_turn_the_pager_links_elsewhere(app):
    from flask import render_template_string

    for n in range(3):
        make_user(f"doc{n}")
    page = paginate(select(User).where(User.username.like("doc%")).order_by(User.username), 2, 1)
    with app.test_request_context("/x?q=doc&page=2&_external=1&_scheme=javascript&_anchor=%0Aalert(1)"):
        from flask import request
        html = render_template_string('{% from "_pager.html" import pager %}'
                                      "{{ pager(p, 'admin.users', request.args) }}", p=page, request=request)
    assert 'href="/admin/users?q=doc&amp;page=1"' in html and 'href="/admin/users?q=doc&amp;page=3"' in html
    assert "javascript" not in html and "alert" not in html
