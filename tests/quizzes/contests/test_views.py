"""Through the browser: public registration and entry, cadres, organiser pages, exports, no early leaks."""
import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from elearn import db, mail
from elearn.audit import AuditLog
from elearn.db import utcnow
from elearn.permissions import Role
from quizzes.contests.models import Contest, ContestEntrant, ContestEntry, ContestRound
from tests.factories import make_unit, make_user
from tests.quizzes.contests.factories import form_answers, make_contest, make_pool, solve


def _question(page: str) -> tuple[str, str]:
    token = re.search(r'name="challenge_token" type="hidden" value="([^"]+)"', page).group(1)
    hint = re.search(r'<small class="hint">([^<]*cộng[^<]*)</small>', page).group(1)
    return token, solve(hint)


def register(client, contest, **overrides):
    page = client.get(f"/contests/{contest.id}/register").get_data(as_text=True)
    token, answer = _question(page)
    data = {"full_name": "Trần Thị Bình", "birth_date": "1990-04-30", "phone": "0987 654 321",
            "email": "binh@example.vn", "address": "Phường Tiền Phong, Thái Bình", "unit_id": "0",
            "unit_text": "Hội Phụ nữ phường", "challenge_token": token, "challenge_answer": answer}
    data.update(overrides)
    response = client.post(f"/contests/{contest.id}/register", data=data)
    if response.status_code == 302:  # come back with the code the e-mail brought, as the entrant would
        code = mailed_code(data["email"])
        if code:
            client.post(f"/contests/{contest.id}/identify", data={"phone": data["phone"], "code": code})
    return response


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def mailed_code(address: str) -> str | None:
    """The personal code in the last message sent to ``address``, if it carries one."""
    sent = [m for m in mail.outbox() if m["To"] == address]
    found = re.findall(r": ([A-Z2-9]{8})\n", sent[-1].get_content()) if sent else []
    return found[0] if found else None


def _form_answers(entry):
    return {"prediction": "7", **form_answers(entry)}


def test_public_visitor_registers_enters_and_submits(app, client):
    contest, r = make_contest()
    listing = client.get("/contests/").get_data(as_text=True)
    assert contest.title in listing
    response = register(client, contest)
    assert response.status_code == 302 and response.location.endswith("/registered")
    page = client.get(response.location).get_data(as_text=True)
    assert "e-mail" in page and 'class="error-code"' not in page  # the code goes by e-mail only
    response = client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    assert response.status_code == 302
    entry = db.session.scalars(select(ContestEntry)).one()
    page = client.get(response.location).get_data(as_text=True)
    assert "fraction" not in page and 'name="q' in page
    response = client.post(f"/contests/entries/{entry.id}", data=_form_answers(entry))
    assert response.status_code == 302 and response.location.endswith("/done")
    db.session.refresh(entry)
    assert (entry.correct, entry.prediction) == (10, 7)
    assert "10" in client.get(response.location).get_data(as_text=True)
    # A replay of the same submit does not grade again.
    again = client.post(f"/contests/entries/{entry.id}", data={"prediction": "1"})
    assert again.status_code == 302 and db.session.get(ContestEntry, entry.id).prediction == 7
    # One entry per round: the next start is refused with a message.
    refused = client.post(f"/contests/{contest.id}/rounds/{r.id}/start", follow_redirects=True)
    assert "hết 1 lượt" in refused.get_data(as_text=True)


def test_registration_errors_are_shown_and_nothing_is_written(app, client):
    contest, r = make_contest(min_age=18)
    page = register(client, contest, birth_date="2012-01-01").get_data(as_text=True)
    assert "từ 18 tuổi" in page
    page = register(client, contest, full_name="<script>x</script>").get_data(as_text=True)
    assert "chỉ bằng chữ cái" in page and "<script>x" not in page
    page = register(client, contest, challenge_answer="999").get_data(as_text=True)
    assert "chưa đúng" in page
    assert db.session.scalar(select(func.count(ContestEntrant.id))) == 0
    assert register(client, contest).status_code == 302


