"""Programme renewal: a programme with a validity is renewed by a new edition; the daily pass puts
on it the cadres whose completion of the edition it renews is about to end (issue 20, item 2)."""
from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, exists, insert, literal, select, update
from sqlalchemy.orm import aliased

from courses.models import Course, CourseStatus, Enrollment, EnrollmentSource
from courses.programmes.completion import record_completions
from courses.programmes.models import Programme, ProgrammeCourse, ProgrammeEnrollment
from courses.programmes.services import ProgrammeError, create_programme
from courses.progress import evaluate_completion
from courses.signals import announce, enrolments_changed
from elearn import audit, db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.jobs.scheduler import periodic

RENEW_BEFORE = timedelta(days=30)  # a cadre is put on the renewal edition this long before their completion ends


def add_months(at: datetime, months: int) -> datetime:
    """``at`` plus calendar months (31/01 + 1 month: the last day of February)."""
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def valid_until(programme: Programme, completed_at: datetime | None) -> datetime | None:
    if completed_at is None or not programme.validity_months:
        return None
    return add_months(completed_at, programme.validity_months)


def create_renewal(programme: Programme, actor: User) -> Programme:
    """A new edition renewing ``programme``: the same rule and courses (the trainer then puts the new
    year's course editions in), not yet assigned. Cadres whose completion of ``programme`` ends within
    RENEW_BEFORE are put on it by the daily renewal pass, due when their completion ends."""
    if not programme.validity_months:
        raise ProgrammeError(_("Give the programme a validity first: without one, a completion never ends."))
    edition = create_programme(actor, programme.title, programme.summary, 0, programme.validity_months)
    edition.renews_id = programme.id
    for pc in programme.courses:
        edition.courses.append(ProgrammeCourse(course_id=pc.course_id, required=pc.required, position=pc.position))
    db.session.flush()
    edition.optional_needed = programme.optional_needed
    db.session.flush()
    audit.record("programme.renewal", target=f"programme:{edition.id}", actor=actor, title=programme.title)
    return edition


def renewal_pass(now: datetime | None = None) -> dict[str, int]:
    """Put on each renewal edition (one that has courses) the cadres whose completion of the edition it
    renews ends within RENEW_BEFORE (or has ended), due the day it ends, and enrol them in its courses.
    Idempotent: a cadre already on the edition is left as they are.

    Set-based, whatever the number of cadres (a province renews a year's programme at once): per
    edition one SELECT of the candidates (their end dates are calendar months, computed here as
    everywhere by ``valid_until``), one batched INSERT of their places, one INSERT .. SELECT of their
    course enrolments and one UPDATE re-enrolling those who had been taken off a course."""
    now = now or utcnow()
    renewed = 0
    editions = db.session.scalars(select(Programme).where(Programme.renews_id.is_not(None))).all()
    edition_ids = [e.id for e in editions]
    for edition in editions:
        old = db.session.get(Programme, edition.renews_id)
        if old is None or not old.validity_months or not edition.courses:
            continue
        renewed += _renew(edition, old, now)
    if renewed:
        db.session.flush()
        record_completions(programme_ids=edition_ids)
    return {"renewed": renewed}


def _renew(edition: Programme, old: Programme, now: datetime) -> int:
    renewed_place = aliased(ProgrammeEnrollment)
    # A few days' margin over the horizon: month ends make ``add_months`` not quite invertible; the
    # exact test is valid_until below.
    horizon = add_months(now + RENEW_BEFORE, -old.validity_months) + timedelta(days=4)
    rows = db.session.execute(
        select(ProgrammeEnrollment.user_id, ProgrammeEnrollment.completed_at)
        .join(User, User.id == ProgrammeEnrollment.user_id)
        .where(ProgrammeEnrollment.programme_id == old.id, ProgrammeEnrollment.completed_at.is_not(None),
               ProgrammeEnrollment.completed_at <= horizon, User.active.is_(True),
               ~exists().where(renewed_place.programme_id == edition.id, renewed_place.user_id == User.id))).all()
    places = [{"user_id": user_id, "programme_id": edition.id, "assignment_id": None, "enrolled_at": now,
               "due_at": ends} for user_id, completed_at in rows
              if (ends := valid_until(old, completed_at)) - RENEW_BEFORE <= now]
    if not places:
        return 0
    db.session.connection().execute(db.insert_or_ignore(ProgrammeEnrollment.__table__), places)
    # This pass's places on the edition: what the course enrolments are made for.
    new = (select(ProgrammeEnrollment.user_id, ProgrammeEnrollment.due_at, ProgrammeCourse.course_id,
                  ProgrammeCourse.required)
           .join(ProgrammeCourse, ProgrammeCourse.programme_id == ProgrammeEnrollment.programme_id)
           .join(Course, and_(Course.id == ProgrammeCourse.course_id, Course.status == CourseStatus.PUBLISHED))
           .where(ProgrammeEnrollment.programme_id == edition.id, ProgrammeEnrollment.assignment_id.is_(None),
                  ProgrammeEnrollment.enrolled_at == now))
    on_course = exists().where(Enrollment.user_id == ProgrammeEnrollment.user_id,
                               Enrollment.course_id == ProgrammeCourse.course_id)
    source = literal(EnrollmentSource.ASSIGNMENT.value)
    db.session.connection().execute(insert(Enrollment).from_select(
        ["user_id", "course_id", "source", "enrolled_at", "due_at"],
        new.where(~on_course).with_only_columns(
            ProgrammeEnrollment.user_id, ProgrammeCourse.course_id, source,
            literal(now, Enrollment.enrolled_at.type),
            case((ProgrammeCourse.required.is_(True), ProgrammeEnrollment.due_at), else_=None))))
    # Taken off a course once: back on it, their work kept (``enrolment.enroll`` does the same one by one).
    back = db.session.execute(
        select(Enrollment.user_id, Enrollment.course_id).where(Enrollment.unenrolled_at.is_not(None), exists(
            new.where(ProgrammeEnrollment.user_id == Enrollment.user_id,
                      ProgrammeCourse.course_id == Enrollment.course_id)))).all()
    if back:
        db.session.execute(update(Enrollment.__table__).where(
            Enrollment.__table__.c.user_id == bindparam("u"), Enrollment.__table__.c.course_id == bindparam("c"))
            .values(unenrolled_at=None, source=EnrollmentSource.ASSIGNMENT.value, enrolled_at=now),
            [{"u": u, "c": c} for u, c in back])
    db.session.expire_all()
    announce(enrolments_changed, [pc.course_id for pc in edition.courses])
    for user_id, course_id in back:  # work done before the unenrolment still counts
        evaluate_completion(db.session.get(User, user_id), course_id)
    return len(places)


@periodic("renewals", "day")
def _renewals():
    return renewal_pass()
