"""Enrolment: a cadre on a course by their own choice, by a manager, or by an assignment of the
course to their unit subtree (now, and later for cadres who join or move into it).

Services flush, never commit: the caller owns the transaction. An unenrolment keeps the row and
the progress as history, and an assignment never puts back a cadre who was taken off.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, insert, literal, or_, select, update

from courses.models import Assignment, Course, CourseStatus, Enrollment, EnrollmentSource
from courses.progress import evaluate_completion
from courses.services import CourseError, get_enrollment, is_open
from courses.signals import announce, enrolments_changed
from elearn import audit, db
from elearn.accounts.models import User, UserRole
from elearn.accounts.services import accounts_placed
from elearn.db import utcnow
from elearn.i18n import LOCAL_TZ
from elearn.permissions import Permission, roles_with
from elearn.units.models import OrgUnit, subtree_of


def enroll(user: User, course: Course, source: EnrollmentSource = EnrollmentSource.SELF, *,
           assignment: Assignment | None = None, due_at: datetime | None = None) -> Enrollment:
    """Enrol ``user`` (or re-enrol after an unenrolment: progress was kept). Idempotent."""
    enrollment = get_enrollment(user, course, include_unenrolled=True)
    if enrollment is None:
        enrollment = Enrollment(user_id=user.id, course_id=course.id, source=EnrollmentSource(source),
                                assignment_id=assignment.id if assignment else None, due_at=due_at)
        db.session.add(enrollment)
    elif enrollment.unenrolled_at is not None:
        enrollment.unenrolled_at = None
        enrollment.source = EnrollmentSource(source)
        enrollment.enrolled_at = utcnow()
        if assignment is not None:
            enrollment.assignment_id, enrollment.due_at = assignment.id, due_at
    db.session.flush()
    announce(enrolments_changed, [course.id])
    evaluate_completion(user, course.id)  # work done before an unenrolment still counts
    return enrollment


def self_enroll(user: User, course: Course) -> Enrollment:
    if not is_open(course) or not course.self_enroll:
        raise CourseError(_("This course is not open for enrolment."))
    return enroll(user, course, EnrollmentSource.SELF)


def unenroll(enrollment: Enrollment, actor: User) -> None:
    """Take a cadre off a course; the row and the progress stay as history."""
    if enrollment.unenrolled_at is None:
        enrollment.unenrolled_at = utcnow()
        audit.record("course.unenroll", target=str(enrollment.course_id), actor=actor, user_id=enrollment.user_id)
        db.session.flush()
        announce(enrolments_changed, [enrollment.course_id])


def cadres_in(path: str):
    """Active cadres whose unit lies in the subtree at ``path`` (a SELECT of user ids)."""
    return (select(User.id).join(OrgUnit, User.unit_id == OrgUnit.id)
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role.in_(roles_with(Permission.BE_ASSIGNED))))
            .where(subtree_of(path), User.active.is_(True)))


def assign(course: Course, unit: OrgUnit, due_at: datetime | None, actor: User) -> tuple[Assignment, int]:
    """Assign ``course`` to the subtree at ``unit``: enrols every active cadre there now (one
    INSERT .. SELECT), and ``apply_assignments`` enrols those who join later. Returns the
    assignment and how many cadres were newly enrolled."""
    if course.status != CourseStatus.PUBLISHED:
        raise CourseError(_("Only a published course can be assigned."))
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.course_id == course.id, Assignment.unit_id == unit.id))
    if assignment is None:
        assignment = Assignment(course_id=course.id, unit_id=unit.id, due_at=due_at, created_by_id=actor.id)
        db.session.add(assignment)
    else:
        assignment.due_at = due_at
    db.session.flush()
    cadres = cadres_in(unit.path)
    added = _enrol_cadres(assignment, cadres)
    # Cadres already on the course take the assignment's due date: those it enrolled before (assigned
    # again with a new day) and those who had enrolled themselves.
    db.session.execute(update(Enrollment).where(
        Enrollment.course_id == course.id, Enrollment.unenrolled_at.is_(None),
        or_(Enrollment.assignment_id == assignment.id,
            and_(Enrollment.assignment_id.is_(None), Enrollment.user_id.in_(cadres))))
        .values(assignment_id=assignment.id, due_at=due_at).execution_options(synchronize_session=False))
    announce(enrolments_changed, [course.id])
    audit.record("course.assign", target=course.slug, actor=actor, unit=unit.code, enrolled=added,
                 due_on=due_at.astimezone(LOCAL_TZ).date().isoformat() if due_at else None)  # the day itself
    db.session.flush()
    db.session.expire_all()
    return assignment, added


def unassign(assignment: Assignment, actor: User) -> int:
    """Withdraw an assignment: nobody is enrolled by it any more. The cadres it enrolled keep their
    enrolment and their work; each is handed to another assignment of the course that reaches them
    (the nearest unit's, with its due date), or else keeps the course without a due date (no
    reminder, never overdue). Returns how many enrolments it held."""
    if not actor.can(Permission.ASSIGN_COURSES):
        raise CourseError(_("You may not assign courses."))
    course_id, unit_code, slug = assignment.course_id, assignment.unit.code, assignment.course.slug
    held = Enrollment.assignment_id == assignment.id
    count = db.session.scalar(select(func.count(Enrollment.id)).where(held))
    db.session.execute(update(Enrollment).where(held, Enrollment.completed_at.is_(None)).values(due_at=None)
                       .execution_options(synchronize_session=False))
    others = db.session.execute(select(Assignment.id, Assignment.due_at, OrgUnit.path)
                                .join(OrgUnit, OrgUnit.id == Assignment.unit_id)
                                .where(Assignment.course_id == course_id, Assignment.id != assignment.id)).all()
    for other_id, due_at, path in sorted(others, key=lambda row: -len(row[2])):  # the nearest unit first
        db.session.execute(update(Enrollment).where(held, Enrollment.user_id.in_(cadres_in(path)))
                           .values(assignment_id=other_id, due_at=due_at).execution_options(synchronize_session=False))
    db.session.execute(update(Enrollment).where(held).values(assignment_id=None)
                       .execution_options(synchronize_session=False))
    audit.record("course.unassign", target=slug, actor=actor, unit=unit_code, enrolments=count)
    db.session.delete(assignment)
    db.session.flush()
    announce(enrolments_changed, [course_id])
    db.session.expire_all()
    return count


def _enrol_cadres(assignment: Assignment, cadres) -> int:
    """Enrol the cadres of the SELECT ``cadres`` who were never on the assignment's course (an
    unenrolment is respected), in one INSERT .. SELECT; returns how many."""
    already = exists().where(Enrollment.course_id == assignment.course_id, Enrollment.user_id == User.id)
    # rowcount of an INSERT is kept only when asked for (preserve_rowcount).
    return db.session.connection().execute(insert(Enrollment).from_select(
        ["user_id", "course_id", "source", "assignment_id", "enrolled_at", "due_at"],
        cadres.where(~already).add_columns(
            literal(assignment.course_id), literal(EnrollmentSource.ASSIGNMENT.value), literal(assignment.id),
            literal(utcnow(), Enrollment.enrolled_at.type), literal(assignment.due_at, Enrollment.due_at.type)),
    ).execution_options(preserve_rowcount=True)).rowcount


@accounts_placed.connect
def enrol_placed_accounts(_sender=None, user_ids: list[int] | None = None, **_extra) -> int:
    """Accounts were created, imported, moved or re-activated (``user_ids``; None: many): enrol
    them now in the courses assigned to their units, so that the statistics count them before
    they first sign in. The earliest due date wins where two assignments cover one course."""
    stmt = (select(Assignment, OrgUnit.path).join(OrgUnit, OrgUnit.id == Assignment.unit_id)
            .join(Course, Course.id == Assignment.course_id).where(Course.status == CourseStatus.PUBLISHED)
            .order_by(Assignment.due_at.is_(None), Assignment.due_at, Assignment.id))
    if user_ids is not None:
        paths = db.session.scalars(select(OrgUnit.path).join(User, User.unit_id == OrgUnit.id)
                                   .where(User.id.in_(user_ids))).all()
        stmt = stmt.where(Assignment.unit_id.in_({int(x) for path in paths for x in path.strip("/").split("/")}))
    added, courses = 0, set()
    for assignment, path in db.session.execute(stmt).all():
        cadres = cadres_in(path) if user_ids is None else cadres_in(path).where(User.id.in_(user_ids))
        n = _enrol_cadres(assignment, cadres)
        if n:
            added += n
            courses.add(assignment.course_id)
    announce(enrolments_changed, courses)
    return added


def pending_assignments(user: User) -> list[tuple[int, int, datetime | None]]:
    """(assignment id, course id, due) of published courses assigned to the user's unit or one
    above it that they have never been enrolled in (an unenrolment is respected). One query."""
    if not user.active or user.unit is None or not user.can(Permission.BE_ASSIGNED):
        return []
    ancestor_ids = [int(x) for x in user.unit.path.strip("/").split("/") if x]
    rows = db.session.execute(
        select(Assignment.id, Assignment.course_id, Assignment.due_at)
        .join(Course, Course.id == Assignment.course_id)
        .where(Assignment.unit_id.in_(ancestor_ids), Course.status == CourseStatus.PUBLISHED,
               ~exists().where(Enrollment.course_id == Assignment.course_id, Enrollment.user_id == user.id))
        .order_by(Assignment.due_at.is_(None), Assignment.due_at, Assignment.id)).all()
    seen: set[int] = set()
    pending = []
    for assignment_id, course_id, due_at in rows:
        if course_id not in seen:  # assigned to two ancestor units: the earliest due date wins
            seen.add(course_id)
            pending.append((assignment_id, course_id, due_at))
    return pending


def apply_assignments(user: User) -> int:
    """Enrol ``user`` in every course assigned to their unit subtree that they lack; returns how
    many. Call after creating, importing or moving an account; "My courses" also reconciles
    lazily, so a cadre added any other way is caught on their next visit."""
    pending = pending_assignments(user)
    for assignment_id, course_id, due_at in pending:
        db.session.add(Enrollment(user_id=user.id, course_id=course_id, source=EnrollmentSource.ASSIGNMENT,
                                  assignment_id=assignment_id, due_at=due_at))
    if pending:
        db.session.flush()
        announce(enrolments_changed, [course_id for _a, course_id, _d in pending])
    return len(pending)
