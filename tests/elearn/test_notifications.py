"""Notifications and their mail, against a real SMTP server on loopback (aiosmtpd): what arrives,
once; a refused address; an outage that delays and loses nothing; templates refused when broken;
the scheduler's lease when two run at once; the pages."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from elearn import db
from elearn.db import utcnow
from elearn.jobs import scheduler
from elearn.notifications import delivery, services, wording
from elearn.notifications.models import MailStatus, Notification
from elearn.permissions import Role
from tests.factories import make_user
from tests.servers import free_port

PORT = free_port()


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("khong-ton-tai@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted"


@pytest.fixture
def app_config():
    return {"SMTP_URL": f"smtp://127.0.0.1:{PORT}", "MAIL_FROM": "Ban Tuyên giáo <bantuyengiao@example.vn>"}


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=PORT)
    controller.start()
    yield inbox
    controller.stop()


def _notify(user, key, **fields):
    item = services.NewNotification(user_id=user.id, key=key, kind=fields.pop("kind", "test"),
                                    subject=fields.pop("subject", "Nhắc học: Nghị quyết Đại hội XIII"),
                                    body=fields.pop("body", "Kính gửi đồng chí,\nxin hoàn thành khóa học."),
                                    link="/my-courses", mail_to=fields.pop("mail_to", user.email), **fields)
    added = services.notify_many([item])
    db.session.commit()
    return added


def test_each_notification_is_made_once_and_mailed_once(app, smtp):
    cadre = make_user(email="hang@example.vn")
    assert _notify(cadre, "r1:e1:2026-12-15") == 1
    assert _notify(cadre, "r1:e1:2026-12-15") == 0  # the same reminder again: nothing new
    assert delivery.send_all() == {"sent": 1, "skipped": 0, "failed": 0, "retry": 0}
    assert delivery.send_all() == {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert msg["To"] == "hang@example.vn" and msg["Subject"] == "Nhắc học: Nghị quyết Đại hội XIII"
    assert "xin hoàn thành khóa học" in msg.get_content()
    row = db.session.scalar(select(Notification))
    db.session.refresh(row)
    assert row.mail_status == MailStatus.SENT and row.mailed_at is not None


def test_a_refused_address_fails_alone_and_the_rest_go(app, smtp):
    cadre, other = make_user(email="khong-ton-tai@example.vn"), make_user(email="tuan@example.vn")
    _notify(cadre, "k1")
    _notify(other, "k2")
    assert delivery.send_all() == {"sent": 1, "skipped": 0, "failed": 1, "retry": 0}
    assert [m["To"] for m in smtp.messages] == ["tuan@example.vn"]


def test_an_smtp_outage_delays_mail_and_loses_none(app):
    cadres = [make_user(email=f"canbo{n}@example.vn") for n in range(3)]
    for n, cadre in enumerate(cadres):
        _notify(cadre, f"outage:{n}")
    # No server listens: every message goes back to the queue with a later try.
    assert delivery.send_batch() == {"sent": 0, "skipped": 0, "failed": 0, "retry": 3}
    rows = db.session.scalars(select(Notification)).all()
    assert {r.mail_status for r in rows} == {MailStatus.PENDING} and all(r.mail_attempts == 1 for r in rows)
    assert delivery.send_batch()["retry"] == 0  # not yet: the next try is a minute away
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=PORT)
    controller.start()
    try:
        with mock.patch("elearn.notifications.delivery.utcnow", return_value=utcnow() + timedelta(minutes=5)):
            assert delivery.send_all()["sent"] == 3
    finally:
        controller.stop()
    assert sorted(m["To"] for m in inbox.messages) == sorted(c.email for c in cadres)


def test_a_message_no_longer_relevant_is_skipped(app, smtp):
    cadre = make_user(email="ngoc@example.vn")
    services.STILL_RELEVANT["test_done"] = lambda ids: set()
    try:
        _notify(cadre, "done:1", kind="test_done", ref_id=7)
        assert delivery.send_all()["skipped"] == 1 and smtp.messages == []
    finally:
        del services.STILL_RELEVANT["test_done"]


def test_no_address_means_in_app_only(app, smtp):
    cadre = make_user()
    _notify(cadre, "inapp:1", mail_to=None)
    assert delivery.send_all()["sent"] == 0 and services.unread_count(cadre) == 1


@pytest.mark.parametrize("body, accepted", [
    ("Kính gửi {hoten}, hạn {han}: {lienket}", True),
    ("Dấu ngoặc {{ và }} viết đôi", True),
    ("Kính gửi {ten}", False),               # unknown name
    ("Kính gửi {name}", False),              # not one of the kind's
    ("Kính gửi {hoten", False),               # not closed
    ("Kính gửi hoten}", False),               # not opened
    ("{hoten.__class__}", False),             # attribute access
    ("{khoahoc[0]}", False),                  # index
    ("{songay:>99999}", False),                # format spec
    ("{hoten!r}", False),                     # conversion
    ("{}", False),                           # positional
])
def test_a_broken_placeholder_is_refused_on_save(app, body, accepted):
    trainer = make_user(roles=(Role.TRAINER,))
    if accepted:
        wording.save("reminder_before", "Nhắc học {khoahoc}", body, trainer)
        assert wording.wording("reminder_before")[1] == body
    else:
        with pytest.raises(wording.TemplateError):
            wording.save("reminder_before", "Nhắc học {khoahoc}", body, trainer)


def test_every_default_wording_passes_its_own_check_in_vietnamese(app):
    for key in wording.DEFAULTS:
        subject, body = wording.wording(key)
        assert wording.check(key, subject, 255) and wording.check(key, body, 10_000)
        assert "{" in body and not subject.isascii(), key  # translated, with placeholders


def test_two_schedulers_run_a_task_once_a_period(app):
    calls = []
    scheduler.PERIODIC["test.count"] = scheduler.Periodic("test.count", "hour", lambda: calls.append(1) or 1)
    try:
        now = utcnow()
        first = scheduler.run_due(now, only=["test.count"])
        second = scheduler.run_due(now, only=["test.count"])  # the other process, same hour
        assert first == {"test.count": 1} and second == {"test.count": "skipped"} and calls == [1]
        scheduler.run_due(now + timedelta(hours=1), only=["test.count"])
        assert calls == [1, 1]
    finally:
        del scheduler.PERIODIC["test.count"]


def test_a_failed_task_gives_its_lease_back(app):
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database busy")
        return "ok"

    scheduler.PERIODIC["test.flaky"] = scheduler.Periodic("test.flaky", "day", flaky)
    try:
        now = utcnow()
        assert scheduler.run_due(now, only=["test.flaky"])["test.flaky"].startswith("failed")
        assert scheduler.run_due(now, only=["test.flaky"]) == {"test.flaky": "ok"}
    finally:
        del scheduler.PERIODIC["test.flaky"]


def test_pages_counter_list_and_open(client, login, app):
    cadre, other = make_user(), make_user()
    _notify(cadre, "page:1", mail_to=None)
    _notify(other, "page:2", mail_to=None)
    login(cadre)
    html = client.get("/my-courses").get_data(as_text=True)
    assert 'class="count">1<' in html
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Nhắc học: Nghị quyết Đại hội XIII" in html
    mine = db.session.scalar(select(Notification).where(Notification.user_id == cadre.id))
    theirs = db.session.scalar(select(Notification).where(Notification.user_id == other.id))
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    response = client.post(f"/notifications/{mine.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/my-courses"
    assert services.unread_count(cadre) == 0 and services.unread_count(other) == 1


def test_only_site_paths_are_followed():
    assert services.safe_link("/courses/abc") == "/courses/abc"
    for bad in ("//evil.example", "https://evil.example", "javascript:alert(1)", "/\\evil", ""):
        assert services.safe_link(bad) is None


def test_trainer_edits_a_template_and_a_broken_one_is_refused(client, login, app):
    login(make_user(roles=(Role.TRAINER,)))
    assert client.get("/notifications/templates").status_code == 200
    response = client.post("/notifications/templates/reminder_due",
                           data={"subject": "Hạn hôm nay: {khoahoc}", "body": "Kính gửi {ho_ten}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "{ho_ten}" in html and "{hoten}" in html
    assert wording.wording("reminder_due")[0] != "Hạn hôm nay: {khoahoc}"
    response = client.post("/notifications/templates/reminder_due",
                           data={"subject": "Hạn hôm nay: {khoahoc}", "body": "Kính gửi {hoten}, {lienket}"})
    assert response.status_code == 302 and wording.wording("reminder_due")[0] == "Hạn hôm nay: {khoahoc}"
    assert client.get("/notifications/templates/khong-co").status_code == 404
    login(make_user())
    assert client.get("/notifications/templates").status_code == 403
