"""Text reminders end to end: a cadre's mobile number from the account import, a reminder queued for
the configured channel (Zalo here, a local HTTP server standing in for it), sent once; the provider
down delays and loses nothing; a cadre who completed meanwhile gets no text."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from sqlalchemy import select

from courses import enrolment
from courses.forms import local_day_end
from courses.progress import complete_item
from courses.reminders import reminder_pass
from elearn import db
from elearn.accounts.importing import import_users
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.notifications import delivery
from elearn.notifications.models import MailStatus, Notification
from elearn.permissions import Role
from tests.courses.factories import items_of, make_course, make_trainer
from tests.courses.test_reminders import DUE, _at
from tests.elearn.test_channels import Provider
from tests.factories import make_unit, make_user


@pytest.fixture
def provider():
    p = Provider()
    yield p
    p.close()


@pytest.fixture
def app_config(provider):
    return {"ZALO_ZNS_TOKEN": "tok", "ZALO_ZNS_TEMPLATE_ID": "777", "ZALO_ZNS_URL": provider.url + "/zns"}


def _import(text: str, admin):
    result = import_users(("\ufeff" + text).encode("utf-8"), "canbo.csv", admin)
    db.session.commit()
    return result


def test_numbers_come_from_the_import_and_a_bad_one_is_refused(app):
    make_unit("Tỉnh ủy", code="TB")
    admin = make_user(roles=(Role.ADMIN,))
    bad = _import("Tên đăng nhập,Họ và tên,Mã đơn vị,Số điện thoại\nhang,Nguyễn Thị Hằng,TB,12345\n", admin)
    assert [(e.row, e.column) for e in bad.errors] == [(2, "phone")]
    assert db.session.scalar(select(User).where(User.username == "hang")) is None  # nothing written
    good = _import("Tên đăng nhập,Họ và tên,Mã đơn vị,Số điện thoại\nhang,Nguyễn Thị Hằng,TB,0912 345 678\n", admin)
    assert good.errors == [] and db.session.scalar(select(User.phone).where(User.username == "hang")) == "84912345678"
    _import("Tên đăng nhập,Họ và tên,Mã đơn vị,Số điện thoại\nhang,Nguyễn Thị Hằng,TB,+84 987 654 321\n", admin)
    assert db.session.scalar(select(User.phone).where(User.username == "hang")) == "84987654321"


def test_a_text_reminder_goes_once_and_waits_out_an_outage(app, provider):
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    hang = make_user(unit=province, full_name="Nguyễn Thị Hằng", phone="84912345678")
    tuan = make_user(unit=province, full_name="Vũ Anh Tuấn", phone="84987654321")
    make_user(unit=province)  # no number: no text
    course = make_course(trainer, title="Nghị quyết Đại hội XIII", lessons=1)
    enrolment.assign(course, province, local_day_end(DUE), trainer)
    db.session.commit()
    assert reminder_pass(_at(DUE))["new"] == 3
    db.session.commit()
    rows = db.session.scalars(select(Notification).where(Notification.sms_to.is_not(None))).all()
    assert len(rows) == 2 and {r.sms_status for r in rows} == {MailStatus.PENDING}

    provider.status = 503  # the provider is down: both wait, nothing is lost
    assert delivery.send_sms_batch() == {"sent": 0, "skipped": 0, "failed": 0, "retry": 2}
    for item in items_of(course):
        complete_item(tuan, item)  # completed meanwhile
    db.session.commit()
    provider.status, provider.requests = 200, []
    assert delivery.send_sms_batch()["retry"] == 0 and provider.requests == []  # not before its time
    with mock.patch("elearn.notifications.delivery.utcnow", return_value=utcnow() + timedelta(minutes=5)):
        assert delivery.send_sms_batch() == {"sent": 1, "skipped": 1, "failed": 0, "retry": 0}
        assert delivery.send_sms_batch() == {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
    [request] = provider.requests
    assert request["body"]["phone"] == "84912345678" and request["body"]["template_id"] == "777"
    assert request["body"]["template_data"]["hoten"] == hang.full_name
    assert request["body"]["template_data"]["han"] == "15/12/2026"


def test_without_a_channel_no_text_is_queued(app):
    app.config.update(ZALO_ZNS_TOKEN="", SMS_GATEWAY_URL="")
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    make_user(unit=province, phone="84912345678")
    course = make_course(trainer, lessons=1)
    enrolment.assign(course, province, local_day_end(DUE), trainer)
    db.session.commit()
    reminder_pass(_at(DUE))
    db.session.commit()
    assert db.session.scalar(select(Notification.sms_status)) == MailStatus.NONE
