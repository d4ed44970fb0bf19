"""Public registration: one identity per person, age, names, the check question, rate limits."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from elearn import db
from quizzes.contests import registration
from quizzes.contests.models import ContestEntrant
from quizzes.contests.registration import normalize_phone
from quizzes.contests.services import ContestError
from tests.factories import make_user
from tests.quizzes.contests.factories import make_contest, solve

TODAY = date(2023, 6, 1)


def _token(app):
    with app.test_request_context():
        question, token = registration.new_challenge()
    return token, solve(question)


def _register(app, contest, **overrides):
    token, answer = _token(app)
    fields = dict(full_name="Nguyễn Thị Mai", birth_date=date(1990, 1, 2), phone="0912 345 678",
                  email="mai@example.vn", address="Xã Tân Hòa, Vũ Thư", unit=None, unit_text="Trường THCS Tân Hòa",
                  challenge_token=token, challenge_answer=answer, today=TODAY)
    fields.update(overrides)
    return registration.register_public(contest, **fields)


@pytest.mark.parametrize("raw,phone", [("0912345678", "0912345678"), ("+84 912 345 678", "0912345678"),
                                       ("84912345678", "0912345678"), ("0912.345.678", "0912345678"),
                                       ("(+84) 912-345-678", "0912345678"), ("02273 123 456", "02273123456")])
def test_phone_numbers_are_normalized(raw, phone):
    assert normalize_phone(raw) == phone


@pytest.mark.parametrize("raw", ["", "12345", "0012345678", "+1 202 555 0100", "09123456789012", "09a2345678"])
def test_bad_phone_numbers(raw):
    assert normalize_phone(raw) is None


def test_a_member_of_the_public_registers_and_comes_back(app):
    contest, r = make_contest(min_age=16)
    done = _register(app, contest)
    entrant, code = done.entrant, done.code
    db.session.commit()
    assert (entrant.phone, entrant.email, entrant.unit_label) == ("0912345678", "mai@example.vn", "Trường THCS Tân Hòa")
    assert re.fullmatch(r"[A-Z2-9]{8}", code) and code not in (entrant.code_hash or "")
    assert registration.identify_public(contest, "+84912345678", code.lower()).id == entrant.id
    with pytest.raises(ContestError, match="không đúng"):
        registration.identify_public(contest, "0912345678", "WRONGCODE")


def test_duplicate_phone_or_email_registers_no_one_whatever_the_format(app):
    """A taken phone or address is no error (that would tell who has entered): the registration
    names the entrant already there and carries no code (issue 15.7)."""
    contest, r = make_contest()
    first = _register(app, contest).entrant
    db.session.commit()
    for other in ({"phone": "+84 912 345 678", "email": "other@example.vn"},
                  {"phone": "0988000111", "email": "MAI@Example.VN"}):
        again = _register(app, contest, **other)
        assert again.entrant.id == first.id and again.code is None
    assert db.session.scalar(select(func.count(ContestEntrant.id))) == 1
    other, _r = make_contest()
    _register(app, other)  # another contest is another registration


def test_under_age_is_refused(app):
    contest, r = make_contest(min_age=16)
    with pytest.raises(ContestError, match="từ 16 tuổi"):
        _register(app, contest, birth_date=date(2007, 6, 2))  # 15 the day before the 16th birthday
    _register(app, contest, birth_date=date(2007, 6, 1))      # 16 today
    with pytest.raises(ContestError, match="không hợp lệ"):
        _register(app, contest, birth_date=date(2030, 1, 1), phone="0988000222", email="x@example.vn")


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "Mai<b>", "Nguyễn Văn 2", "=HYPERLINK(1)", "A",
                                  "javascript:alert(1)"])
def test_script_or_symbols_in_the_name_are_refused(app, name):
    contest, r = make_contest()
    with pytest.raises(ContestError, match="chỉ bằng chữ cái"):
        _register(app, contest, full_name=name)


def test_address_or_organisation_with_markup_is_refused(app):
    contest, r = make_contest()
    with pytest.raises(ContestError, match="'<'"):
        _register(app, contest, unit_text="<img src=x onerror=alert(1)>")


def test_the_check_question_must_be_right_fresh_and_used_once(app):
    contest, r = make_contest()
    token, answer = _token(app)
    with pytest.raises(ContestError, match="chưa đúng"):
        _register(app, contest, challenge_token=token, challenge_answer=str(int(answer) + 1))
    with pytest.raises(ContestError, match="không hợp lệ"):
        _register(app, contest, challenge_token=token[:-2] + "xx", challenge_answer=answer)
    _register(app, contest, challenge_token=token, challenge_answer=answer)
    db.session.commit()
    with pytest.raises(ContestError, match="đã được dùng"):  # the same solved question, replayed
        _register(app, contest, challenge_token=token, challenge_answer=answer, phone="0988000333",
                  email="b@example.vn")
    from itsdangerous import URLSafeTimedSerializer
    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="contest-challenge")
    import time
    stale = old.dumps({"n": "abc", "m": registration._answer_mac("abc", 3)})
    real_time = time.time
    try:
        time.time = lambda: real_time() + registration.CHALLENGE_MAX_AGE + 60
        with pytest.raises(ContestError, match="hết hạn"):
            _register(app, contest, challenge_token=stale, challenge_answer="3", phone="0988000444",
                      email="c@example.vn")
    finally:
        time.time = real_time


def test_the_token_does_not_reveal_the_answer(app):
    token, answer = _token(app)
    payload = registration._serializer().loads(token)  # signed, readable by anyone: no answer inside
    assert set(payload) == {"n", "m"} and answer not in payload.values()


def test_public_registration_can_be_switched_off(app):
    contest, r = make_contest(allow_public=False)
    with pytest.raises(ContestError, match="chỉ dành cho cán bộ"):
        _register(app, contest)


def test_the_organisers_email_cannot_register(app):
    organiser = make_user(roles=["trainer"], email="btg@example.vn")
    contest, r = make_contest(organiser)
    with pytest.raises(ContestError, match="Ban Tổ chức"):
        _register(app, contest, email="BTG@example.vn")
