"""Contest results through the API: only a closed round whose results the organiser published."""
from __future__ import annotations

from datetime import timedelta

from elearn import db
from quizzes.contests import entries, registration, results, services
from tests.api.factories import bearer, make_token
from tests.factories import make_unit, make_user
from tests.quizzes.contests.factories import make_contest, right_answers


def test_published_round_results(app, client):
    contest, r = make_contest(prizes_first=1, prizes_second=1, prizes_third=0, prizes_consolation=0)
    unit = make_unit("Huyện ủy An", code="PA")
    players = [make_user(full_name=f"Người thi {i}", unit=unit) for i in range(3)]
    for user, wrong, guess in zip(players, [0, 1, 0], [2, 3, 5]):
        entry = entries.start_entry(r, registration.cadre_entrant(contest, user))
        entries.submit_entry(entry, right_answers(entry, wrong=wrong), str(guess))
    db.session.commit()
    headers = bearer(make_token(make_user("doc.ket.qua", unit=unit), ["contests:read"]))
    url = f"/api/v1/contests/{contest.id}/rounds/{r.id}/results"
    assert client.get(url, headers=headers).status_code == 404  # still open
    listed = client.get("/api/v1/contests", headers=headers).get_json()["items"]
    assert [c["id"] for c in listed] == [contest.id] and listed[0]["rounds"][0]["results_published"] is False

    r.closes_at = services.utcnow() - timedelta(minutes=2)  # past the minute late entries may still arrive
    db.session.commit()
    assert client.get(url, headers=headers).status_code == 404  # closed, not yet published
    results.publish_results(r, contest.organiser)
    db.session.commit()
    body = client.get(url, headers=headers).get_json()
    assert (body["entries"], body["entrants"]) == (3, 3)
    assert [(p["rank"], p["prize"], p["full_name"]) for p in body["prizes"]] == [
        (1, "first", "Người thi 0"), (2, "second", "Người thi 2")]
    assert client.get(f"/api/v1/contests/{contest.id}/rounds/987654/results", headers=headers).status_code == 404
    assert client.get(url, headers=bearer(make_token(players[0], ["courses:read"]))).status_code == 403
