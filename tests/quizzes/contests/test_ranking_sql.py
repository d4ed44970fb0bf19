"""The database's ranking (window functions) equals the rules written in Python (``compute``),
ties included, for every configuration."""
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from elearn import db
from quizzes.contests.models import ContestEntrant, ContestEntry, CountedEntry, PredictionKind
from quizzes.contests.ranking import compute, rank_round
from tests.quizzes.contests.factories import make_contest

T0 = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("order", ["correct,prediction,time", "correct,time,prediction"])
@pytest.mark.parametrize("counted", list(CountedEntry))
@pytest.mark.parametrize("kind", list(PredictionKind))
def test_sql_ranking_equals_the_python_rules(app, order, counted, kind):
    contest, r = make_contest(ranking_order=order, counted_entry=counted, prediction_kind=kind, entries_per_round=0)
    rng = random.Random(f"{order}{counted}{kind}")
    entrants = [ContestEntrant(contest_id=contest.id, full_name=f"Người {i}") for i in range(40)]
    db.session.add_all(entrants)
    db.session.flush()
    seq = {}
    for _ in range(140):  # few distinct values: ties at every level, down to the entry id
        e = rng.choice(entrants)
        seq[e.id] = seq.get(e.id, 0) + 1
        at = T0 + timedelta(seconds=rng.randrange(4))
        submitted = None if rng.random() < 0.1 else at
        db.session.add(ContestEntry(round_id=r.id, entrant_id=e.id, seq=seq[e.id], started_at=at, deadline=at,
                                    submitted_at=submitted, correct=rng.choice([8, 9, 10, 10]),
                                    prediction=rng.randrange(0, 40), duration_ms=rng.choice([1000, 2000, 3000])))
    db.session.commit()
    rows = db.session.execute(select(ContestEntry.id, ContestEntry.entrant_id, ContestEntry.correct,
                                     ContestEntry.prediction, ContestEntry.duration_ms, ContestEntry.submitted_at)
                              .where(ContestEntry.round_id == r.id, ContestEntry.submitted_at.is_not(None))).all()
    expected = compute(rows, question_count=r.question_count, counted=counted, prediction_kind=kind, order=order)
    got = rank_round(r)
    assert (got.actual, got.all_correct, got.entries, got.entrants) == \
        (expected.actual, expected.all_correct, expected.entries, expected.entrants)
    assert got.rows == expected.rows and len(got.rows) > 20


def test_a_round_without_entries_ranks_nobody(app):
    _contest, r = make_contest()
    got = rank_round(r)
    assert (got.actual, got.entries, got.entrants, got.rows) == (0, 0, 0, [])
