"""Programme rules: the programme itself (access, title and rule, validity, delete) and its
assignment to a unit subtree.

Services flush, never commit: the caller owns the transaction. Assigning a programme assigns its
courses to the same unit (``courses.enrolment.assign``: every cadre there is enrolled in them, now
and when they join later), and puts every cadre of the subtree on the programme; cadres placed in a
unit later are put on it by the ``accounts_placed`` listener here (``elearn.app.load_models`` imports
this module for it). Beside it: its list of courses in ``courses.programmes.structure``, completion
in ``completion``, editions and their renewal in ``renewal``.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, insert, literal, select, update
from werkzeug.exceptions import NotFound

from courses import enrolment
from courses.models import Assignment, Course, CourseStatus
from courses.programmes.completion import record_completions
from courses.programmes.models import Programme, ProgrammeAssignment, ProgrammeEnrollment
from elearn import audit, db
from elearn.accounts.models import User
from elearn.accounts.services import accounts_placed
from elearn.db import utcnow
from elearn.errors import DomainError
from elearn.i18n import LOCAL_TZ
from elearn.pagination import is_id
from elearn.permissions import Permission
from elearn.text import normalize_spaces
from elearn.units.models import OrgUnit


class ProgrammeError(DomainError):
    """A programme rule was broken; the message is shown to the user."""


class ProgrammeNotFound(ProgrammeError, NotFound):
    """Not there, or not the user's: a 404 either way (we do not confirm it exists)."""

    def __init__(self) -> None:
        ProgrammeError.__init__(self, _("This programme does not exist or is not available to you."))
        NotFound.__init__(self)


# ---------------------------------------------------------------- access

def can_edit(user: User, programme: Programme) -> bool:
    if user.can(Permission.EDIT_ANY_COURSE):
        return True
    return user.can(Permission.AUTHOR_COURSES) and programme.owner_id == user.id


def get_programme_for_edit(programme_id: int | str, user: User) -> Programme:
    programme = db.session.get(Programme, int(programme_id)) if is_id(str(programme_id)) else None
    if programme is None or not can_edit(user, programme):
        raise ProgrammeNotFound()
    return programme


def programmes_for(user: User) -> list[Programme]:
    """The programmes ``user`` may edit, newest first."""
    stmt = select(Programme).order_by(Programme.created_at.desc(), Programme.id.desc())
    if not user.can(Permission.EDIT_ANY_COURSE):
        stmt = stmt.where(Programme.owner_id == user.id)
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------- authoring

def _clean_title(title: str) -> str:
    title = normalize_spaces(title or "")
    if not title:
        raise ProgrammeError(_("Give the programme a title."))
    if len(title) > 255:
        raise ProgrammeError(_("The title is too long (255 characters at most)."))
    return title


def optional_count(programme: Programme, *, without: int | None = None, flip: int | None = None) -> int:
    """How many optional courses the programme has (less ``without``; with ``flip`` changed over)."""
    count = 0
    for pc in programme.courses:
        if pc.course_id == without:
            continue
        optional = pc.required if pc.course_id == flip else not pc.required
        count += optional
    return count


def check_needed(needed: int, optional: int) -> None:
    if needed < 0:
        raise ProgrammeError(_("The number of optional courses to complete cannot be negative."))
    if needed > optional:
        raise ProgrammeError(_("The programme asks for %(needed)d optional courses but has only %(n)d.",
                               needed=needed, n=optional))


def _check_validity(months: int | None) -> int | None:
    if months is not None and not 1 <= months <= 120:
        raise ProgrammeError(_("A completion is valid from 1 to 120 months (or leave it empty: for ever)."))
    return months


def create_programme(owner: User, title: str, summary: str = "", optional_needed: int = 0,
                     validity_months: int | None = None) -> Programme:
    if not owner.can(Permission.AUTHOR_COURSES):
        raise ProgrammeError(_("You may not write programmes."))
    check_needed(optional_needed, 0)
    programme = Programme(title=_clean_title(title), summary=(summary or "").strip()[:5000],
                          optional_needed=optional_needed, owner_id=owner.id,
                          validity_months=_check_validity(validity_months))
    db.session.add(programme)
    db.session.flush()
    audit.record("programme.create", target=f"programme:{programme.id}", actor=owner, title=programme.title)
    return programme


def update_programme(programme: Programme, actor: User, *, title: str, summary: str = "",
                     optional_needed: int = 0, validity_months: int | None = None) -> None:
    check_needed(optional_needed, optional_count(programme))
    programme.validity_months = _check_validity(validity_months)
    programme.title = _clean_title(title)
    programme.summary = (summary or "").strip()[:5000]
    programme.optional_needed = optional_needed
    db.session.flush()
    audit.record("programme.update", target=f"programme:{programme.id}", actor=actor)


