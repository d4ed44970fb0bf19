"""No English validation message in the Vietnamese interface (issue 17.8): every form posted
empty or with malformed values shows WTForms' messages in Vietnamese."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import wtforms

from elearn.permissions import Role
from tests.courses.factories import make_course
from tests.factories import make_unit, make_user
from tests.quizzes.bank.factories import make_category
from tests.quizzes.contests.factories import make_contest

# Every message WTForms can show, read from its own catalog template.
_POT = (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").read_text(encoding="utf-8")
ENGLISH = [m.split("%(")[0].strip() for m in re.findall(r'^msgid "(.+)"$', _POT, re.M)]
ENGLISH = [m for m in ENGLISH if len(m) > 8]


def _english_in(html: str) -> list[str]:
    return [m for m in ENGLISH if m in html]


@pytest.fixture
def everyone(app, login):
    user = make_user("quantri", roles=[Role.ADMIN, Role.TRAINER, Role.MANAGER], unit=make_unit("Tỉnh ủy"))
    login(user)
    return user


def test_forms_posted_empty_or_malformed_answer_in_vietnamese(app, client, everyone):
    course = make_course(everyone, lessons=1)
    category = make_category("Danh mục", owner=everyone)
    contest, r = make_contest(everyone)
    module = course.modules[0]
    bad = {"minutes": "mười", "year": "hai nghìn", "due_on": "31/02/2026", "opens_on": "x", "time_limit_minutes": "x",
           "pass_percent": "năm mươi", "starts_at": "hôm nay", "question_count": "-1", "email": "khong-phai-email"}
    pages = ["/teach/new", f"/teach/{course.id}", f"/teach/modules/{module.id}/lessons/new",
             f"/teach/{course.id}/assign", f"/quizzes/module/{module.id}/new", "/admin/units/new", "/admin/users/new",
             f"/bank/categories/{category.id}/questions/new", f"/bank/categories/{category.id}/edit",
             "/contests/manage/new", f"/contests/manage/{contest.id}/rounds/new", "/password"]
    for data in ({}, bad):
        for page in pages:
            html = client.post(page, data=data).get_data(as_text=True)
            assert not _english_in(html), (page, data, _english_in(html))
    assert "Vui lòng điền mục này." in client.post("/teach/new", data={}).get_data(as_text=True)


def test_sign_in_and_registration_forms_answer_in_vietnamese(app, client):
    contest, _r = make_contest()
    for page, data in (("/login", {}), ("/login", {"username": "x" * 100, "password": "y"}),
                       (f"/contests/{contest.id}/register", {"birth_date": "30/02/1990", "email": "x"}),
                       (f"/contests/{contest.id}/identify", {}), (f"/contests/{contest.id}/lost-code", {})):
        html = client.post(page, data=data).get_data(as_text=True)
        assert not _english_in(html), (page, _english_in(html))


def test_a_value_that_cannot_be_read_is_refused_once(app, client, everyone):
    html = client.post("/teach/new", data={"title": "Khóa học", "year": "hai nghìn", "opens_on": "", "closes_on": ""}).get_data(as_text=True)
    assert "Hãy nhập một số nguyên." in html
    assert "Số phải nằm trong khoảng" not in html  # not a second message about the same value
    assert "Ngày không hợp lệ" not in html  # the dates left empty are not wrong
    html = client.post("/teach/new", data={"title": "Khóa học", "year": "1990"}).get_data(as_text=True)
    assert "Số phải nằm trong khoảng 2000 đến 2100." in html  # a number out of range still says so
