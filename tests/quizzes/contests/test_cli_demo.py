"""The ``elearn contests`` commands and the demo contest."""
import json
from datetime import timedelta

from sqlalchemy import select

from elearn import db
from elearn.db import utcnow
from elearn.demo import load_demo
from quizzes.contests import entries, registration
from quizzes.contests.models import Contest, ContestPrize
from quizzes.contests.services import round_state
from tests.factories import make_user
from tests.quizzes.contests.factories import make_contest, right_answers


def test_demo_has_a_closed_round_with_results_and_an_open_round(app):
    load_demo()
    db.session.commit()
    load_demo()  # idempotent
    db.session.commit()
    contest = db.session.scalars(select(Contest)).one()
    closed, open_ = contest.rounds
    assert (round_state(closed), round_state(open_)) == ("closed", "open")
    assert closed.published_at is not None and closed.entry_total == 10 and closed.prizes
    assert "2023" in contest.title and len(contest.rounds) == 2


def test_cli_lists_refuses_open_rounds_and_publishes_and_exports(app, runner, tmp_path):
    contest, r = make_contest(prizes_first=1, prizes_second=0, prizes_third=0, prizes_consolation=0)
    user = make_user()
    entry = entries.start_entry(r, registration.cadre_entrant(contest, user))
    entries.submit_entry(entry, right_answers(entry), "1")
    db.session.commit()
    listed = json.loads(runner.invoke(args=["contests", "list", "--json"]).output)
    assert listed[0]["rounds"][0]["state"] == "open"
    early = runner.invoke(args=["contests", "results", str(r.id)])
    assert early.exit_code != 0 and "sau khi đợt thi kết thúc" in early.output
    out = tmp_path / "r.csv"
    assert runner.invoke(args=["contests", "export", str(r.id), "--format", "csv", "-o", str(out)]).exit_code != 0
    assert not out.exists()
    r.closes_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    data = json.loads(runner.invoke(args=["contests", "results", str(r.id), "--json"]).output)
    assert data["entries"] == 1 and data["top"][0]["correct"] == 10
    result = runner.invoke(args=["contests", "publish", str(r.id), "--by", contest.organiser.username])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(ContestPrize)).one().full_name == user.full_name
    refused = runner.invoke(args=["contests", "publish", str(r.id), "--by", user.username])
    assert refused.exit_code != 0
    result = runner.invoke(args=["contests", "export", str(r.id), "--format", "xlsx", "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0 and "1 rows" in result.output