def test_entries_of_others_are_not_found(app, client):
    contest, r = make_contest()
    register(client, contest)
    client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry = db.session.scalars(select(ContestEntry)).one()
    stranger = app.test_client()
    assert stranger.get(f"/contests/entries/{entry.id}").status_code == 404
    assert stranger.post(f"/contests/entries/{entry.id}", data={"prediction": "1"}).status_code == 404


def test_an_entry_submitted_after_its_time_is_refused(app, client):
    contest, r = make_contest()
    register(client, contest)
    client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry = db.session.scalars(select(ContestEntry)).one()
    entry.started_at -= timedelta(minutes=30)
    entry.deadline -= timedelta(minutes=30)
    db.session.commit()
    page = client.post(f"/contests/entries/{entry.id}", data=_form_answers(entry), follow_redirects=True)
    assert "hết thời gian" in page.get_data(as_text=True)
    assert db.session.get(ContestEntry, entry.id).submitted_at is None


def test_bad_predictions_through_the_form(app, client):
    contest, r = make_contest()
    register(client, contest)
    client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry = db.session.scalars(select(ContestEntry)).one()
    for bad in ("-3", "99999999999", "mười"):
        data = _form_answers(entry) | {"prediction": bad}
        page = client.post(f"/contests/entries/{entry.id}", data=data).get_data(as_text=True)
        assert "Dự đoán" in page
        assert db.session.get(ContestEntry, entry.id).submitted_at is None


def test_a_cadre_enters_with_the_account_and_organisers_cannot(app, client, login):
    contest, r = make_contest()
    cadre = make_user(roles=[Role.CADRE])
    login(cadre)
    assert "Vào thi" in client.get(f"/contests/{contest.id}").get_data(as_text=True)
    response = client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry = db.session.scalars(select(ContestEntry)).one()
    assert entry.entrant.user_id == cadre.id
    client.post(f"/contests/entries/{entry.id}", data=_form_answers(entry))
    assert db.session.get(ContestEntry, entry.id).correct == 10
    login(contest.organiser)
    page = client.post(f"/contests/{contest.id}/rounds/{r.id}/start", follow_redirects=True).get_data(as_text=True)
    assert "Ban Tổ chức không được tham gia" in page and response.status_code == 302
    assert db.session.scalar(select(func.count(ContestEntry.id))) == 1


def test_no_ranking_leaks_while_the_round_is_open(app, client, login):
    contest, r = make_contest()
    login(contest.organiser)
    base = f"/contests/manage/{contest.id}/rounds/{r.id}"
    assert client.get(f"{base}/results").status_code == 302
    for path in ("ranking.csv", "ranking.xlsx", "units.csv", "units.xlsx"):
        assert client.get(f"{base}/{path}").status_code == 404
    assert client.post(f"{base}/publish").status_code == 302
    assert db.session.get(ContestRound, r.id).published_at is None
    assert app.test_client().get(f"/contests/{contest.id}/rounds/{r.id}/results").status_code == 404


