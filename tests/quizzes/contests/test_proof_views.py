"""The entrant's pages: the ranking rules, the published ranking file, "Check my entry", "My entries"."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn import db
from elearn.db import utcnow
from elearn.permissions import Role
from quizzes.contests import proof, registration, results
from quizzes.contests.models import ContestEntry, ContestRankingFile
from tests.factories import PASSWORD, make_user
from tests.quizzes.contests.factories import make_contest
from tests.quizzes.contests.test_views import _form_answers, mailed_code, register


def _enter(client, contest, r, prediction="7"):
    client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry = db.session.scalars(select(ContestEntry).order_by(ContestEntry.id.desc())).first()
    assert client.post(f"/contests/entries/{entry.id}", data=_form_answers(entry) | {"prediction": prediction}
                       ).status_code == 302
    return entry


@pytest.fixture
def published(app, client, login):
    """A round with a public entrant (``client``, identified) and a cadre, closed and published."""
    contest, r = make_contest(ranking_order="correct,time,prediction")
    register(client, contest)
    public_entry = _enter(client, contest, r)
    cadre = make_user(roles=[Role.CADRE], full_name="Lê Văn Cán")
    _enter(_signed_in(app, cadre), contest, r, prediction="1")
    r.closes_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    return contest, r, public_entry, cadre


def _signed_in(app, user):
    other = app.test_client()
    assert other.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return other


def _publish(contest, r):
    results.publish_results(r, contest.organiser)
    db.session.commit()


def test_the_contest_page_states_the_ranking_order(app, client):
    contest, _r = make_contest(ranking_order="correct,time,prediction")
    page = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    rules = page[page.index("Cách xếp hạng"):]
    assert rules.index("số câu trả lời đúng") < rules.index("thời gian làm bài") \
        < rules.index("mức chênh lệch của dự đoán") < rules.index("thời điểm nộp bài")


def test_nothing_is_out_before_publication_and_the_file_checks_after(app, client, published):
    contest, r, public_entry, _cadre = published
    stranger = app.test_client()
    base = f"/contests/{contest.id}/rounds/{r.id}"
    for path in ("/ranking-file.csv", "/proof", "/proof.json", "/results"):
        assert stranger.get(base + path).status_code == 404
        assert client.get(base + path).status_code == 404
    _publish(contest, r)
    page = stranger.get(f"{base}/results").get_data(as_text=True)
    file = db.session.get(ContestRankingFile, r.id)
    assert file.merkle_root in page and file.sha256 in page
    download = stranger.get(f"{base}/ranking-file.csv")
    assert download.status_code == 200 and download.headers["X-Content-SHA256"] == file.sha256
    again = stranger.get(f"{base}/ranking-file.csv", headers={"If-None-Match": download.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    checked = proof.verify_file(download.data, re.search(r"<code[^>]*>([0-9a-f]{64})</code>", page).group(1))
    assert checked.entries == 2 and checked.meta.order == "correct,time,prediction"
    body = download.data.decode()
    for personal in ("Trần Thị Bình", "0987654321", "binh@example.vn", "Lê Văn Cán", _cadre.username):
        assert personal not in body


def test_an_entrant_sees_their_own_line_and_proof_only(app, client, published):
    contest, r, public_entry, _cadre = published
    _publish(contest, r)
    base = f"/contests/{contest.id}/rounds/{r.id}"
    page = client.get(f"{base}/proof").get_data(as_text=True)
    file = db.session.get(ContestRankingFile, r.id)
    _meta, lines = proof.lines_of(file.content)
    mine = next(x for x in lines if x.split(",")[3] == "7")  # the public entrant predicted 7, the cadre 1
    theirs = next(x for x in lines if x != mine)
    assert mine in page and theirs not in page and "Đường dẫn Merkle" in page
    data = client.get(f"{base}/proof.json").get_json()
    assert data["line"] == mine and proof.root_from_proof(data["line"], data["proof"]) == file.merkle_root
    # Someone else: sent to come back with phone and code, never shown another's line.
    stranger = app.test_client()
    away = stranger.get(f"{base}/proof")
    assert away.status_code == 302 and "/identify?then=mine" in away.location
    assert stranger.get(f"{base}/proof.json").status_code == 302
    # A signed-in cadre who did not enter goes back to the contest page.
    other = _signed_in(app, make_user(roles=[Role.CADRE]))
    assert other.get(f"{base}/proof").location.endswith(f"/contests/{contest.id}")
    # An entrant whose entry was never submitted is in no line.
    late_user = make_user(roles=[Role.CADRE])
    entrant = registration.cadre_entrant(contest, late_user)
    db.session.add(ContestEntry(round_id=r.id, entrant_id=entrant.id, seq=1, deadline=utcnow(), questions=[],
                                answers={}))
    db.session.commit()
    late = _signed_in(app, late_user)
    assert "Bạn chưa nộp lượt thi nào" in late.get(f"{base}/proof").get_data(as_text=True)
    assert late.get(f"{base}/proof.json").status_code == 404


def test_my_entries_on_another_device_with_phone_and_code(app, client, published):
    contest, r, _public_entry, _cadre = published
    _publish(contest, r)
    device = app.test_client()
    away = device.get(f"/contests/{contest.id}/mine")
    assert away.status_code == 302 and away.location.endswith(f"/contests/{contest.id}/identify?then=mine")
    code = mailed_code("binh@example.vn")
    assert device.post(f"/contests/{contest.id}/identify?then=mine",
                       data={"phone": "0987 654 321", "code": "WRONG123"}).status_code == 200
    back = device.post(f"/contests/{contest.id}/identify?then=mine", data={"phone": "0987 654 321", "code": code})
    assert back.status_code == 302 and back.location.endswith(f"/contests/{contest.id}/mine")
    page = device.get(back.location).get_data(as_text=True)
    assert "Các lượt thi của tôi" in page and re.search(r"Hạng [12] trên 2", page)
    assert f"/contests/{contest.id}/rounds/{r.id}/proof" in page
    # ?then= takes no address: anything else goes back to the contest.
    again = app.test_client().post(f"/contests/{contest.id}/identify?then=https://evil.example",
                                   data={"phone": "0987 654 321", "code": code})
    assert again.location.endswith(f"/contests/{contest.id}")


def test_my_entries_before_results_and_for_a_cadre_without_entries(app, client, login):
    contest, r = make_contest()
    register(client, contest)
    _enter(client, contest, r)
    page = client.get(f"/contests/{contest.id}/mine").get_data(as_text=True)
    assert "Chưa công bố kết quả" in page
    login(make_user(roles=[Role.CADRE]))
    assert client.get(f"/contests/{contest.id}/mine").status_code == 302
