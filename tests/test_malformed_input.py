"""Malformed numbers and dates in addresses and forms are a 400 or a form error, never a 500
(issue 15.5): huge integers, dates out of range, digits where the database cannot hold them."""
from __future__ import annotations

import pytest

from elearn import db
from elearn.permissions import Role
from quizzes import attempts
from tests.factories import make_user
from tests.quizzes.factories import enrolled_cadre, make_quiz

HUGE = "9" * 5000
BIG = "9" * 30


@pytest.mark.parametrize("path", [
    "/admin/audit?date_to=31/12/9999", "/admin/audit?date_from=0001-01-01", "/admin/audit?date_to=" + HUGE,
    "/stats/?to=9999-12-31", "/stats/?from=0001-01-01", "/stats/?from=31/12/9999&to=01/01/0001",
    "/stats/export?to=9999-12-31", "/stats/export?from=0001-01-01&format=xlsx", "/stats/?unit=" + HUGE,
    "/courses/" + HUGE, "/teach/" + HUGE, "/teach/" + BIG, "/learn/" + HUGE, "/quizzes/item/" + BIG,
    "/quizzes/attempt/" + HUGE, "/admin/users/" + BIG, "/contests/" + BIG, "/stats/?page=" + HUGE,
    "/admin/audit?page=" + BIG,
])
def test_a_malformed_address_is_not_a_server_error(app, client, login, path):
    login(make_user(roles=[Role.ADMIN, Role.MANAGER, Role.TRAINER]))
    assert client.get(path).status_code in (200, 302, 400, 404)


@pytest.mark.parametrize("field,value", [("shown", BIG), ("shown", HUGE), ("q" + BIG, "x"), ("q" + HUGE, "x"),
                                         ("go", BIG), ("go", HUGE), ("page", HUGE)])
def test_malformed_numbers_on_the_attempt_forms_are_refused(app, client, login, field, value):
    quiz = make_quiz(2)
    cadre = enrolled_cadre(quiz)
    attempt = attempts.start_attempt(quiz, cadre)
    db.session.commit()
    login(cadre)
    base = f"/quizzes/attempt/{attempt.id}"
    for url, ignored in ((base, ()), (base + "/save", ("go", "page"))):  # the JSON save reads no go or page
        response = client.post(url, data={field: value, "page": "1"})
        assert response.status_code in ((200,) if field in ignored else (302, 400)), (url, response.status_code)