def test_organiser_creates_a_contest_and_a_round_through_the_forms(app, client, login):
    organiser = make_user(roles=[Role.TRAINER])
    category = make_pool(organiser)
    login(organiser)
    assert client.get("/contests/manage/").status_code == 200
    make_unit("Tỉnh ủy", code="TB")
    now = utcnow() + timedelta(hours=7)  # typed in Vietnam time
    fmt = "%Y-%m-%dT%H:%M"
    data = {"title": "Tìm hiểu Nghị quyết", "organiser_name": "Ban Tuyên giáo", "rules_html": "<p>Thể lệ</p>",
            "starts_at": (now - timedelta(days=1)).strftime(fmt), "ends_at": (now + timedelta(days=9)).strftime(fmt),
            "status": "published", "allow_public": "y", "min_age": "16", "entries_per_round": "3",
            "counted_entry": "best", "prediction_kind": "entries", "ranking_order": "correct,time,prediction",
            "prizes_first": "1", "prizes_second": "1", "prizes_third": "1", "prizes_consolation": "5",
            "unit_depth": "1", "unit_sizes": "TB = 900"}
    response = client.post("/contests/manage/new", data=data)
    assert response.status_code == 302
    contest = db.session.scalars(select(Contest)).one()
    assert (contest.entries_per_round, contest.ranking_order) == (3, "correct,time,prediction")
    bad = client.post("/contests/manage/new", data=data | {"unit_sizes": "KHONGCO = 5"}).get_data(as_text=True)
    assert "dòng 1" in bad
    round_data = {"title": "Tuần 1", "opens_at": (now - timedelta(hours=1)).strftime(fmt),
                  "closes_at": (now + timedelta(days=2)).strftime(fmt), "question_count": "10",
                  "time_limit_minutes": "10", "category_ids": [str(category.id)]}
    assert client.post(f"/contests/manage/{contest.id}/rounds/new", data=round_data).status_code == 302
    too_many = client.post(f"/contests/manage/{contest.id}/rounds/new",
                           data=round_data | {"question_count": "35"}).get_data(as_text=True)
    assert "câu hỏi" in too_many
    assert len(db.session.scalars(select(ContestRound)).all()) == 1
    assert client.get(f"/contests/manage/{contest.id}").status_code == 200


def test_other_organisers_and_cadres_are_kept_out(app, client, login):
    contest, r = make_contest()
    login(make_user(roles=[Role.CADRE]))
    assert client.get("/contests/manage/").status_code == 403
    login(make_user(roles=[Role.TRAINER]))
    assert client.get(f"/contests/manage/{contest.id}").status_code == 404
    assert client.get(f"/contests/manage/{contest.id}/rounds/{r.id}/ranking.csv").status_code == 404


def test_results_exports_and_public_prize_list_after_the_round_closed(app, client, login):
    unit = make_unit("Huyện ủy Vũ Thư", make_unit("Tỉnh ủy Thái Bình"))
    contest, r = make_contest(prizes_first=1, prizes_second=0, prizes_third=0, prizes_consolation=1)
    register(client, contest, unit_text="=HYPERLINK(\"http://x\")")
    client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry = db.session.scalars(select(ContestEntry)).one()
    client.post(f"/contests/entries/{entry.id}", data=_form_answers(entry))
    cadre = make_user(unit=unit, full_name="Lê Văn Cán")
    login(cadre)
    client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry2 = db.session.scalars(select(ContestEntry).where(ContestEntry.id != entry.id)).one()
    client.post(f"/contests/entries/{entry2.id}", data=_form_answers(entry2) | {"prediction": "9"})
    r.closes_at = utcnow() - timedelta(minutes=2)
    db.session.commit()

    login(contest.organiser)
    base = f"/contests/manage/{contest.id}/rounds/{r.id}"
    page = client.get(f"{base}/results").get_data(as_text=True)
    assert "Trần Thị Bình" in page and "Lê Văn Cán" in page and "Huyện ủy Vũ Thư" in page
    body = client.get(f"{base}/ranking.csv").data
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Hạng" and len(rows) == 3
    assert rows[1][1] == "Lê Văn Cán" or rows[2][1] == "Lê Văn Cán"
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)  # formula neutralized
    units = list(csv.reader(io.StringIO(client.get(f"{base}/units.csv").data.decode("utf-8-sig"))))
    assert ["1", "Huyện ủy Vũ Thư", "1", "1", "1"] == units[1][:5]
    book = load_workbook(io.BytesIO(client.get(f"{base}/ranking.xlsx").data))
    assert any("Lê Văn Cán" == c.value for row in book.active.iter_rows() for c in row)

    public = f"/contests/{contest.id}/rounds/{r.id}/results"
    assert app.test_client().get(public).status_code == 404  # not yet published
    client.post(f"{base}/publish")
    page = app.test_client().get(public).get_data(as_text=True)
    assert "Giải Nhất" in page and "Giải Khuyến khích" in page and "Lê Văn Cán" in page
    assert "0987654321" not in page and "binh@example.vn" not in page  # names and units only
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"contest.results.publish", "contest.export", "contest.register"} <= actions


