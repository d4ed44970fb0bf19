"""Read side of programmes: "My programmes" for the cadre, figures for the trainer.

A fixed number of queries per page, whatever the number of programmes and courses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from courses.models import Course, Enrollment
from courses.programmes.models import Programme, ProgrammeCourse, ProgrammeEnrollment
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.pagination import Page, paginate
from elearn.units.models import OrgUnit


@dataclass
class CourseLine:
    course: Course
    required: bool
    enrollment: Enrollment | None

    @property
    def completed(self) -> bool:
        return self.enrollment is not None and self.enrollment.completed_at is not None


@dataclass
class ProgrammeCard:
    enrollment: ProgrammeEnrollment
    programme: Programme
    lines: list[CourseLine] = field(default_factory=list)

    @property
    def required_total(self) -> int:
        return sum(line.required for line in self.lines)

    @property
    def required_done(self) -> int:
        return sum(line.required and line.completed for line in self.lines)

    @property
    def optional_done(self) -> int:
        return sum(not line.required and line.completed for line in self.lines)

    @property
    def needed(self) -> int:
        return self.required_total + self.programme.optional_needed

    @property
    def done(self) -> int:
        """Courses that count towards completion: every required one, optional ones up to the number asked."""
        return self.required_done + min(self.optional_done, self.programme.optional_needed)

    @property
    def percent(self) -> int:
        if self.enrollment.completed_at is not None or not self.needed:
            return 100 if self.enrollment.completed_at else 0
        return round(100 * self.done / self.needed)

    @property
    def overdue(self) -> bool:
        e = self.enrollment
        return e.completed_at is None and e.due_at is not None and e.due_at < utcnow()

    @property
    def valid_until(self) -> datetime | None:
        from courses.programmes.renewal import valid_until
        return valid_until(self.programme, self.enrollment.completed_at)

    @property
    def expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < utcnow()


def my_programmes(user: User) -> list[ProgrammeCard]:
    """The user's programmes with their courses and the user's enrolment on each: three queries."""
    rows = db.session.execute(
        select(ProgrammeEnrollment, Programme).join(Programme, Programme.id == ProgrammeEnrollment.programme_id)
        .where(ProgrammeEnrollment.user_id == user.id)).all()
    cards = {p.id: ProgrammeCard(e, p) for e, p in rows}
    if not cards:
        return []
    lines = db.session.execute(
        select(ProgrammeCourse, Course).join(Course, Course.id == ProgrammeCourse.course_id)
        .where(ProgrammeCourse.programme_id.in_(cards))
        .order_by(ProgrammeCourse.programme_id, ProgrammeCourse.position)).all()
    enrollments = {e.course_id: e for e in db.session.scalars(select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id.in_({pc.course_id for pc, _c in lines})))}
    for pc, course in lines:
        cards[pc.programme_id].lines.append(CourseLine(course, pc.required, enrollments.get(course.id)))
    far = datetime.max.replace(tzinfo=utcnow().tzinfo)
    return sorted(cards.values(), key=lambda c: (c.enrollment.completed_at is not None, c.enrollment.due_at or far,
                                                 c.programme.title))


def programme_stats(programme_ids: list[int]) -> dict[int, dict[str, int]]:
    """Courses, cadres on it, and cadres who completed it, per programme: two grouped queries."""
    stats = {pid: {"courses": 0, "enrolled": 0, "completed": 0} for pid in programme_ids}
    if not programme_ids:
        return stats
    for pid, n in db.session.execute(select(ProgrammeCourse.programme_id, func.count()).where(
            ProgrammeCourse.programme_id.in_(programme_ids)).group_by(ProgrammeCourse.programme_id)):
        stats[pid]["courses"] = n
    for pid, enrolled, completed in db.session.execute(
            select(ProgrammeEnrollment.programme_id, func.count(), func.count(ProgrammeEnrollment.completed_at))
            .where(ProgrammeEnrollment.programme_id.in_(programme_ids)).group_by(ProgrammeEnrollment.programme_id)):
        stats[pid]["enrolled"], stats[pid]["completed"] = enrolled, completed
    return stats


def learners(programme: Programme, page: int = 1, per_page: int = 100) -> Page:
    """One page of the programme's cadres: rows of (programme enrolment, user, unit name, courses completed)."""
    done = (select(func.count(Enrollment.id)).join(ProgrammeCourse, ProgrammeCourse.course_id == Enrollment.course_id)
            .where(ProgrammeCourse.programme_id == programme.id, Enrollment.user_id == ProgrammeEnrollment.user_id,
                   Enrollment.completed_at.is_not(None))
            .correlate(ProgrammeEnrollment).scalar_subquery())
    return paginate(select(ProgrammeEnrollment, User, OrgUnit.name, done)
                    .join(User, User.id == ProgrammeEnrollment.user_id)
                    .outerjoin(OrgUnit, OrgUnit.id == User.unit_id)
                    .where(ProgrammeEnrollment.programme_id == programme.id).order_by(User.sort_name, User.id),
                    page, per_page, rows=True)

