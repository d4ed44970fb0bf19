"""What a statistics request asks for, checked against what the asker may see.

``resolve`` turns raw parameters (from a page or the CLI) into a ``StatsFilter`` or raises:
``ReportError`` for bad input (shown to the user), ``ReportForbidden`` for a unit outside
the asker's subtree (403: nothing is computed, nothing exported).

The period selects enrolments by their enrolment date (a cohort); the figures are those of
that cohort as of now. ``date_to`` is inclusive (the whole day, Vietnam time).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

from flask_babel import gettext as _
from sqlalchemy import or_, select

from courses.models import Assignment, Course, CourseStatus
from courses.programmes.models import Programme
from elearn import db
from elearn.accounts.models import User
from elearn.errors import DomainError
from elearn.exports import local_datetime
from elearn.pagination import is_id
from elearn.permissions import Permission, scope_of
from elearn.units.models import OrgUnit, subtree_of

VN = timezone(timedelta(hours=7))


class ReportError(DomainError):
    """Bad filter input; the message is shown to the user."""


class ReportForbidden(ReportError):
    """The asked unit lies outside the asker's subtree."""


@dataclass
class StatsFilter:
    actor: User | None         # None: the command line, which sees the whole tree
    scope_path: str            # the asker's subtree ('/' for an admin): every query is narrowed to it
    unit: OrgUnit              # the unit reported on, inside scope_path
    course: Course | None      # one course, or every course assigned in the unit's reach
    course_ids: list[int] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    programme: Programme | None = None  # its courses are the course_ids (unless one course is chosen)

    @property
    def start(self) -> datetime | None:
        return None if self.date_from is None else datetime.combine(self.date_from, time(), VN)

    @property
    def end(self) -> datetime | None:
        """Exclusive end: midnight after ``date_to``."""
        return None if self.date_to is None else datetime.combine(self.date_to + timedelta(days=1), time(), VN)

    def describe(self) -> dict:
        """The filters as recorded in the audit log."""
        return {"unit": self.unit.code, "course": self.course.slug if self.course else None,
                "programme": self.programme.title if self.programme else None,
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None}


def scope_path_of(user: User | None) -> str | None:
    """The subtree a user may report on (``VIEW_STATS``; the command line: everything)."""
    return scope_of(user, Permission.VIEW_STATS)


def parse_date(value: str | date | None, label: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ReportError(_("%(field)s is not a valid date (dd/mm/yyyy).", field=label))


def root_unit() -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.code))


def resolve(actor: User | None, unit_code: str | None = None, course_slug: str | None = None,
            date_from: str | date | None = None, date_to: str | date | None = None,
            programme_id: str | int | None = None) -> StatsFilter:
    scope = scope_path_of(actor)
    if scope is None:
        raise ReportForbidden(_("You may not see statistics."))
    if unit_code and unit_code.strip():
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code.strip()))
        if unit is None:
            raise ReportError(_("Unknown unit: %(code)s.", code=unit_code.strip()))
        if not unit.path.startswith(scope):
            raise ReportForbidden(_("The unit %(code)s is outside your unit.", code=unit.code))
    else:
        unit = root_unit() if scope == "/" else actor.unit
        if unit is None:
            raise ReportError(_("There are no units yet."))
    start = parse_date(date_from, _("From date"))
    end = parse_date(date_to, _("To date"))
    if start and end and start > end:
        raise ReportError(_("The start date is after the end date."))
    course = None
    if course_slug and course_slug.strip():
        course = db.session.scalar(select(Course).where(Course.slug == course_slug.strip()))
        if course is None:
            raise ReportError(_("Unknown course: %(slug)s.", slug=course_slug.strip()))
        course_ids = [course.id]
    programme = None
    if programme_id is not None and str(programme_id).strip():
        key = str(programme_id).strip()
        programme = db.session.get(Programme, int(key)) if is_id(key) else None
        if programme is None:
            raise ReportError(_("Unknown programme: %(id)s.", id=key[:20]))
        if course is None:
            course_ids = [pc.course_id for pc in programme.courses]
    if course is None and programme is None:
        course_ids = [c.id for c in assigned_courses(unit)]
    return StatsFilter(actor, scope, unit, course, course_ids, start, end, programme)


def programmes_in_reach(unit: OrgUnit) -> list[Programme]:
    """Programmes assigned to the unit, to one above it or to one below it (the filter's choices)."""
    from courses.programmes.models import ProgrammeAssignment

    ancestors = [int(i) for i in unit.path.strip("/").split("/") if i]
    below = select(OrgUnit.id).where(subtree_of(unit.path))
    return list(db.session.scalars(select(Programme).where(Programme.id.in_(
        select(ProgrammeAssignment.programme_id).where(or_(ProgrammeAssignment.unit_id.in_(ancestors),
                                                           ProgrammeAssignment.unit_id.in_(below)))))
        .order_by(Programme.title, Programme.id)))


def assigned_courses(unit: OrgUnit) -> list[Course]:
    """Courses assigned to the unit, to one above it (which reaches it) or to one below it."""
    ancestors = [int(i) for i in unit.path.strip("/").split("/") if i]
    below = select(OrgUnit.id).where(subtree_of(unit.path))
    return list(db.session.scalars(
        select(Course).where(Course.status != CourseStatus.DRAFT, Course.id.in_(
            select(Assignment.course_id).where(or_(Assignment.unit_id.in_(ancestors),
                                                   Assignment.unit_id.in_(below)))))
        .order_by(Course.year.desc(), Course.title)))


def today_local() -> date:
    return local_datetime(datetime.now(UTC)).date()
