"""The entry path of a round's peak hour (issue 22): the caches it reads from follow every change,
a replayed submit is graded once, a late one refused, and each step runs a bounded number of
statements (``bench/load/contest_profile.py`` measures their CPU)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from elearn import db
from elearn.db import utcnow
from elearn.permissions import Role
from quizzes.bank import services as bank
from quizzes.bank.models import Question, QuestionVersion
from quizzes.contests import entries, paper, registration, services
from quizzes.contests.models import ContestEntry, ContestRound
from quizzes.contests.services import GRACE, ContestError
from tests.factories import make_user
from tests.quizzes.contests.factories import form_answers, make_contest, make_pool
from tests.quizzes.contests.test_views import register
from tests.sql import statements


def _pool_versions(r) -> set[int]:
    return {v for _q, v in paper.round_pool(r)}


def test_the_cached_pool_follows_edits_archiving_and_the_rounds_categories(app):
    contest, r = make_contest(singles=11, multiples=0)
    before = _pool_versions(r)
    assert len(before) == 11 and paper.round_pool(r) is paper.round_pool(r)  # kept
    question = db.session.scalars(select(Question).order_by(Question.id)).first()
    old_version = question.current_version_id
    bank.update_question(question, text_html="<p>Đã sửa</p>", user=contest.organiser)
    db.session.commit()
    now = _pool_versions(r)
    assert old_version not in now and question.current_version_id in now  # the edit is drawn at once
    bank.archive_question(question)
    db.session.commit()
    assert question.current_version_id not in _pool_versions(r) and len(_pool_versions(r)) == 10
    # The round draws from other categories: another key, another pool.
    other = make_pool(contest.organiser, singles=10, multiples=0)
    services.update_round(r, contest.organiser, {"category_ids": [other.id]})
    db.session.commit()
    assert _pool_versions(r).isdisjoint(now) and len(_pool_versions(r)) == 10


def test_another_process_edit_shows_within_the_pools_seconds(app):
    contest, r = make_contest(singles=11, multiples=0)
    first = db.session.scalars(select(Question).order_by(Question.id)).first()
    assert len(_pool_versions(r)) == 11
    # Written by another process (plain SQL, no ORM event here): this one's pool is stale until it ages.
    db.session.execute(text("UPDATE question SET archived = :yes WHERE id = :id"), {"yes": True, "id": first.id})
    db.session.commit()
    assert len(_pool_versions(r)) == 11
    app.config["CONTEST_POOL_SECONDS"] = 0
    assert len(_pool_versions(r)) == 10


def test_a_drawn_version_is_shown_and_graded_as_drawn_after_an_edit(app):
    contest, r = make_contest(singles=10, multiples=0)
    entrant = registration.cadre_entrant(contest, make_user(roles=[Role.CADRE]))
    entry = entries.start_entry(r, entrant)
    db.session.commit()
    shown = entries.entry_questions(entry)  # the versions are now in the app's cache
    version = db.session.get(QuestionVersion, entry.questions[0]["v"])
    bank.update_question(db.session.get(Question, version.question_id), text_html="<p>Đã sửa</p>",
                         user=contest.organiser)
    db.session.commit()
    again = entries.entry_questions(entry)
    assert [v.id for v, _s in again] == [v.id for v, _s in shown] and again[0][0].text_html == version.text_html


def _start(client, contest, r) -> ContestEntry:
    response = client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    assert response.status_code == 302 and "/contests/entries/" in response.location
    return db.session.get(ContestEntry, int(re.search(r"/entries/(\d+)", response.location).group(1)))


def test_a_replayed_submit_is_graded_once_and_a_late_one_refused(app, client):
    contest, r = make_contest(entries_per_round=2)
    register(client, contest)
    entry = _start(client, contest, r)
    data = {"prediction": "7", **form_answers(entry, wrong=2)}
    first = client.post(f"/contests/entries/{entry.id}", data=data)
    replay = client.post(f"/contests/entries/{entry.id}", data={**data, "prediction": "99"})
    assert first.location.endswith("/done") and replay.location.endswith("/done")
    db.session.expire_all()
    done = db.session.get(ContestEntry, entry.id)
    assert (done.correct, done.prediction) == (8, 7)
    # The second entry's time runs out: its submit is refused and nothing is written.
    late = _start(client, contest, r)
    late.deadline = utcnow() - GRACE - timedelta(seconds=1)
    db.session.commit()
    page = client.post(f"/contests/entries/{late.id}", data={"prediction": "3", **form_answers(late)},
                       follow_redirects=True).get_data(as_text=True)
    assert "hết thời gian" in page
    db.session.expire_all()
    assert db.session.get(ContestEntry, late.id).submitted_at is None


def test_a_start_after_the_round_closed_is_refused(app, client):
    contest, r = make_contest()
    register(client, contest)
    db.session.get(ContestRound, r.id).closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = client.post(f"/contests/{contest.id}/rounds/{r.id}/start", follow_redirects=True).get_data(as_text=True)
    assert "không trong thời gian" in page
    assert db.session.scalar(select(ContestEntry.id)) is None


def test_each_entry_step_runs_few_statements(app, client):
    contest, r = make_contest(entries_per_round=1)
    register(client, contest, phone="0912 000 001", email="mot@example.vn")  # fills the app's caches
    _start(client, contest, r)
    second = app.test_client()
    register(second, contest, phone="0912 000 002", email="hai@example.vn")
    counts: dict[str, int] = {}

    def step(name, method, path, **kw):
        with statements(app, queries_only=True) as run:
            response = second.open(path, method=method, **kw)
        assert response.status_code in (200, 302), (name, response.status_code)
        counts[name] = len(run)
        return response

    step("contest page", "GET", f"/contests/{contest.id}")
    started = step("start", "POST", f"/contests/{contest.id}/rounds/{r.id}/start").location
    entry = db.session.get(ContestEntry, int(started.rsplit("/", 1)[1]))
    step("paper", "GET", started)
    done = step("submit", "POST", started, data={"prediction": "5", **form_answers(entry)}).location
    step("receipt", "GET", done)
    step("identify", "POST", f"/contests/{contest.id}/identify", data={"phone": "0912000002", "code": "WRONG234"})
    # Measured on SQLite and PostgreSQL: 4, 5, 1, 2, 1 and 2 (the full pool and versions read once a
    # process and 5 s, not per entry).
    limits = {"contest page": 4, "start": 5, "paper": 1, "submit": 2, "receipt": 1, "identify": 2}
    assert {k: v for k, v in counts.items() if v > limits[k]} == {}, counts


def test_start_entry_still_refuses_a_round_with_too_few_questions(app):
    contest, r = make_contest(singles=10, multiples=0)
    question = db.session.scalars(select(Question)).first()
    paper.round_pool(r)
    bank.archive_question(question)
    db.session.commit()
    entrant = registration.cadre_entrant(contest, make_user(roles=[Role.CADRE]))
    with pytest.raises(ContestError):
        entries.start_entry(r, entrant)
