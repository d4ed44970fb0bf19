"""Renewal by re-completion: a cadre whose certificate has expired, or will within
``RENEWAL_WINDOW``, studies the course again and earns a new certificate.

Starting a renewal opens a new *round* of the cadre's enrolment (``Enrollment.round``):

- the round that ends is kept (``EnrollmentRound``: when it started, when it was completed) and its
  progress rows move to ``ProgressHistory``, so they no longer count towards completion;
- the quizzes can be attempted again: attempts finished before ``round_started_at`` belong to the
  earlier round (``quizzes.attempts``) and neither count against the attempt limit nor grade;
- completing the course again records the new completion on the enrolment and issues a NEW
  certificate (new code, new validity); the old one is marked replaced, never revoked
  (``services.issue_certificate``).

Statistics: ``Enrollment.completed_at`` keeps the last completion while the new round is studied,
so a renewing cadre still counts as completed (their old certificate is what they hold meanwhile;
once it expires it shows in the managers' list of expired certificates). Only the scores of the
new round count, as for any cadre studying.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, insert, literal, select, update
from werkzeug.exceptions import NotFound

from courses import services as course_services
from courses.certificates import codes
from courses.certificates.models import Certificate
from courses.certificates.services import CertificateError, today
from courses.models import Course, Enrollment, EnrollmentRound, Progress, ProgressHistory
from courses.signals import announce, enrolments_changed, progress_changed
from elearn import audit, db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.i18n import format_date

RENEWAL_WINDOW = timedelta(days=60)  # a certificate may be renewed from this long before its last valid day


class CertificateNotFound(CertificateError, NotFound):
    """Not there, or not the cadre's own: a 404 either way."""

    def __init__(self) -> None:
        CertificateError.__init__(self, _("This certificate does not exist or is not yours."))
        NotFound.__init__(self)


def opens_on(cert: Certificate) -> date | None:
    """The first day ``cert`` may be renewed; None: it never expires."""
    return None if cert.expires_on is None else cert.expires_on - RENEWAL_WINDOW


def in_window(cert: Certificate, on: date | None = None) -> bool:
    start = opens_on(cert)
    return start is not None and (on or today()) >= start


def offers(user: User, certificates: list[Certificate]) -> dict[int, Certificate]:
    """{course id: certificate} of the courses ``user`` may renew now: a live course certificate in
    its window, on a course they are enrolled on that is open and not in a renewal round already."""
    due = {c.course_id: c for c in certificates
           if c.user_id == user.id and c.course_id is not None and c.live and in_window(c)}
    if not due:
        return {}
    rows = db.session.execute(select(Enrollment.course_id, Course).join(Course, Course.id == Enrollment.course_id)
                              .where(Enrollment.user_id == user.id, Enrollment.course_id.in_(due),
                                     Enrollment.renewing.is_(False))).all()
    return {course_id: due[course_id] for course_id, course in rows if course_services.is_open(course)}


def offer_for(user: User, course: Course) -> Certificate | None:
    """The certificate of ``course`` that ``user`` may renew now, else None (the course page)."""
    cert = db.session.scalar(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.course_id == course.id, Certificate.live))
    return offers(user, [cert]).get(course.id) if cert is not None else None


def start(user: User, raw_code: str) -> tuple[Enrollment, bool]:
    """Start a new round of the course of ``user``'s certificate ``raw_code``. Returns the
    enrolment and whether a round was started now (False: a replay, the round is already open)."""
    cert = db.session.scalar(select(Certificate).where(
        Certificate.code == codes.normalize(raw_code), Certificate.user_id == user.id))
    if cert is None or cert.course_id is None:
        raise CertificateNotFound()
    enrollment = course_services.get_enrollment(user, cert.course_id, include_unenrolled=True)
    if enrollment is None:
        raise CertificateError(_("You are no longer on this course: ask your unit to enrol you again."))
    if cert.revoked:
        raise CertificateError(_("A revoked certificate cannot be renewed."))
    if enrollment.renewing or cert.replaced_at is not None:
        return enrollment, False  # the same form sent again: the round it started is the one under way
    if not in_window(cert):
        raise CertificateError(_("This certificate is valid until %(until)s: it can be renewed from %(start)s.",
                                 until=format_date(cert.expires_on), start=format_date(opens_on(cert))))
    if not course_services.is_open(enrollment.course):
        raise CertificateError(_("This course is not open for study now: it cannot be taken again yet."))
    now, ended = utcnow(), enrollment.round
    ended_start = enrollment.round_started_at or enrollment.enrolled_at
    # One conditional UPDATE: of two requests starting the same renewal, exactly one opens the round.
    won = db.session.execute(
        update(Enrollment).where(Enrollment.id == enrollment.id, Enrollment.round == ended,
                                 Enrollment.renewing.is_(False))
        .values(round=ended + 1, round_started_at=now, renewing=True, unenrolled_at=None)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(enrollment)
    if not won:
        return enrollment, False
    db.session.add(EnrollmentRound(enrollment_id=enrollment.id, round=ended,
                                   started_at=ended_start, completed_at=enrollment.completed_at))
    mine = (Progress.user_id == user.id, Progress.course_id == cert.course_id)
    db.session.execute(insert(ProgressHistory).from_select(
        ["user_id", "item_id", "course_id", "round", "first_opened_at", "completed_at", "time_spent_seconds",
         "best_score"],
        select(Progress.user_id, Progress.item_id, Progress.course_id, literal(ended), Progress.first_opened_at,
               Progress.completed_at, Progress.time_spent_seconds, Progress.best_score).where(*mine)))
    db.session.execute(delete(Progress).where(*mine).execution_options(synchronize_session=False))
    db.session.expire_all()
    db.session.flush()
    announce(progress_changed, [cert.course_id])
    announce(enrolments_changed, [cert.course_id])
    audit.record("certificate.renewal_start", target=codes.grouped(cert.code), actor=user,
                 course_id=cert.course_id, round=ended + 1)
    return db.session.get(Enrollment, enrollment.id), True