def delete_programme(programme: Programme, actor: User) -> None:
    """Only a programme nobody is on may be deleted (its history is someone's record)."""
    if db.session.scalar(select(ProgrammeEnrollment.id).where(ProgrammeEnrollment.programme_id == programme.id)
                         .limit(1)) is not None:
        raise ProgrammeError(_("Cadres are on this programme: it cannot be deleted."))
    audit.record("programme.delete", target=f"programme:{programme.id}", actor=actor, title=programme.title)
    db.session.execute(delete(ProgrammeAssignment).where(ProgrammeAssignment.programme_id == programme.id))
    db.session.delete(programme)
    db.session.flush()


# ---------------------------------------------------------------- assignment

def assignments_of(programme: Programme) -> list[ProgrammeAssignment]:
    return list(db.session.scalars(select(ProgrammeAssignment).where(ProgrammeAssignment.programme_id == programme.id)
                                   .order_by(ProgrammeAssignment.created_at, ProgrammeAssignment.id)))


def assign_programme_course(course: Course, required: bool, unit: OrgUnit, due_at: datetime | None, actor: User) -> int:
    """Assign one course of a programme to ``unit``: a required course with the programme's due date;
    an optional one without a due date, and only where the unit has no assignment of it already
    (that one's due date is the trainer's choice and stays)."""
    if not required and db.session.scalar(select(Assignment.id).where(
            Assignment.course_id == course.id, Assignment.unit_id == unit.id)) is not None:
        return 0
    _assignment, added = enrolment.assign(course, unit, due_at if required else None, actor)
    return added


def assign(programme: Programme, unit: OrgUnit, due_at: datetime | None, actor: User) -> tuple[ProgrammeAssignment, int]:
    """Assign ``programme`` to the subtree at ``unit`` (again: a new due date). Returns the assignment
    and how many cadres were newly put on the programme."""
    # As a course (``courses.enrolment.assign``): the provincial propaganda department's trainers
    # assign to every unit, so holding ASSIGN_COURSES is the check; a deactivated unit is refused.
    if not actor.can(Permission.ASSIGN_COURSES) or unit is None or not unit.active:
        raise ProgrammeError(_("Choose an active unit."))
    lines = list(programme.courses)
    if not lines:
        raise ProgrammeError(_("Add at least one course before assigning the programme."))
    if not any(pc.required for pc in lines) and programme.optional_needed < 1:
        raise ProgrammeError(_("Make a course required, or ask for at least one optional course, before assigning."))
    for pc in lines:
        if pc.course.status != CourseStatus.PUBLISHED:
            raise ProgrammeError(_("The course \u201c%(title)s\u201d is not published: publish it or take it out "
                                   "of the programme first.", title=pc.course.title))
    assignment = db.session.scalar(select(ProgrammeAssignment).where(
        ProgrammeAssignment.programme_id == programme.id, ProgrammeAssignment.unit_id == unit.id))
    if assignment is None:
        assignment = ProgrammeAssignment(programme_id=programme.id, unit_id=unit.id, due_at=due_at,
                                         created_by_id=actor.id)
        db.session.add(assignment)
    else:
        assignment.due_at = due_at
    db.session.flush()
    assignment_id, programme_id = assignment.id, programme.id
    for pc in lines:
        assign_programme_course(pc.course, pc.required, unit, due_at, actor)  # expires the session's objects
    added = _enrol_cadres(assignment_id, programme_id, due_at, enrolment.cadres_in(unit.path))
    db.session.execute(update(ProgrammeEnrollment).where(ProgrammeEnrollment.assignment_id == assignment_id)
                       .values(due_at=due_at).execution_options(synchronize_session=False))
    record_completions(programme_ids=[programme_id])
    audit.record("programme.assign", target=f"programme:{programme_id}", actor=actor, unit=unit.code, enrolled=added,
                 due_on=due_at.astimezone(LOCAL_TZ).date().isoformat() if due_at else None)
    db.session.expire_all()
    return db.session.get(ProgrammeAssignment, assignment_id), added


