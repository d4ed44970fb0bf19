"""LIKE wildcards typed into a search box are matched literally: of two records, one holding ``%``
(or ``_``), searching ``%`` finds that one only, not everything. One test per text search."""
from __future__ import annotations

import pytest

from elearn import audit, db
from elearn.permissions import Role
from tests.courses.factories import make_course
from tests.factories import make_unit, make_user
from tests.quizzes.bank.factories import make_category, make_question

# (the record that holds the wildcard, a record the wildcard would match as a pattern)
PAIRS = {"%": ("Đạt 100% chỉ tiêu", "Đạt 1000 chỉ tiêu"), "_": ("Mã_số", "Mãxsố"),
         "\\": ("Thư mục A\\B", "Thư mục AB")}


@pytest.fixture
def admin(app, login):
    user = make_user("quantri", roles=[Role.ADMIN], unit=make_unit(), full_name="Phạm Văn Quản")
    login(user)
    return user


def _found(client, url: str, term: str, pair: tuple[str, str]) -> list[bool]:
    page = client.get(url, query_string={"q": term, "target": term}).get_data(as_text=True)
    return [text in page for text in pair]


@pytest.mark.parametrize("term", sorted(PAIRS))
def test_catalog(client, admin, term):
    for title in PAIRS[term]:
        make_course(title=title)
    assert _found(client, "/catalog", term, PAIRS[term]) == [True, False]


@pytest.mark.parametrize("term", sorted(PAIRS))
def test_question_bank(client, admin, term):
    category = make_category("Ngân hàng", owner=admin)
    for text in PAIRS[term]:
        make_question(category, text=f"<p>{text}</p>", user=admin)
    assert _found(client, f"/bank/categories/{category.id}", term, PAIRS[term]) == [True, False]


@pytest.mark.parametrize("term", sorted(PAIRS))
def test_admin_accounts(client, admin, term):
    for name in PAIRS[term]:
        make_user(full_name=name)
    assert _found(client, "/admin/users", term, PAIRS[term]) == [True, False]


def test_admin_accounts_underscore_in_username(client, admin):
    make_user("ma_so", full_name="Trần Văn Một")
    make_user("maxso", full_name="Trần Văn Hai")
    assert _found(client, "/admin/users", "_", ("Trần Văn Một", "Trần Văn Hai")) == [True, False]


@pytest.mark.parametrize("term", sorted(PAIRS))
def test_audit_log_object(client, admin, term):
    for target in PAIRS[term]:
        audit.record("user.update", target=target, actor=admin)
    db.session.commit()
    assert _found(client, "/admin/audit", term, PAIRS[term]) == [True, False]
