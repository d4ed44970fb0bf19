"""Ranking: the counted entry, configurable order, the actual value, prizes, unit participation."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from elearn import db
from elearn.audit import AuditLog
from quizzes.contests import entries, registration, results, services
from quizzes.contests.models import ContestPrize, CountedEntry, PredictionKind, PrizeKind
from quizzes.contests.ranking import compute, rank_round, unit_participation
from quizzes.contests.services import ContestError
from tests.factories import make_unit, make_user
from tests.quizzes.contests.factories import make_contest, right_answers

T0 = datetime(2023, 5, 15, 3, 0, tzinfo=UTC)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


# (entry id, entrant id, correct, prediction, duration ms, submitted at)
ROWS = [
    (1, 10, 20, 3, 300_000, at(1)),   # all correct, predicts 3, slow
    (2, 11, 20, 2, 100_000, at(2)),   # all correct, predicts 2 (exact), fast
    (3, 12, 20, 9, 50_000, at(3)),    # all correct, far prediction, fastest
    (4, 13, 19, 2, 10_000, at(4)),
    (5, 10, 20, 2, 10_000, at(5)),    # entrant 10 again: equally good, later -> the earlier one counts
]


def rank(order="correct,prediction,time", counted=CountedEntry.BEST, kind=PredictionKind.ALL_CORRECT, rows=ROWS):
    return compute(rows, question_count=20, counted=counted, prediction_kind=kind, order=order)


def test_correct_then_prediction_then_time():
    result = rank()
    assert result.all_correct == 3 and result.actual == 3 and result.entries == 5 and result.entrants == 4
    assert [r.entry_id for r in result.rows] == [1, 2, 3, 4]  # 1: distance 0; 2: distance 1, ...
    assert [r.rank for r in result.rows] == [1, 2, 3, 4]
    assert result.rows[2].distance == 6


def test_correct_then_time_then_prediction():
    assert [r.entry_id for r in rank("correct,time,prediction").rows] == [3, 2, 1, 4]


def test_best_entry_counts_and_the_earliest_among_equals():
    rows = ROWS + [(6, 13, 20, 1, 400_000, at(6))]  # entrant 13 improves: the better entry counts
    result = rank(rows=rows)
    assert {r.entrant_id: r.entry_id for r in result.rows} == {10: 1, 11: 2, 12: 3, 13: 6}
    assert result.all_correct == 4


def test_first_entry_counts_when_so_configured():
    rows = [(1, 10, 5, 0, 1, at(1)), (2, 10, 20, 0, 1, at(2))]
    assert rank(rows=rows, counted=CountedEntry.FIRST).rows[0].entry_id == 1
    assert rank(rows=rows, counted=CountedEntry.BEST).rows[0].entry_id == 2


def test_entries_prediction_counts_every_submitted_entry():
    result = rank(kind=PredictionKind.ENTRIES)
    assert result.actual == 5
    assert [(r.entry_id, r.distance) for r in result.rows[:3]] == [(1, 2), (2, 3), (3, 4)]


def test_full_ties_fall_to_the_earliest_submission():
    rows = [(7, 1, 10, 4, 1000, at(9)), (8, 2, 10, 4, 1000, at(8))]
    assert [r.entry_id for r in rank(rows=rows).rows] == [8, 7]


def _play(r, users, wrongs, predictions):
    for user, wrong, guess in zip(users, wrongs, predictions):
        entry = entries.start_entry(r, registration.cadre_entrant(r.contest, user))
        entries.submit_entry(entry, right_answers(entry, wrong=wrong), str(guess))
    db.session.commit()


def _close(r):
    r.closes_at = services.utcnow() - timedelta(minutes=2)
    db.session.commit()


def test_results_wait_for_the_round_to_close(app):
    contest, r = make_contest()
    _play(r, [make_user()], [0], [1])
    with pytest.raises(ContestError, match="sau khi đợt thi kết thúc"):
        results.publish_results(r, contest.organiser)
    with pytest.raises(ContestError):
        results.require_closed(r)


def test_publish_fixes_the_prize_list_and_is_audited(app):
    contest, r = make_contest(prizes_first=1, prizes_second=1, prizes_third=1, prizes_consolation=1)
    users = [make_user(full_name=f"Người thi {i}") for i in range(6)]
    _play(r, users, [0, 0, 1, 2, 3, 0], [3, 1, 3, 3, 3, 9])
    _close(r)
    results.publish_results(r, contest.organiser)
    db.session.commit()
    assert (r.actual_value, r.entry_total, r.entrant_total) == (3, 6, 6)
    prizes = db.session.scalars(select(ContestPrize).order_by(ContestPrize.rank)).all()
    assert [p.prize for p in prizes] == [PrizeKind.FIRST, PrizeKind.SECOND, PrizeKind.THIRD, PrizeKind.CONSOLATION]
    assert [p.full_name for p in prizes] == ["Người thi 0", "Người thi 1", "Người thi 5", "Người thi 2"]
    # Names are a snapshot: renaming the cadre later does not rewrite the announced list.
    users[0].set_full_name("Tên khác")
    db.session.commit()
    assert db.session.get(ContestPrize, prizes[0].id).full_name == "Người thi 0"
    results.withdraw_results(r, contest.organiser)
    db.session.commit()
    actions = db.session.scalars(select(AuditLog.action)).all()
    assert "contest.results.publish" in actions and "contest.results.withdraw" in actions
    assert r.published_at is None and not r.prizes


def test_ranking_rules_are_frozen_once_results_are_published(app):
    contest, r = make_contest()
    _play(r, [make_user()], [0], [1])
    _close(r)
    results.publish_results(r, contest.organiser)
    with pytest.raises(ContestError, match="không thể thay đổi cách xếp hạng"):
        services.update_contest(contest, contest.organiser, {"ranking_order": "correct,time,prediction"})


def test_unit_participation_absolute_and_per_member(app):
    province = make_unit("Tỉnh ủy")
    big, small = make_unit("Huyện ủy Lớn", province), make_unit("Huyện ủy Nhỏ", province)
    commune = make_unit("Đảng ủy xã", big)
    big_users = [make_user(unit=commune) for _ in range(4)] + [make_user(unit=big) for _ in range(4)]
    small_users = [make_user(unit=small) for _ in range(2)]
    contest, r = make_contest(unit_depth=1)
    _play(r, big_users[:3] + small_users, [0] * 5, [1] * 5)
    _close(r)
    result = unit_participation(r)
    by_name = {row.unit.name: row for row in result.rows}
    assert (by_name["Huyện ủy Lớn"].entrants, by_name["Huyện ủy Lớn"].members) == (3, 8)
    assert (by_name["Huyện ủy Nhỏ"].entrants, by_name["Huyện ủy Nhỏ"].members) == (2, 2)
    assert result.rows[0].unit.name == "Huyện ủy Lớn"            # most entrants
    assert result.by_share()[0].unit.name == "Huyện ủy Nhỏ"      # 100 % of its members
    # A configured member count replaces the count of accounts.
    services.set_unit_sizes(contest, contest.organiser, {small: 40})
    db.session.commit()
    assert {row.unit.name: row.per_member for row in unit_participation(r).rows}["Huyện ủy Nhỏ"] == 5.0
    assert rank_round(r).entrants == 5
