"""Entries: drawing, grading, time limits, entry limits (also under concurrency), predictions."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from elearn import db
from elearn.audit import AuditLog
from elearn.permissions import Role
from quizzes.bank import services as bank
from quizzes.bank.models import Question, QuestionVersion
from quizzes.contests import entries, registration, services
from quizzes.contests.models import ContestEntry
from quizzes.contests.services import GRACE, ContestError
from tests.factories import make_user
from tests.quizzes.contests.factories import make_contest, right_answers


@pytest.fixture
def cadre(app):
    return make_user(roles=[Role.CADRE])


def _enter(r, user, **kw):
    entrant = registration.cadre_entrant(r.contest, user)
    entry = entries.start_entry(r, entrant, **kw)
    db.session.commit()
    return entry


def test_an_entry_keeps_its_versions_and_is_graded_by_them(cadre):
    contest, r = make_contest()
    entry = _enter(r, cadre)
    assert len(entry.questions) == 10 and len({q["v"] for q in entry.questions}) == 10
    single = next(q for q in entry.questions if db.session.get(QuestionVersion, q["v"]).kind.value == "single")
    assert sorted(single["o"]) == ["a", "b"]  # the choice order shown is stored
    # The organiser edits a drawn question afterwards: the entry still shows and grades what was drawn.
    version = db.session.get(QuestionVersion, single["v"])
    question = db.session.get(Question, version.question_id)
    bank.update_question(question, text_html="<p>Đã sửa</p>", user=contest.organiser)
    db.session.commit()
    assert question.current_version_id != version.id
    assert entries.entry_questions(entry)[0][0].id == entry.questions[0]["v"]
    entries.submit_entry(entry, right_answers(entry, wrong=3), "12")
    db.session.commit()
    assert (entry.correct, entry.prediction) == (7, 12)
    assert entry.duration_ms >= 0 and entry.submitted_at >= entry.started_at


def test_multiple_choice_counts_only_the_exact_set(cadre):
    contest, r = make_contest(singles=5, multiples=7)
    entry = _enter(r, cadre)
    answers = right_answers(entry)
    multi = next(k for k in answers if len(answers[k]) == 2)
    answers[multi] = answers[multi][:1]  # half of the right choices: no point in a contest
    entries.submit_entry(entry, answers, "3")
    assert entry.correct == 9


def test_entry_after_the_round_closed_is_refused(cadre):
    contest, r = make_contest(opens=-120, closes=-1)
    with pytest.raises(ContestError, match="không trong thời gian"):
        _enter(r, cadre)
    contest2, r2 = make_contest(opens=-5, closes=5)
    entry = _enter(r2, make_user())
    assert entry.deadline == r2.closes_at  # the round's close cuts the time limit short
    with pytest.raises(ContestError, match="hết thời gian"):
        entries.submit_entry(entry, {}, "1", now=r2.closes_at + GRACE + timedelta(seconds=1))


def test_entry_over_its_time_limit_is_refused(cadre):
    contest, r = make_contest(limit_minutes=10)
    entry = _enter(r, cadre)
    assert entry.deadline == entry.started_at + timedelta(minutes=10)
    late = entry.deadline + GRACE + timedelta(seconds=1)
    with pytest.raises(ContestError, match="hết thời gian"):
        entries.submit_entry(entry, right_answers(entry), "5", now=late)
    db.session.rollback()
    assert db.session.get(ContestEntry, entry.id).submitted_at is None
    # Within the grace the entry counts, and its time is capped at the limit.
    entries.submit_entry(entry, right_answers(entry), "5", now=entry.deadline + GRACE)
    assert entry.duration_ms == 10 * 60 * 1000


def test_a_replayed_submit_changes_nothing(cadre):
    contest, r = make_contest()
    entry = _enter(r, cadre)
    entries.submit_entry(entry, right_answers(entry), "4")
    db.session.commit()
    with pytest.raises(ContestError, match="đã được nộp"):
        entries.submit_entry(entry, right_answers(entry, wrong=10), "9")
    assert db.session.get(ContestEntry, entry.id).correct == 10


def test_answers_for_questions_not_drawn_are_refused(cadre):
    contest, r = make_contest()
    entry = _enter(r, cadre)
    with pytest.raises(ContestError, match="không khớp"):
        entries.submit_entry(entry, {"999999": ["a"]}, "1")
    key = str(entry.questions[0]["v"])
    with pytest.raises(ContestError, match="không khớp"):
        entries.submit_entry(entry, {key: ["zz"]}, "1")  # not one of the question's choices
    with pytest.raises(ContestError, match="không khớp"):
        entries.submit_entry(entry, {key: "a"}, "1")  # wrong shape
    assert db.session.get(ContestEntry, entry.id).submitted_at is None


@pytest.mark.parametrize("raw", ["-1", "-0", "99999999999", "10000001", "abc", "1e3", "1.5", "", "  ", "٣",
                                 "1" * 40])
def test_bad_predictions_are_refused(raw):
    with pytest.raises(ContestError):
        entries.parse_prediction(raw)


@pytest.mark.parametrize("raw,value", [("0", 0), (" 42 ", 42), ("1.250", 1250), ("1 250 000", 1250000),
                                       ("10000000", 10_000_000)])
def test_predictions_read_as_people_write_them(raw, value):
    assert entries.parse_prediction(raw) == value


def test_more_entries_than_allowed_are_refused(cadre):
    contest, r = make_contest(entries_per_round=2)
    for _ in range(2):
        entry = _enter(r, cadre)
        assert _enter(r, cadre).id == entry.id  # a second start while running resumes the same entry
        entries.submit_entry(entry, right_answers(entry), "1")
        db.session.commit()
    with pytest.raises(ContestError, match="hết 2 lượt"):
        _enter(r, cadre)


def test_unlimited_entries(cadre):
    contest, r = make_contest(entries_per_round=0)
    for _ in range(4):
        entry = _enter(r, cadre)
        entries.submit_entry(entry, {}, "1")
        db.session.commit()
    assert [e.seq for e in db.session.scalars(select(ContestEntry).order_by(ContestEntry.seq))] == [1, 2, 3, 4]


def test_the_unique_slot_refuses_a_second_entry_with_the_same_number(cadre):
    """The constraint itself, in case a check above it were ever bypassed."""
    from sqlalchemy.exc import IntegrityError

    contest, r = make_contest()
    entry = _enter(r, cadre)
    db.session.add(ContestEntry(round_id=r.id, entrant_id=entry.entrant_id, seq=1, deadline=entry.deadline,
                                questions=[], answers={}))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_two_starts_at_once_make_one_entry(app, cadre):
    contest, r = make_contest(entries_per_round=1)
    entrant = registration.cadre_entrant(contest, cadre)
    db.session.commit()  # the test's own transaction must not hold SQLite's write lock
    barrier, outcomes = threading.Barrier(4), []

    def start():
        with app.app_context():
            db.set_write_intent(True)
            barrier.wait()
            try:
                entry = entries.start_entry(db.session.get(type(r), r.id), db.session.get(type(entrant), entrant.id))
                db.session.commit()
                outcomes.append(entry.id)
            except ContestError:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ContestEntry.id))) == 1
    ids = {o for o in outcomes if o != "refused"}
    assert len(ids) == 1  # every successful start got the one entry


def test_two_submits_at_once_grade_once(app, cadre):
    contest, r = make_contest()
    entry = _enter(r, cadre)
    answers = right_answers(entry)
    db.session.commit()  # the test's own transaction must not hold SQLite's write lock
    barrier, outcomes = threading.Barrier(3), []

    def submit(wrong):
        with app.app_context():
            db.set_write_intent(True)
            barrier.wait()
            try:
                e = db.session.get(ContestEntry, entry.id)
                entries.submit_entry(e, answers if not wrong else {}, str(wrong))
                db.session.commit()
                outcomes.append("ok")
            except ContestError:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=submit, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused"]


def test_organisers_cannot_enter(app):
    contest, r = make_contest()
    with pytest.raises(ContestError, match="Ban Tổ chức"):
        registration.cadre_entrant(contest, contest.organiser)
    other_trainer = make_user(roles=[Role.TRAINER, Role.CADRE])
    with pytest.raises(ContestError, match="Ban Tổ chức"):
        registration.cadre_entrant(contest, other_trainer)


def test_rules_and_rounds_are_validated_and_audited(app):
    contest, r = make_contest()
    organiser = contest.organiser
    with pytest.raises(ContestError, match="từ 10 đến 35"):
        services.update_round(r, organiser, {"question_count": 36})
    db.session.rollback()
    with pytest.raises(ContestError, match="có 12 câu hỏi"):
        services.update_round(r, organiser, {"question_count": 20})
    db.session.rollback()
    with pytest.raises(ContestError, match="không được trùng"):
        services.add_round(contest, organiser, {"opens_at": r.opens_at, "closes_at": r.closes_at,
                                                "question_count": 10, "category_ids": r.category_ids})
    db.session.rollback()
    services.update_contest(contest, organiser, {"rules_html": "<p>Thể lệ</p><script>alert(1)</script>",
                                                 "ranking_order": "correct,time,prediction"})
    db.session.commit()
    assert contest.rules_html == "<p>Thể lệ</p>"
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert {"contest.create", "contest.round.create", "contest.update"} <= set(actions)
    change = db.session.scalars(select(AuditLog).where(AuditLog.action == "contest.update")).one()
    assert change.details["changes"]["ranking_order"] == ["correct,prediction,time", "correct,time,prediction"]


def test_draw_settings_freeze_once_entries_started(cadre):
    contest, r = make_contest()
    _enter(r, cadre)
    with pytest.raises(ContestError, match="Đã có người dự thi"):
        services.update_round(r, contest.organiser, {"time_limit_minutes": 30})
