"""LTI 1.3 with a platform simulated here (tests/elearn/lti_platform.py: its own RSA key, JWKS,
token endpoint and line item on a loopback HTTP server): the OIDC login and launch, refused
id_tokens, the account matched by issuer and sub, and the grade sent back by AGS."""
from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select, update

from courses.models import Enrollment
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.lti import grades, services
from elearn.lti.models import LtiIdentity, LtiLink, LtiScore
from quizzes import answering, attempts
from tests.courses.factories import make_course
from tests.elearn.lti_platform import CLIENT_ID, SCORE_SCOPE, Platform, login_redirect
from tests.factories import PASSWORD, make_unit, make_user
from tests.quizzes.factories import make_quiz, right_answers

LAUNCH = "/lti/launch"


@pytest.fixture
def platform():
    with Platform() as simulated:
        yield simulated


@pytest.fixture
def registered(app, platform):
    admin = make_user(roles=("admin",))
    unit = make_unit("Huyện ủy Vũ Thư")
    row = services.create_platform(admin, **platform.registration(unit))
    db.session.commit()
    platform.tool_jwk = services.public_jwk(row)
    return row


@pytest.fixture
def quiet_worker(monkeypatch):
    """Scores stay in the outbox until the test sends them."""
    monkeypatch.setattr("elearn.jobs.services.run_later", lambda *args: None)


def launch(client, platform, **token_fields):
    params = login_redirect(client, platform)
    assert params["redirect_uri"].endswith(LAUNCH) and params["client_id"] == CLIENT_ID
    token = platform.id_token(params["nonce"], **token_fields)
    return client.post(LAUNCH, data={"id_token": token, "state": params["state"]}), token, params


def accounts() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_launch_creates_the_cadre_enrols_signs_in_and_lands_on_the_course(client, registered, platform):
    course = make_course(title="Nghị quyết Đại hội XIII")
    response, _token, _params = launch(client, platform, custom={"course": course.slug})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/courses/{course.slug}")
    identity = db.session.scalar(select(LtiIdentity))
    assert (identity.issuer, identity.sub) == (platform.issuer, "moodle-user-42")
    user = identity.user
    assert user.full_name == "Nguyễn Thị Hằng" and user.unit_id == registered.unit_id
    assert [r.value for r in user.roles] == ["cadre"] and user.email is None  # the platform's e-mail is not trusted
    assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id,
                                                      Enrollment.course_id == course.id)) is not None
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Nghị quyết Đại hội XIII" in page.get_data(as_text=True)
    # The session this launch began may be framed by the platform's pages, and by nothing else.
    assert page.headers.get("X-Frame-Options") is None
    assert f"frame-ancestors {platform.url}" in page.headers["Content-Security-Policy"]
    link = db.session.scalar(select(LtiLink))
    assert link.ags == {"lineitem": platform.lineitem, "scope": [s for s in link.ags["scope"]]}
    assert SCORE_SCOPE in link.ags["scope"]


def test_a_second_launch_signs_in_the_same_account_never_one_found_by_email(client, registered, platform):
    course = make_course()
    make_user("hang", email="admin@example.vn", roles=("admin",), full_name="Trần Quản Trị")  # the platform's e-mail
    launch(client, platform, custom={"course": course.slug})
    before = accounts()
    client.post("/logout")
    response, _t, _p = launch(client, platform, custom={"course": course.slug})
    assert response.status_code == 303 and accounts() == before
    me = client.get("/my-courses").get_data(as_text=True)
    assert "Nguyễn Thị Hằng" in me and "Trần Quản Trị" not in me
    assert client.get("/admin/users").status_code == 403
    assert db.session.scalar(select(func.count(LtiIdentity.id))) == 1