class TestRateLimits:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "CONTEST_REGISTER_LIMIT_PER_PHONE": "2 per hour",
                "CONTEST_REGISTER_LIMIT_PER_ADDRESS": "4 per hour"}

    def test_registrations_are_limited_per_phone_and_per_address(self, app, client):
        from elearn.extensions import limiter

        limiter.reset()
        contest, r = make_contest()
        for _ in range(2):
            assert register(client, contest, full_name="Tên Sai 1").status_code == 200  # refused, but counted
        assert register(client, contest, phone="+84 987 654 321").status_code == 429
        assert register(client, contest, phone="0911000001", full_name="Tên Sai 2").status_code == 200
        assert register(client, contest, phone="0911000002", full_name="Tên Sai 3").status_code == 200
        assert register(client, contest, phone="0911000003").status_code == 429  # 5th from one address


def test_registering_a_taken_phone_or_address_answers_the_same_and_mails_the_owner(app, client):
    """Issue 15.7: the answer does not tell who has entered; the owner hears of it by e-mail and
    recovers a lost code through the address registered."""
    contest, _r = make_contest()
    first = register(client, contest)
    fresh_page = client.get(first.location).get_data(as_text=True)
    stranger = app.test_client()
    for taken in ({"email": "khac@example.vn"}, {"phone": "0912 000 111"}):  # the phone, then the address, taken
        again = register(stranger, contest, full_name="Người Lạ", **taken)
        assert again.status_code == 302 and again.location == first.location
        assert _without_csrf(stranger.get(again.location).get_data(as_text=True)) == _without_csrf(fresh_page)
    assert db.session.scalar(select(func.count(ContestEntrant.id))) == 1
    owner_mail = [m for m in mail.outbox() if m["To"] == "binh@example.vn"]
    assert len(owner_mail) == 3 and "đã đăng ký" in owner_mail[-1].get_content()
    assert not [m for m in mail.outbox() if m["To"] == "khac@example.vn"]
    # A lost code: a new one to the registered address, the same answer for an unknown number.
    old = mailed_code("binh@example.vn") or [c for c in re.findall(r": ([A-Z2-9]{8})\n", owner_mail[0].get_content())][0]
    known = stranger.post(f"/contests/{contest.id}/lost-code", data={"phone": "0987 654 321"}, follow_redirects=True)
    unknown = stranger.post(f"/contests/{contest.id}/lost-code", data={"phone": "0900 000 000"}, follow_redirects=True)
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    new = mailed_code("binh@example.vn")
    assert new and new != old
    identify = f"/contests/{contest.id}/identify"
    assert stranger.post(identify, data={"phone": "0987 654 321", "code": old}).status_code == 200  # refused
    assert stranger.post(identify, data={"phone": "0987 654 321", "code": new}).status_code == 302


def test_a_round_titled_like_its_number_is_not_named_twice(app, client):
    contest, r = make_contest()
    r.title = "Đợt 1"
    db.session.commit()
    page = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    assert "Đợt 1" in page and "Đợt 1: Đợt 1" not in page
    r.title = "Tìm hiểu lịch sử Đảng bộ"
    db.session.commit()
    assert "Đợt 1: Tìm hiểu lịch sử Đảng bộ" in client.get(f"/contests/{contest.id}").get_data(as_text=True)


def test_an_entry_left_half_way_is_continued_from_the_contest_page(app, client, login):
    """Issue 17.5: leaving the entry page left the contest page saying every entry was used."""
    contest, r = make_contest(entries_per_round=1)
    cadre = make_user(roles=[Role.CADRE])
    login(cadre)
    client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    entry = db.session.scalars(select(ContestEntry)).one()
    page = client.get(f"/contests/{contest.id}").get_data(as_text=True)
    assert f'href="/contests/entries/{entry.id}"' in page and "Tiếp tục lượt thi đang làm" in page
    assert "Bạn đã dùng hết" not in page
