"""A contest entry page shows its choices as the entry's own tokens, never as bank ids (issue 15.1)."""
from __future__ import annotations

import re

from sqlalchemy import select

from elearn import db
from elearn.permissions import Role
from quizzes.contests.models import ContestEntry
from tests.factories import make_user
from tests.quizzes.contests.factories import form_answers, make_contest
from tests.quizzes.pages import options


def _enter(client, login, contest, r):
    cadre = make_user(roles=[Role.CADRE])
    login(cadre)
    client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry = db.session.scalars(select(ContestEntry).order_by(ContestEntry.id.desc())).first()
    return entry, client.get(f"/contests/entries/{entry.id}").get_data(as_text=True)


def test_the_entry_page_carries_no_bank_id_and_first_choice_scores_at_chance(app, client, login):
    contest, r = make_contest(questions=20, singles=21)  # two choices each, the right one first
    entry, html = _enter(client, login, contest, r)
    shown = options(html)
    assert len(shown) >= 40 and not re.search(r'value="[a-z]"', html)
    assert {o["name"] for o in shown} == {f"q{n}" for n in range(1, 21)}  # numbers, not version ids
    data = {"prediction": "3"}
    for n in range(1, 21):
        data[f"q{n}"] = min(o["value"] for o in shown if o["name"] == f"q{n}")
    client.post(f"/contests/entries/{entry.id}", data=data)
    db.session.expire_all()
    assert db.session.get(ContestEntry, entry.id).correct <= 16  # chance is 10 of 20; P(> 16) ≈ 0.001


def test_tokens_of_another_entry_are_refused_and_nothing_is_graded(app, client, login):
    contest, r = make_contest()
    first, _html = _enter(client, login, contest, r)
    second, _html = _enter(client, login, contest, r)
    stolen = form_answers(first)
    page = client.post(f"/contests/entries/{second.id}", data={"prediction": "3", **stolen})
    db.session.expire_all()
    assert page.status_code == 200 and db.session.get(ContestEntry, second.id).submitted_at is None
    page = client.post(f"/contests/entries/{second.id}", data={"prediction": "3", "q11": "x"})
    assert page.status_code == 200 and db.session.get(ContestEntry, second.id).submitted_at is None
    client.post(f"/contests/entries/{second.id}", data={"prediction": "3", **form_answers(second)})
    db.session.expire_all()
    assert db.session.get(ContestEntry, second.id).correct == 10
