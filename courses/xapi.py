"""The courses' xAPI statements: a lesson experienced, an item completed (a quiz passed, with its
score), a course completed, a certificate earned. Built here, kept by ``elearn.xapi`` in the same
transaction as what they describe, sent later by the job worker."""
from __future__ import annotations

from datetime import datetime

from courses.models import Course, Item, ItemKind
from elearn import db
from elearn.xapi import services as xapi


def course_activity(course_id: int) -> dict:
    course = db.session.get(Course, course_id)
    return xapi.activity(f"/courses/{course.slug}", course.title, "course")


def item_activity(item: Item) -> dict:
    kind = "assessment" if item.kind == ItemKind.QUIZ else "lesson"
    return xapi.activity(f"/courses/items/{item.id}", item.title, kind)


def item_opened(user, item: Item, at: datetime) -> None:
    if xapi.enabled() and item.kind == ItemKind.LESSON:
        xapi.add(xapi.statement(user, "experienced", item_activity(item), at=at, parent=course_activity(item.course_id)))


def item_completed(user, item: Item, at: datetime, score: float | None = None) -> None:
    if not xapi.enabled():
        return
    if item.kind == ItemKind.QUIZ:
        xapi.add(xapi.statement(user, "passed", item_activity(item), at=at, parent=course_activity(item.course_id),
                                result=xapi.score(score, passed=True)))
    else:  # a lesson; or a SCORM / cmi5 package, with the score it reported
        xapi.add(xapi.statement(user, "completed", item_activity(item), at=at, parent=course_activity(item.course_id),
                                result=xapi.score(score if item.kind == ItemKind.PACKAGE else None)))


def course_completed(user, course_id: int, at: datetime) -> None:
    if xapi.enabled():
        xapi.add(xapi.statement(user, "completed", course_activity(course_id), at=at, result=xapi.score(None)))


def certificate_earned(user, cert) -> None:
    if xapi.enabled():
        obj = xapi.activity(f"/verify/{cert.code}", cert.course_title, "certificate")
        parent = course_activity(cert.course_id) if cert.course_id else None  # a programme's: no course
        xapi.add(xapi.statement(user, "earned", obj, at=cert.issued_at, parent=parent))


def programmes_completed(rows: list[tuple[int, int, datetime]]) -> None:
    """(user id, programme id, when) of programme completions just recorded."""
    if not xapi.enabled() or not rows:
        return
    from courses.programmes.models import Programme
    from elearn.accounts.models import User

    for user_id, programme_id, at in rows:
        programme = db.session.get(Programme, programme_id)
        obj = xapi.activity(f"/my-programmes#programme-{programme_id}", programme.title, "programme")
        xapi.add(xapi.statement(db.session.get(User, user_id), "completed", obj, at=at, result=xapi.score(None)))
