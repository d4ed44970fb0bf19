"""The organiser's results page: after publication it reads the stored ranking (never ranks again,
paged by rank in SQL); before, the preview is ranked a page at a time and cached per round until a
submitted entry or a ranking rule changes."""
from datetime import timedelta
from unittest import mock

import pytest

from elearn import db
from elearn.db import utcnow
from elearn.permissions import Role
from quizzes.contests import entries, queries, ranking, registration, results
from quizzes.contests.models import ContestEntry, PredictionKind
from tests.factories import make_user
from tests.quizzes.contests.factories import make_contest, right_answers


@pytest.fixture
def app_config():
    return {"CACHE_IN_TESTS": True}


def _round_with(n: int, **values):
    contest, r = make_contest(entries_per_round=2, **values)
    for i in range(n):
        entrant = registration.cadre_entrant(contest, make_user(roles=[Role.CADRE], full_name=f"Người Dự Thi {i}"))
        entry = entries.start_entry(r, entrant)
        entries.submit_entry(entry, right_answers(entry, wrong=i % 4), str(i))
    r.closes_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    return contest, r


def _page(client, contest, r, page=1):
    response = client.get(f"/contests/manage/{contest.id}/rounds/{r.id}/results?page={page}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_preview_is_ranked_once_until_an_entry_changes(app, client, login):
    contest, r = _round_with(5)
    login(contest.organiser)
    spy = mock.patch("quizzes.contests.queries.rank_page", wraps=ranking.rank_page)
    with spy as ranked:
        first = _page(client, contest, r)
        assert _page(client, contest, r) == first and ranked.call_count == 1  # cached
        entrant = registration.cadre_entrant(contest, make_user(roles=[Role.CADRE], full_name="Người Nộp Muộn"))
        db.session.add(ContestEntry(round_id=r.id, entrant_id=entrant.id, seq=1, started_at=utcnow(),
                                    deadline=utcnow(), submitted_at=utcnow(), questions=[], answers={},
                                    correct=10, prediction=3, duration_ms=1000))
        db.session.commit()
        assert "Người Nộp Muộn" in _page(client, contest, r) and ranked.call_count == 2  # a new entry: ranked again
        contest.ranking_order = "correct,time,prediction"
        db.session.commit()
        _page(client, contest, r)
        assert ranked.call_count == 3  # a rule changed: ranked again


@pytest.mark.parametrize("kind", list(PredictionKind))
def test_after_publication_the_stored_ranking_is_read_not_ranked(app, client, login, kind):
    contest, r = _round_with(7, prizes_first=1, prizes_second=1, prizes_third=1, prizes_consolation=0,
                             prediction_kind=kind)
    results.publish_results(r, contest.organiser)
    db.session.commit()
    full = ranking.rank_round(r)
    login(contest.organiser)
    with mock.patch("quizzes.contests.ranking.rank_round", side_effect=AssertionError("ranked again")), \
            mock.patch("quizzes.contests.queries.rank_page", side_effect=AssertionError("ranked again")):
        stored = queries.results_page(r, 2, 3)
        assert [(x.rank, x.entry_id, x.distance) for x in stored.rows] == \
            [(x.rank, x.entry_id, x.distance) for x in full.rows[3:6]]
        assert (stored.entries, stored.entrants, stored.actual, stored.all_correct) == \
            (full.entries, full.entrants, full.actual, full.all_correct)
        page = _page(client, contest, r)
    assert "Người Dự Thi 0" in page
