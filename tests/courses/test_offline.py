"""Studying with no connection (issue 21): a course's download and the lessons opened or finished
on the phone, recorded once when the line returns, at a time the server believes."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from courses import enrolment, offline, services
from courses.learning import get_course_for_study
from courses.models import CourseStatus, Enrollment, Progress
from courses.services import CourseError
from elearn import db
from elearn.db import utcnow
from tests.courses.factories import items_of, make_course
from tests.factories import make_user


def _setup(lessons=2, **kw):
    course = make_course(lessons=lessons, **kw)
    cadre = make_user()
    enrolment.enroll(cadre, course)
    enrollment = services.get_enrollment(cadre, course)
    enrollment.enrolled_at = utcnow() - timedelta(days=2)
    db.session.commit()
    return course, cadre, enrollment


def _progress(cadre, item):
    db.session.expire_all()
    return db.session.scalar(select(Progress).where(Progress.user_id == cadre.id, Progress.item_id == item.id))


def test_an_offline_done_is_recorded_once_at_the_phone_time_within_the_window(app):
    course, cadre, enrollment = _setup()
    first, second = items_of(course)
    now = utcnow()
    an_hour_ago = (now - timedelta(hours=1)).timestamp()
    assert offline.record_offline(cadre, first, course, enrollment, opened_at=an_hour_ago, done=True,
                                  done_at=an_hour_ago + 600, now=now) is None
    row = _progress(cadre, first)
    assert abs((row.first_opened_at - (now - timedelta(hours=1))).total_seconds()) < 1
    assert abs((row.completed_at - (now - timedelta(minutes=50))).total_seconds()) < 1
    completed = row.completed_at
    # Sent again (the reply was lost): nothing changes.
    offline.record_offline(cadre, first, course, enrollment, opened_at=an_hour_ago, done=True, done_at=time.time(), now=now)
    assert _progress(cadre, first).completed_at == completed
    # The last required lesson finishes the course.
    finished = offline.record_offline(cadre, second, course, enrollment, opened_at=None, done=True, now=now)
    assert finished is not None and finished.completed_at == now


def test_the_phone_clock_is_believed_only_within_the_window_and_never_in_the_future(app):
    course, cadre, enrollment = _setup()
    first, second = items_of(course)
    now = utcnow() + timedelta(days=30)  # enrolled a month before "now"
    offline.record_offline(cadre, first, course, enrollment, opened_at=0, done=True, done_at=1, now=now)
    row = _progress(cadre, first)
    assert row.first_opened_at == now - offline.OFFLINE_WINDOW == row.completed_at
    offline.record_offline(cadre, second, course, enrollment, opened_at=(now + timedelta(days=3)).timestamp(),
                           done=False, now=now)
    assert _progress(cadre, second).first_opened_at == now and _progress(cadre, second).completed_at is None
    # Never before the enrolment.
    other, stranger, mine = _setup()
    offline.record_offline(stranger, items_of(other)[0], other, mine, opened_at=0, done=False)
    assert _progress(stranger, items_of(other)[0]).first_opened_at == mine.enrolled_at


def test_an_archived_course_records_nothing_new(app):
    course, cadre, enrollment = _setup()
    course.status = CourseStatus.ARCHIVED
    db.session.commit()
    with pytest.raises(CourseError):
        offline.record_offline(cadre, items_of(course)[0], course, enrollment, opened_at=None, done=True)


def test_the_download_lists_lessons_only_for_an_enrolled_cadre(app):
    course, cadre, enrollment = _setup(lessons=3)
    kept = offline.download_of(course, enrollment)
    assert kept.lesson_ids == [i.id for i in items_of(course)] and kept.attachment_ids == []
    with pytest.raises(CourseError):
        offline.download_of(course, None)


def test_download_and_offline_record_through_http(app, client, login):
    course, cadre, enrollment = _setup(lessons=2)
    first, second = items_of(course)
    login(cadre)
    listed = client.get(f"/courses/{course.slug}/download", headers={"Accept": "application/json"})
    assert listed.status_code == 200
    assert f"/learn/{first.id}" in listed.json["urls"] and f"/learn/{second.id}" in listed.json["urls"]
    # The service worker's download records no visit; the page may be kept on the phone.
    page = client.get(f"/learn/{second.id}", headers={"X-Elearn-Download": "1"})
    assert page.status_code == 200 and page.headers["X-Elearn-Offline"] == "keep"
    assert "private" in page.headers["Cache-Control"]
    assert _progress(cadre, second) is None
    html = page.get_data(as_text=True)
    assert 'id="study"' in html and "study.js" in html and "<script>" not in html
    url = f"/learn/{second.id}/offline"
    sent = client.post(url, data={"opened_at": str(time.time() - 60), "done": "1", "done_at": str(time.time())},
                       headers={"Accept": "application/json"})
    assert sent.status_code == 200 and sent.json["ok"] and not sent.json["course_completed"]
    done_at = _progress(cadre, second).completed_at
    again = client.post(url, data={"opened_at": "1", "done": "1", "done_at": "nan"}, headers={"Accept": "application/json"})
    assert again.status_code == 200 and _progress(cadre, second).completed_at == done_at
    for bad in ("inf", "1e400", "x" * 30, "-1e20"):
        assert client.post(url, data={"opened_at": bad}, headers={"Accept": "application/json"}).status_code == 200


def test_another_cadres_course_or_lesson_is_a_404(app, client, login):
    course, _cadre, _enrollment = _setup()
    lesson = items_of(course)[0]
    stranger = make_user()
    db.session.commit()
    login(stranger)
    assert client.post(f"/learn/{lesson.id}/offline", data={"done": "1"},
                       headers={"Accept": "application/json"}).status_code == 404
    course.self_enroll = True
    db.session.commit()
    refused = client.get(f"/courses/{course.slug}/download", headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "ghi danh" in refused.json["error"]
    assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == stranger.id)) is None
    assert get_course_for_study(course.slug, stranger)[1] is None


def test_attachments_are_downloaded_up_to_the_limit(app, monkeypatch):
    from courses.models import Lesson
    from courses.queries import course_ns
    from elearn import cache

    course, _cadre, enrollment = _setup(lessons=3)
    items = items_of(course)
    for item, size in zip(items, (30, 15, 10), strict=True):
        lesson = db.session.get(Lesson, item.id)
        lesson.attachment_path, lesson.attachment_name, lesson.attachment_size = f"x/{item.id}.pdf", "tai-lieu.pdf", size
    db.session.commit()
    cache.invalidate(course_ns(course.id))
    monkeypatch.setattr(offline, "MAX_DOWNLOAD_BYTES", 42)
    kept = offline.download_of(course, enrollment)
    # 30 fits, 15 would pass 42 and is left out, 10 still fits.
    assert kept.attachment_ids == [items[0].id, items[2].id] and kept.attachment_bytes == 40 and kept.skipped == 1