@pytest.mark.parametrize("change, words", [
    ("tampered", "không được ký bởi nền tảng"),
    ("expired", "đã hết hạn"),
    ("audience", "không dành cho công cụ này"),
    ("key", "không được ký bởi nền tảng"),
    ("deployment", "chưa được đăng ký"),
])
def test_a_bad_id_token_is_refused_with_a_clear_message_and_nothing_written(client, registered, platform,
                                                                            change, words):
    course = make_course()
    params = login_redirect(client, platform)
    fields = {"custom": {"course": course.slug}}
    if change == "expired":
        fields["exp_in"] = -60
    elif change == "audience":
        fields["aud"] = "another-tool"
    elif change == "key":
        fields["key"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif change == "deployment":
        fields["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] = "dep-unknown"
    token = platform.id_token(params["nonce"], **fields)
    if change == "tampered":  # the payload changed after signing: another sub
        import base64
        import json
        head, body, sig = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        claims["sub"] = "someone-else"
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        token = f"{head}.{body}.{sig}"
    before = accounts()
    response = client.post(LAUNCH, data={"id_token": token, "state": params["state"]})
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert accounts() == before and db.session.scalar(select(func.count(LtiLink.id))) == 0
    assert client.get("/my-courses").status_code == 302  # not signed in


def test_a_replayed_id_token_is_refused(client, registered, platform):
    course = make_course()
    response, token, params = launch(client, platform, custom={"course": course.slug})
    assert response.status_code == 303
    again = client.post(LAUNCH, data={"id_token": token, "state": params["state"]})
    assert again.status_code == 400 and "đã được dùng" in again.get_data(as_text=True)


def test_a_launch_without_the_browsers_state_is_refused(app, client, registered, platform):
    course = make_course()
    params = login_redirect(client, platform)
    token = platform.id_token(params["nonce"], custom={"course": course.slug})
    other = app.test_client()  # another browser: no state cookie
    response = other.post(LAUNCH, data={"id_token": token, "state": params["state"]})
    assert response.status_code == 400 and "trình duyệt này" in response.get_data(as_text=True)
    assert client.post(LAUNCH, data={"id_token": "not.a.jwt", "state": params["state"]}).status_code == 400


def test_a_link_to_nothing_is_refused_and_creates_no_account(client, registered, platform):
    before = accounts()
    response, _t, _p = launch(client, platform, custom={"course": "khong-co"})
    assert response.status_code == 400 and "không tồn tại" in response.get_data(as_text=True)
    response, _t, _p = launch(client, platform, custom={})
    assert response.status_code == 400 and "course=" in response.get_data(as_text=True)
    assert accounts() == before


def test_an_unregistered_issuer_cannot_start_a_login(client, registered, platform):
    response = client.get("/lti/login", query_string={"iss": "https://khac.example", "login_hint": "1"})
    assert response.status_code == 400 and "không dành cho công cụ này" in response.get_data(as_text=True)


def test_the_tools_jwks_publishes_each_platforms_key(client, registered):
    keys = client.get("/lti/jwks.json").get_json()["keys"]
    assert [k["kid"] for k in keys] == [registered.kid]
    assert keys[0]["kty"] == "RSA" and "d" not in keys[0]


def _pass_quiz(quiz, user):
    attempt = attempts.start_attempt(quiz, user)
    db.session.commit()
    answering.save_answers(attempt, user, right_answers(attempt))
    attempts.submit_attempt(attempt, user, "k1")
    db.session.commit()


def test_a_passed_quiz_sends_its_grade_by_ags_from_the_worker(client, registered, platform):
    quiz = make_quiz()
    response, _t, _p = launch(client, platform, custom={"quiz": str(quiz.item_id)})
    assert response.headers["Location"].endswith(f"/quizzes/item/{quiz.item_id}")
    user = db.session.scalar(select(LtiIdentity)).user
    _pass_quiz(quiz, user)  # the commit asks the worker (a job thread here) to send
    deadline = time.monotonic() + 15
    while not platform.scores and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(platform.scores) == 1
    sent = platform.scores[0]
    assert sent["content_type"] == "application/vnd.ims.lis.v1.score+json"
    body = sent["body"]
    assert body["userId"] == "moodle-user-42" and body["scoreGiven"] == 100 and body["scoreMaximum"] == 100
    assert body["activityProgress"] == "Completed" and body["gradingProgress"] == "FullyGraded"
    token_request = platform.token_requests[0]
    assert token_request["grant_type"] == "client_credentials" and SCORE_SCOPE in token_request["scope"]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        db.session.expire_all()
        if db.session.scalar(select(LtiScore.sent_at)) is not None:
            break
        time.sleep(0.05)
    assert db.session.scalar(select(LtiScore.sent_at)) is not None


def test_a_platform_that_is_down_gets_the_grade_later_once(client, registered, platform, quiet_worker):
    course = make_course(lessons=1, complete_on_open=True)
    launch(client, platform, custom={"course": course.slug})
    item = course.modules[0].items[0]
    assert client.get(f"/learn/{item.id}").status_code == 200  # opening it completes the course
    assert db.session.scalar(select(func.count(LtiScore.id))) == 1
    platform.fail_scores = 1
    assert grades.send_due() == {"sent": 0, "failed": 1}
    row = db.session.scalar(select(LtiScore))
    assert "503" in row.last_error and row.next_attempt_at > utcnow()
    assert grades.send_due() == {"sent": 0, "failed": 0}  # not due yet
    assert grades.outbox_of(registered.id) == {"waiting": 1, "given_up": 0, "sent": 0, "last_error": row.last_error}
    db.session.execute(update(LtiScore).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert grades.send_due() == {"sent": 1, "failed": 0}
    assert grades.send_due() == {"sent": 0, "failed": 0}
    assert len(platform.scores) == 1 and platform.scores[0]["body"]["scoreGiven"] == 100
    assert grades.outbox_of(registered.id)["sent"] == 1


def test_no_grade_is_owed_without_a_launch(app, quiet_worker):
    quiz = make_quiz()
    user = make_user()
    from courses import enrolment
    enrolment.enroll(user, quiz.item.course)
    db.session.commit()
    _pass_quiz(quiz, user)
    assert db.session.scalar(select(func.count(LtiScore.id))) == 0


def test_the_cli_lists_platforms_and_sends_what_is_due(runner, registered, platform, quiet_worker):
    listed = runner.invoke(args=["lti", "platforms"])
    assert listed.exit_code == 0 and registered.kid in listed.output and "active" in listed.output
    sent = runner.invoke(args=["lti", "send"])
    assert sent.exit_code == 0 and "sent=0" in sent.output and "waiting=0" in sent.output


@pytest.mark.parametrize("token", ["", "a.b", "e30.W10.c2ln", "x" * 5000])
def test_a_malformed_id_token_is_a_clear_400(client, registered, platform, token):
    params = login_redirect(client, platform)
    response = client.post(LAUNCH, data={"id_token": token, "state": params["state"]})
    assert response.status_code == 400 and "nền tảng" in response.get_data(as_text=True)


def test_under_https_the_launch_cookies_reach_a_frame_of_another_site(app, client, registered, platform):
    """SameSite=None; Secure for the login's state cookie and for the session the launch begins
    (a browser sends nothing else into a frame of another site); other sessions stay Lax."""
    app.config["SESSION_COOKIE_SECURE"] = True  # as in production
    course = make_course()
    https = "https://localhost"
    login = client.get("/lti/login", base_url=https, query_string={
        "iss": platform.issuer, "login_hint": "42", "client_id": CLIENT_ID})
    state_cookie = next(c for c in login.headers.getlist("Set-Cookie") if c.startswith("lti1p3-state-"))
    assert "SameSite=None" in state_cookie and "Secure" in state_cookie
    params = {k: v[0] for k, v in parse_qs(urlsplit(login.headers["Location"]).query).items()}
    assert params["redirect_uri"] == https + LAUNCH
    token = platform.id_token(params["nonce"], custom={"course": course.slug})
    response = client.post(LAUNCH, base_url=https, data={"id_token": token, "state": params["state"]})
    assert response.status_code == 303
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "SameSite=None" in session_cookie and "Secure" in session_cookie and "HttpOnly" in session_cookie

    signed_in = app.test_client().post("/login", base_url=https,
                                       data={"username": make_user().username, "password": PASSWORD})
    assert signed_in.status_code == 302
    plain = next(c for c in signed_in.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "SameSite=Lax" in plain and "Secure" in plain


def test_a_platform_without_ags_is_owed_nothing(client, registered, platform, quiet_worker):
    quiz = make_quiz()
    launch(client, platform, custom={"quiz": str(quiz.item_id)}, ags=False)
    link = db.session.scalar(select(LtiLink))
    assert link.ags is None
    _pass_quiz(quiz, link_user(link))
    assert db.session.scalar(select(func.count(LtiScore.id))) == 0


def link_user(link: LtiLink) -> User:
    return db.session.get(User, link.user_id)


def test_an_administrator_sends_grades_again_after_the_platform_gave_up(app, login, registered, platform,
                                                                       quiet_worker):
    course = make_course(lessons=1, complete_on_open=True)
    client = app.test_client()
    launch(client, platform, custom={"course": course.slug})
    client.get(f"/learn/{course.modules[0].items[0].id}")
    db.session.execute(update(LtiScore).values(attempts=grades.GIVE_UP_AFTER, last_error="HTTP 401: invalid_client"))
    db.session.commit()
    assert grades.send_due() == {"sent": 0, "failed": 0}  # given up
    admin = login(make_user(roles=("admin",)))
    page = admin.get(f"/admin/lti/{registered.id}").get_data(as_text=True)
    assert "HTTP 401: invalid_client" in page and "Không gửi lại nữa" in page
    assert admin.post(f"/admin/lti/{registered.id}/retry").status_code == 302
    assert grades.send_due() == {"sent": 1, "failed": 0}
    cadre = login(make_user())
    assert cadre.post(f"/admin/lti/{registered.id}/retry").status_code == 403
