"""Reminders before and after a due date, and the managers' weekly digest: each made once, late ones
still made, none for a cadre who completed, and the mail re-checked when it goes."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from courses import enrolment
from courses.forms import local_day_end
from courses.programmes import services as programmes
from courses.progress import complete_item
from courses.reminders import digest_pass, reminder_pass
from elearn import db
from elearn.i18n import LOCAL_TZ
from elearn.mail import outbox
from elearn.notifications import delivery
from elearn.notifications.models import MailStatus, Notification
from elearn.permissions import Role
from tests.courses.factories import items_of, make_course, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.usefixtures("app")
DUE = date(2026, 12, 15)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ)


def _setup(email="hang@example.vn"):
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    cadre = make_user(unit=province, email=email, full_name="Nguyễn Thị Hằng")
    course = make_course(trainer, title="Nghị quyết Đại hội XIII", lessons=1)
    enrolment.assign(course, province, local_day_end(DUE), trainer)
    db.session.commit()
    return province, trainer, cadre, course


def _mine(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)))


def test_before_on_the_day_and_weekly_while_overdue_each_once():
    _province, _trainer, cadre, _course = _setup()
    assert reminder_pass(_at(DUE - timedelta(days=8)))["new"] == 0          # too early
    assert reminder_pass(_at(DUE - timedelta(days=7)))["new"] == 1
    assert reminder_pass(_at(DUE - timedelta(days=7), 15))["new"] == 0      # the same day, again
    assert reminder_pass(_at(DUE - timedelta(days=3)))["new"] == 0          # the 7-day reminder was made
    assert reminder_pass(_at(DUE))["new"] == 1
    assert reminder_pass(_at(DUE + timedelta(days=3)))["new"] == 0
    assert reminder_pass(_at(DUE + timedelta(days=7)))["new"] == 1
    assert reminder_pass(_at(DUE + timedelta(days=10)))["new"] == 0
    assert reminder_pass(_at(DUE + timedelta(days=14)))["new"] == 1
    db.session.commit()
    subjects = [n.subject for n in _mine(cadre)]
    assert subjects == ["Nhắc học: còn 7 ngày đến hạn hoàn thành Nghị quyết Đại hội XIII",
                        "Hôm nay là hạn hoàn thành Nghị quyết Đại hội XIII",
                        "Nghị quyết Đại hội XIII đã quá hạn 7 ngày",
                        "Nghị quyết Đại hội XIII đã quá hạn 14 ngày"]
    first = _mine(cadre)[0]
    assert "Nguyễn Thị Hằng" in first.body and "15/12/2026" in first.body and first.link.startswith("/courses/")
    assert first.mail_status == MailStatus.PENDING and first.mail_to == "hang@example.vn"


def test_a_late_pass_still_reminds():
    _province, _trainer, cadre, _course = _setup()
    assert reminder_pass(_at(DUE - timedelta(days=2)))["new"] == 1  # the scheduler was down on the 7th day
    assert "còn 2 ngày" in _mine(cadre)[0].subject


def test_no_reminder_for_a_cadre_who_completed_and_no_mail_if_they_complete_meanwhile():
    _province, _trainer, cadre, course = _setup()
    other = make_user(unit=cadre.unit, email="tuan@example.vn")
    enrolment.apply_assignments(other)
    db.session.commit()
    assert reminder_pass(_at(DUE))["new"] == 2
    db.session.commit()
    for item in items_of(course):
        complete_item(cadre, item)  # completed after the reminder was made, before it was mailed
    db.session.commit()
    assert delivery.send_all() == {"sent": 1, "skipped": 1, "failed": 0, "retry": 0}
    assert [m["To"] for m in outbox()] == ["tuan@example.vn"]
    assert reminder_pass(_at(DUE + timedelta(days=7)))["new"] == 1  # only the other one is still overdue


def test_programmes_are_reminded_too():
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    cadre = make_user(unit=province)
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=1)
    programmes.assign(programme, province, local_day_end(DUE), trainer)
    db.session.commit()
    assert reminder_pass(_at(DUE))["new"] == 2  # the programme, and its required course
    db.session.commit()
    kinds = sorted(n.kind for n in _mine(cadre))
    assert kinds == ["course_reminder", "programme_reminder"]


def test_the_digest_lists_the_overdue_cadres_of_each_managers_subtree_once_a_week():
    province = make_unit("Tỉnh ủy")
    vu_thu = make_unit("Huyện ủy Vũ Thư", parent=province)
    kien_xuong = make_unit("Huyện ủy Kiến Xương", parent=province)
    trainer = make_trainer(unit=province)
    late_a = make_user(unit=vu_thu, full_name="Trần Văn Lương")
    late_b = make_user(unit=kien_xuong, full_name="Đỗ Thị Ngọc")
    make_user(unit=vu_thu, full_name="Vũ Văn Tuấn", active=False)
    course = make_course(trainer, title="Kỹ năng tuyên truyền", lessons=1)
    enrolment.assign(course, province, local_day_end(DUE), trainer)
    db.session.commit()
    district_manager = make_user(unit=vu_thu, roles=(Role.MANAGER,), email="thang@example.vn")
    province_manager = make_user(unit=province, roles=(Role.MANAGER,))
    result = digest_pass(_at(DUE + timedelta(days=3)))
    assert result["new"] == 2 and result["overdue_cadres"] == 2
    assert digest_pass(_at(DUE + timedelta(days=4)))["new"] == 0  # same week
    db.session.commit()
    district = _mine(district_manager)[0]
    assert "1 học viên quá hạn tại Huyện ủy Vũ Thư" in district.subject
    assert late_a.full_name in district.body and late_b.full_name not in district.body
    assert "Vũ Văn Tuấn" not in district.body
    # The province's managers: Kiến Xương has none of its own; Vũ Thư's cadre is its district's, for now.
    whole = _mine(province_manager)[0]
    assert late_a.full_name not in whole.body and late_b.full_name in whole.body
    assert district.mail_to == "thang@example.vn" and whole.mail_status == MailStatus.NONE
    assert digest_pass(_at(DUE + timedelta(days=10)))["new"] == 2  # the next week
    digest_pass(_at(DUE + timedelta(days=17)))  # overdue for more than 14 days: escalated
    db.session.commit()
    assert late_a.full_name in _mine(province_manager)[-1].body


def test_the_scheduler_command_runs_each_task_once_a_period(runner):
    _province, _trainer, cadre, _course = _setup(email=None)
    first = runner.invoke(args=["jobs", "scheduler", "--once", "--only", "reminders", "--only", "digest"])
    assert first.exit_code == 0, first.output
    assert "reminders: {'new': " in first.output and "digest: {'new': " in first.output
    second = runner.invoke(args=["jobs", "scheduler", "--once", "--only", "reminders"])
    assert second.output.strip() == "reminders: skipped"  # another scheduler (or cron line) had it this hour
    whole = runner.invoke(args=["jobs", "scheduler", "--once"])
    names = {line.split(":")[0] for line in whole.output.splitlines()}
    assert {"mail", "jobs.sweep", "quizzes.sweep", "leases.prune"} <= names and whole.exit_code == 0


def test_a_manager_unsubscribes_from_the_digest_email_by_its_link(client, app):
    province = make_unit("Tỉnh ủy")
    trainer = make_trainer(unit=province)
    make_user(unit=province)
    course = make_course(trainer, title="Kỹ năng tuyên truyền", lessons=1)
    enrolment.assign(course, province, local_day_end(DUE), trainer)
    manager = make_user(unit=province, roles=(Role.MANAGER,), email="huy@example.vn")
    digest_pass(_at(DUE + timedelta(days=3)))
    db.session.commit()
    body = _mine(manager)[0].body
    link = next(word for word in body.split() if "/notifications/unsubscribe/" in word)
    path = link[link.index("/notifications/"):]
    assert "Kỹ năng" not in path and client.get(path).status_code == 200  # a GET only asks
    assert digest_pass(_at(DUE + timedelta(days=10)))["new"] == 1
    db.session.commit()
    assert _mine(manager)[-1].mail_to == "huy@example.vn"
    assert client.post(path).status_code == 200
    assert client.post(path[:-3] + "abc").status_code == 404  # a token altered: nothing
    digest_pass(_at(DUE + timedelta(days=17)))
    db.session.commit()
    latest = _mine(manager)[-1]
    assert latest.mail_to is None and latest.mail_status == MailStatus.NONE  # in the app only now
    assert "/notifications/unsubscribe/" not in latest.body


def test_reminders_cannot_be_turned_off_but_the_digest_can(client, login):
    manager = make_user(roles=(Role.MANAGER,), email="huy@example.vn")
    login(manager)
    assert 'name="digest"' in client.get("/notifications/").get_data(as_text=True)
    client.post("/notifications/settings", data={})  # the box left unticked
    from elearn.notifications.services import opted_out
    assert opted_out("digest") == {manager.id}
    client.post("/notifications/settings", data={"digest": "1"})
    assert opted_out("digest") == set()
    login(make_user())
    assert 'name="digest"' not in client.get("/notifications/").get_data(as_text=True)
