"""Phone verification by one-time code: the SMS gateway and Zalo adapters' requests checked by a local
server, the code hashed at rest, 5 minutes, 5 tries, resend and sending limits, one phone one entrant,
only a verified phone enters; the organiser cannot require it without a channel."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from sqlalchemy import func, select

from elearn import db
from elearn.db import utcnow
from elearn.permissions import Role
from quizzes.contests import entries, phone
from quizzes.contests.models import ContestEntrant, ContestEntry, ContestPhoneCode
from quizzes.contests.services import ContestError
from tests.elearn.test_channels import Provider
from tests.factories import make_user
from tests.quizzes.contests.factories import make_contest


@pytest.fixture
def provider():
    p = Provider()
    p.answer = {"id": "sms-1"}
    yield p
    p.close()


@pytest.fixture
def app_config(provider):
    return {"SMS_GATEWAY_URL": provider.url + "/send", "SMS_GATEWAY_TOKEN": "gw-token", "SMS_SENDER": "BANTUYENGIAO",
            "CONTEST_OTP_RESEND_SECONDS": 60, "CONTEST_OTP_PER_PHONE_PER_HOUR": 3}


def _public(contest, number="0987654321", name="Trần Thị Bình"):
    entrant = ContestEntrant(contest_id=contest.id, full_name=name, phone=number, email=f"{number}@example.vn",
                             address="Thái Bình", unit_text="Hội Phụ nữ")
    db.session.add(entrant)
    db.session.flush()
    return entrant


def _texted_code(provider) -> str:
    text = provider.requests[-1]["body"]["text"]
    return next(word for word in text.replace(".", " ").split() if word.isdigit() and len(word) == 6)


def test_the_gateway_gets_the_code_and_the_database_keeps_only_its_hash(app, provider):
    contest, r = make_contest(require_phone=True)
    binh = _public(contest)
    row, code = phone.request_code(contest, binh, client_addr="203.0.113.9", device="dev-a")
    db.session.commit()
    phone.send(contest, row, code)
    sent = provider.requests[-1]
    assert sent["path"] == "/send" and sent["headers"]["authorization"] == "Bearer gw-token"
    assert sent["body"]["to"] == "84987654321" and sent["body"]["sender"] == "BANTUYENGIAO"
    assert code in sent["body"]["text"] and len(code) == 6 and code.isdigit()
    stored = db.session.get(ContestPhoneCode, row.id)
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert stored.expires_at - stored.created_at == timedelta(minutes=5)

    with pytest.raises(ContestError, match="Xác minh số điện thoại"):
        entries.start_entry(r, binh)  # not yet verified
    wrong = "000000" if code != "000000" else "111111"
    assert phone.check_code(contest, binh, wrong) == phone.Checked(False, 4)
    assert phone.check_code(contest, binh, code[:3] + " " + code[3:]).verified
    db.session.commit()
    assert binh.phone_verified_at is not None
    assert entries.start_entry(r, binh).entrant_id == binh.id


def test_zalo_gets_the_code_as_template_data(app, provider):
    app.config.update(ZALO_ZNS_TOKEN="z-token", ZALO_ZNS_TEMPLATE_ID="4242", ZALO_ZNS_URL=provider.url + "/zns")
    provider.answer = {"error": 0, "data": {"msg_id": "z-1"}}
    contest, _r = make_contest(require_phone=True, title="Tìm hiểu Hiến pháp")
    row, code = phone.request_code(contest, _public(contest))
    db.session.commit()
    phone.send(contest, row, code)
    body = provider.requests[-1]["body"]
    assert provider.requests[-1]["headers"]["access_token"] == "z-token"
    assert body["phone"] == "84987654321" and body["template_id"] == "4242"
    assert body["template_data"] == {"otp": code, "contest": "Tìm hiểu Hiến pháp"}


def test_five_tries_then_the_code_is_dead_and_it_expires_in_five_minutes(app, provider):
    contest, _r = make_contest(require_phone=True)
    binh = _public(contest)
    row, code = phone.request_code(contest, binh)
    wrong = "000000" if code != "000000" else "111111"
    assert [phone.check_code(contest, binh, wrong).tries_left for _ in range(5)] == [4, 3, 2, 1, 0]
    with pytest.raises(ContestError, match="Nhập sai mã quá nhiều lần"):
        phone.check_code(contest, binh, code)  # the right code too late: refused
    assert binh.phone_verified_at is None

    later = utcnow() + timedelta(minutes=2)
    _row, code = phone.request_code(contest, binh, now=later)
    with pytest.raises(ContestError, match="hết hạn"):
        phone.check_code(contest, binh, code, now=later + timedelta(minutes=5, seconds=1))
    assert binh.phone_verified_at is None


def test_resend_waits_and_sending_is_limited_per_phone_address_and_device(app, provider):
    contest, _r = make_contest(require_phone=True)
    binh = _public(contest)
    now = utcnow()
    phone.request_code(contest, binh, now=now)
    with pytest.raises(ContestError, match="Vui lòng chờ 60 giây"):
        phone.request_code(contest, binh, now=now)
    phone.request_code(contest, binh, now=now + timedelta(seconds=61))
    phone.request_code(contest, binh, now=now + timedelta(seconds=122))
    with pytest.raises(ContestError, match="quá nhiều"):  # the fourth code to this phone in an hour
        phone.request_code(contest, binh, now=now + timedelta(seconds=183))
    assert db.session.scalar(select(func.count(ContestPhoneCode.id))) == 3

    app.config.update(CONTEST_OTP_PER_ADDRESS_PER_HOUR=2, CONTEST_OTP_PER_DEVICE_PER_HOUR=1)
    a, b, c = (_public(contest, n, "Lê Văn An") for n in ("0912000001", "0912000002", "0912000003"))
    phone.request_code(contest, a, client_addr="198.51.100.7", device="d1")
    with pytest.raises(ContestError, match="quá nhiều"):  # the same device again
        phone.request_code(contest, b, client_addr="198.51.100.8", device="d1")
    phone.request_code(contest, b, client_addr="198.51.100.7", device="d2")
    with pytest.raises(ContestError, match="quá nhiều"):  # a third from the same address
        phone.request_code(contest, c, client_addr="198.51.100.7", device="d3")


def test_one_phone_one_entrant_and_its_entries_per_round(app, provider):
    contest, r = make_contest(require_phone=True, entries_per_round=2)
    first, second = (make_user(roles=[Role.CADRE], full_name=n) for n in ("Vũ Anh Tuấn", "Đỗ Thị Ngọc"))
    from quizzes.contests import registration

    tuan, ngoc = registration.cadre_entrant(contest, first), registration.cadre_entrant(contest, second)
    _row, code = phone.request_code(contest, tuan, "0912 345 678")
    assert phone.check_code(contest, tuan, code).verified and tuan.phone == "0912345678"
    with pytest.raises(ContestError, match="đã được một người dự thi khác"):
        phone.request_code(contest, ngoc, "+84 912 345 678")  # the same phone for another cadre
    for _ in range(2):
        entries.submit_entry(entries.start_entry(r, tuan), {}, "1")
    with pytest.raises(ContestError, match="2"):
        entries.start_entry(r, tuan)
    assert db.session.scalar(select(func.count(ContestEntry.id))) == 2


def test_no_channel_no_requirement(app, provider):
    app.config.update(SMS_GATEWAY_URL=None, SMS_GATEWAY_TOKEN=None)
    organiser = make_user(roles=[Role.TRAINER])
    with pytest.raises(ContestError, match="kênh tin nhắn"):
        make_contest(organiser, require_phone=True)
    db.session.rollback()


def test_the_organiser_form_says_when_no_channel_is_configured(app, client, login, provider):
    organiser = make_user(roles=[Role.TRAINER])
    contest, _r = make_contest(organiser)
    login(organiser)
    page = client.get(f"/contests/manage/{contest.id}/edit").get_data(as_text=True)
    assert "Yêu cầu xác minh số điện thoại" in page and 'name="require_phone" type="checkbox" value="y"' in page
    app.config.update(SMS_GATEWAY_URL=None)
    page = client.get(f"/contests/manage/{contest.id}/edit").get_data(as_text=True)
    assert "Chưa cấu hình kênh tin nhắn" in page and "disabled" in page.split('name="require_phone"')[0][-80:] + \
        page.split('name="require_phone"')[1][:80]


def test_through_the_pages_a_cadre_verifies_then_enters(app, client, login, provider):
    contest, r = make_contest(require_phone=True)
    cadre = make_user(roles=[Role.CADRE], phone="84912345678")
    login(cadre)
    started = client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    assert started.status_code == 302 and started.headers["Location"].endswith(f"/contests/{contest.id}/phone")
    page = client.get(f"/contests/{contest.id}/phone").get_data(as_text=True)
    assert 'value="0912345678"' in page
    assert client.post(f"/contests/{contest.id}/phone", data={"ask-phone": "0912345678", "ask-send": "1"}).status_code == 302
    code = _texted_code(provider)
    assert code not in db.session.scalar(select(ContestPhoneCode.code_hash))
    wrong = "000000" if code != "000000" else "111111"
    assert client.post(f"/contests/{contest.id}/phone", data={"check-code": wrong, "check-send": "1"}).status_code == 302
    assert db.session.scalar(select(ContestPhoneCode.tries)) == 1  # the wrong try was kept
    with mock.patch("quizzes.contests.phone.utcnow", return_value=utcnow()):
        done = client.post(f"/contests/{contest.id}/phone", data={"check-code": code, "check-send": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/contests/{contest.id}")
    started = client.post(f"/contests/{contest.id}/rounds/{r.id}/start")
    assert "/contests/entries/" in started.headers["Location"]


def test_a_provider_down_says_so_and_the_code_is_counted(app, client, provider):
    contest, _r = make_contest(require_phone=True)
    binh = _public(contest)
    db.session.commit()
    with client.session_transaction() as s:
        s["contest_entrants"] = {str(contest.id): binh.id}
    provider.status = 503
    response = client.post(f"/contests/{contest.id}/phone", data={"ask-send": "1"}, follow_redirects=True)
    assert "Không gửi được mã" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ContestPhoneCode.id))) == 1


def _form_of(contest) -> dict:
    fmt = "%Y-%m-%dT%H:%M"
    local = timedelta(hours=7)  # typed in Vietnam time
    return {"title": contest.title, "organiser_name": "", "rules_html": "", "status": "published",
            "starts_at": (contest.starts_at + local).strftime(fmt), "ends_at": (contest.ends_at + local).strftime(fmt),
            "allow_public": "y", "min_age": "16", "entries_per_round": "1", "counted_entry": "best",
            "prediction_kind": "all_correct", "ranking_order": "correct,prediction,time", "prizes_first": "1",
            "prizes_second": "2", "prizes_third": "3", "prizes_consolation": "10", "unit_depth": "1", "unit_sizes": ""}


def test_the_organiser_turns_it_on_only_with_a_channel(app, client, login, provider):
    organiser = make_user(roles=[Role.TRAINER])
    contest, _r = make_contest(organiser)
    login(organiser)
    edit = f"/contests/manage/{contest.id}/edit"
    assert client.post(edit, data=_form_of(contest) | {"require_phone": "y"}).status_code == 302
    db.session.expire_all()
    assert contest.require_phone
    app.config.update(SMS_GATEWAY_URL=None)  # the channel goes: saving the form keeps what was stored
    assert client.post(edit, data=_form_of(contest)).status_code == 302
    db.session.expire_all()
    assert contest.require_phone
    contest.require_phone = False
    db.session.commit()
    client.post(edit, data=_form_of(contest) | {"require_phone": "y"})  # a forged tick of the disabled box
    db.session.expire_all()
    assert not contest.require_phone


def test_two_cadres_racing_for_one_phone_one_wins(app, provider):
    from quizzes.contests import registration

    contest, _r = make_contest(require_phone=True)
    a, b = (registration.cadre_entrant(contest, make_user(roles=[Role.CADRE])) for _ in range(2))
    _row, code_a = phone.request_code(contest, a, "0912345678")
    _row, code_b = phone.request_code(contest, b, "0912345678")  # neither has verified yet
    assert phone.check_code(contest, a, code_a).verified
    db.session.commit()
    with pytest.raises(ContestError, match="đã được một người dự thi khác"):
        phone.check_code(contest, b, code_b)
    db.session.rollback()
    assert b.phone is None and b.phone_verified_at is None
