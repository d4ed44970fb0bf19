"""Programme completion: recorded once per cadre, when the rule of the programme is met.

A room of its own because completion is read from the courses' completions, not from anything the
programme's pages change: a programme is complete for a cadre when every required course and
``optional_needed`` optional ones are. One grouped query finds who has met the rule, one executemany
records them, and the xAPI statements and programme certificates go with it in the caller's
transaction. It is reached from below (``courses.progress.evaluate_completion`` calls
``course_completed``) and from the assignment rules in ``services`` (a cadre put on a programme whose
courses they had already completed).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, case, func, select, update

from courses import xapi
from courses.models import Enrollment
from courses.programmes.models import Programme, ProgrammeCourse, ProgrammeEnrollment
from elearn import db

_RECORD = (update(ProgrammeEnrollment.__table__)
           .where(ProgrammeEnrollment.__table__.c.id == bindparam("e_id"),
                  ProgrammeEnrollment.__table__.c.completed_at.is_(None))
           .values(completed_at=bindparam("e_at")))


def record_completions(*, programme_ids: list[int] | None = None, user_ids: list[int] | None = None,
                       at: datetime | None = None) -> int:
    """Record, once, the completion of every unfinished programme enrolment (of these programmes or
    users) whose rule is met: all required courses completed and ``optional_needed`` optional ones.
    The time is ``at``, or when the last of the completed courses was. One grouped query; returns how
    many were recorded. A course completed before an unenrolment still counts."""
    required_done = func.sum(case((ProgrammeCourse.required.is_(True), 1), else_=0))
    optional_done = func.sum(case((ProgrammeCourse.required.is_(True), 0), else_=1))
    required_total = (select(func.count()).where(ProgrammeCourse.programme_id == Programme.id,
                                                 ProgrammeCourse.required.is_(True))
                      .correlate(Programme).scalar_subquery())
    stmt = (select(ProgrammeEnrollment.id, func.max(Enrollment.completed_at), ProgrammeEnrollment.user_id,
                   ProgrammeEnrollment.programme_id)
            .join(Programme, Programme.id == ProgrammeEnrollment.programme_id)
            .join(ProgrammeCourse, ProgrammeCourse.programme_id == ProgrammeEnrollment.programme_id)
            .join(Enrollment, and_(Enrollment.user_id == ProgrammeEnrollment.user_id,
                                   Enrollment.course_id == ProgrammeCourse.course_id,
                                   Enrollment.completed_at.is_not(None)))
            .where(ProgrammeEnrollment.completed_at.is_(None))
            .group_by(ProgrammeEnrollment.id, ProgrammeEnrollment.user_id, ProgrammeEnrollment.programme_id, Programme.id,
                      Programme.optional_needed)
            .having(required_done >= required_total, optional_done >= Programme.optional_needed,
                    required_total + Programme.optional_needed > 0))
    if programme_ids is not None:
        stmt = stmt.where(ProgrammeEnrollment.programme_id.in_(programme_ids))
    if user_ids is not None:
        stmt = stmt.where(ProgrammeEnrollment.user_id.in_(user_ids))
    rows = db.session.execute(stmt).all()
    if not rows:
        return 0
    db.session.connection().execute(_RECORD, [{"e_id": row[0], "e_at": at or row[1]} for row in rows])
    db.session.expire_all()
    completed = [(row[2], row[3], at or row[1]) for row in rows]
    xapi.programmes_completed(completed)
    from courses.certificates.programme import issue_programme_certificates  # with the completion, or neither
    issue_programme_certificates(completed)
    return len(rows)


# Built once, as the course lookups (courses.services): every course completion runs it, under the write lock.
_OPEN_PROGRAMMES_OF = (
    select(ProgrammeEnrollment.programme_id)
    .join(ProgrammeCourse, ProgrammeCourse.programme_id == ProgrammeEnrollment.programme_id)
    .where(ProgrammeEnrollment.user_id == bindparam("user_id"), ProgrammeCourse.course_id == bindparam("course_id"),
           ProgrammeEnrollment.completed_at.is_(None)))


def course_completed(user_id: int, course_id: int, at: datetime | None = None) -> int:
    """A cadre just completed a course: complete the programmes of theirs it finishes. One query
    when it finishes none (most courses belong to no programme)."""
    programme_ids = db.session.scalars(_OPEN_PROGRAMMES_OF, {"user_id": user_id, "course_id": course_id}).all()
    if not programme_ids:
        return 0
    return record_completions(programme_ids=list(programme_ids), user_ids=[user_id], at=at)