def unassign(assignment: ProgrammeAssignment, actor: User) -> int:
    """Withdraw a programme's assignment, as a course's (``enrolment.unassign``): its cadres stay on
    the programme with their completions, handed to another assignment of it that reaches them, or
    else without a due date. Its courses' assignments stay: each is withdrawn on its own. Returns
    how many cadres it held."""
    if not actor.can(Permission.ASSIGN_COURSES):
        raise ProgrammeError(_("You may not assign courses."))
    programme_id, unit_code = assignment.programme_id, assignment.unit.code
    held = ProgrammeEnrollment.assignment_id == assignment.id
    count = db.session.scalar(select(func.count(ProgrammeEnrollment.id)).where(held))
    db.session.execute(update(ProgrammeEnrollment).where(held, ProgrammeEnrollment.completed_at.is_(None))
                       .values(due_at=None).execution_options(synchronize_session=False))
    others = db.session.execute(select(ProgrammeAssignment.id, ProgrammeAssignment.due_at, OrgUnit.path)
                                .join(OrgUnit, OrgUnit.id == ProgrammeAssignment.unit_id)
                                .where(ProgrammeAssignment.programme_id == programme_id,
                                       ProgrammeAssignment.id != assignment.id)).all()
    for other_id, due_at, path in sorted(others, key=lambda row: -len(row[2])):  # the nearest unit first
        db.session.execute(update(ProgrammeEnrollment).where(held, ProgrammeEnrollment.user_id.in_(
            enrolment.cadres_in(path))).values(assignment_id=other_id, due_at=due_at)
            .execution_options(synchronize_session=False))
    db.session.execute(update(ProgrammeEnrollment).where(held).values(assignment_id=None)
                       .execution_options(synchronize_session=False))
    audit.record("programme.unassign", target=f"programme:{programme_id}", actor=actor, unit=unit_code,
                 enrolments=count)
    db.session.delete(assignment)
    db.session.flush()
    db.session.expire_all()
    return count


def _enrol_cadres(assignment_id: int, programme_id: int, due_at: datetime | None, cadres) -> int:
    """Put the cadres of the SELECT ``cadres`` who are not on the programme on it: one INSERT .. SELECT."""
    already = exists().where(ProgrammeEnrollment.programme_id == programme_id, ProgrammeEnrollment.user_id == User.id)
    return db.session.connection().execute(insert(ProgrammeEnrollment).from_select(
        ["user_id", "programme_id", "assignment_id", "enrolled_at", "due_at"],
        cadres.where(~already).add_columns(
            literal(programme_id), literal(assignment_id), literal(utcnow(), ProgrammeEnrollment.enrolled_at.type),
            literal(due_at, ProgrammeEnrollment.due_at.type)),
    ).execution_options(preserve_rowcount=True)).rowcount


def _ancestor_ids(path: str) -> list[int]:
    return [int(x) for x in path.strip("/").split("/") if x]


@accounts_placed.connect
def enrol_placed_accounts(_sender=None, user_ids: list[int] | None = None, **_extra) -> int:
    """Accounts were created, imported, moved or re-activated: put them on the programmes assigned to
    their new units (the earliest due date wins). A moved cadre keeps every programme and completion."""
    stmt = (select(ProgrammeAssignment.id, ProgrammeAssignment.programme_id, ProgrammeAssignment.due_at, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == ProgrammeAssignment.unit_id)
            .order_by(ProgrammeAssignment.due_at.is_(None), ProgrammeAssignment.due_at, ProgrammeAssignment.id))
    if user_ids is not None:
        paths = db.session.scalars(select(OrgUnit.path).join(User, User.unit_id == OrgUnit.id)
                                   .where(User.id.in_(user_ids))).all()
        stmt = stmt.where(ProgrammeAssignment.unit_id.in_({i for path in paths for i in _ancestor_ids(path)}))
    added = 0
    for assignment_id, programme_id, due_at, path in db.session.execute(stmt).all():
        cadres = enrolment.cadres_in(path)
        if user_ids is not None:
            cadres = cadres.where(User.id.in_(user_ids))
        added += _enrol_cadres(assignment_id, programme_id, due_at, cadres)
    if added:
        record_completions(user_ids=user_ids)
    return added


def apply_assignments(user: User) -> int:
    """Put ``user`` on the programmes assigned to their unit or one above it that they are not on
    ("My programmes" calls it: a cadre added any other way is caught on their next visit)."""
    if not user.active or user.unit is None or not user.can(Permission.BE_ASSIGNED):
        return 0
    pending = db.session.scalar(select(func.count(ProgrammeAssignment.id)).where(
        ProgrammeAssignment.unit_id.in_(_ancestor_ids(user.unit.path)),
        ~exists().where(ProgrammeEnrollment.programme_id == ProgrammeAssignment.programme_id,
                        ProgrammeEnrollment.user_id == user.id)))
    return enrol_placed_accounts(user_ids=[user.id]) if pending else 0
