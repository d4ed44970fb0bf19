"""Suspicious clusters: many entrants from one address, identical timings; the start limit per address."""
import pytest
from sqlalchemy import select, update

from elearn import db
from elearn.permissions import Role
from quizzes.contests import clusters, entries, registration
from quizzes.contests.models import ContestEntry
from tests.factories import make_user
from tests.quizzes.contests.factories import make_contest, right_answers


def _entries(r, addresses, wrong=0):
    found = []
    for addr in addresses:
        entrant = registration.cadre_entrant(r.contest, make_user())
        entry = entries.start_entry(r, entrant, client_addr=addr)
        entries.submit_entry(entry, right_answers(entry, wrong=wrong), "5")
        found.append(entry)
    db.session.commit()
    return found


def test_many_entrants_from_one_address_and_identical_timings(app):
    contest, r = make_contest(entries_per_round=0)
    _entries(r, ["203.0.113.7"] * 5 + ["198.51.100.1"] * 4 + [None] * 6)
    _entries(r, ["203.0.113.7"], wrong=2)
    found = clusters.by_address(r, min_entrants=5)
    assert [(c.address, c.entrants, c.entries, c.all_correct) for c in found] == [("203.0.113.7", 6, 6, 5)]
    assert clusters.by_address(r, min_entrants=4)[1].address == "198.51.100.1"
    # Three entrants replay one sheet: same milliseconds, score and prediction.
    ids = db.session.scalars(select(ContestEntry.id).order_by(ContestEntry.id)).all()
    for i in ids:  # entries submitted by a test take a few ms each: make every timing distinct first
        db.session.execute(update(ContestEntry).where(ContestEntry.id == i).values(duration_ms=100_000 + i))
    db.session.execute(update(ContestEntry).where(ContestEntry.id.in_(ids[:3])).values(duration_ms=61_234))
    db.session.execute(update(ContestEntry).where(ContestEntry.id == ids[3]).values(duration_ms=61_235))
    db.session.commit()
    timings = clusters.same_timings(r, min_entrants=3)
    assert [(t.duration_ms, t.entrants, len(t.entrant_ids)) for t in timings] == [(61_234, 3, 3)]


def test_the_organiser_sees_the_report_and_nobody_else(app, client, login):
    contest, r = make_contest(entries_per_round=0)
    cadre = make_user(roles=[Role.CADRE], full_name="Phạm Văn Đáng")
    login(cadre)
    client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry = db.session.scalars(select(ContestEntry)).one()
    assert entry.client_addr == "127.0.0.1"  # recorded by the view from the request
    entries.submit_entry(entry, right_answers(entry), "3")
    db.session.commit()
    _entries(r, ["127.0.0.1"] * 4)
    url = f"/contests/manage/{contest.id}/rounds/{r.id}/suspicious"
    login(contest.organiser)
    page = client.get(url).get_data(as_text=True)
    assert "127.0.0.1" in page and "Nhiều người dự thi từ cùng một địa chỉ mạng" in page
    login(make_user(roles=[Role.TRAINER]))
    assert client.get(url).status_code == 404


class TestStartLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "CONTEST_START_LIMIT_PER_ADDRESS": "3 per hour",
                "CONTEST_START_LIMIT_PER_DEVICE": "2 per hour"}

    def test_starts_are_limited_per_device_and_per_address(self, app, client, login):
        from elearn.extensions import limiter

        limiter.reset()
        contest, r = make_contest(entries_per_round=0)
        login(make_user(roles=[Role.CADRE]))
        url = f"/contests/{contest.id}/rounds/{r.id}/start"
        assert [client.post(url).status_code for _ in range(3)] == [302, 302, 429]  # this browser: 2
        other = app.test_client()  # another browser at the same address
        with other.session_transaction() as s:
            s.clear()
        assert other.post(url).status_code != 429   # the address's third start
        assert other.post(url).status_code == 429   # the address's fourth
