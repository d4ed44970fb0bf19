"""Certificate reads: look a code up, who may see which certificates, the lists the pages show.

A room of its own because it holds the one scope rule (``scope_clause``: one's own, plus the units
where one holds ``VIEW_CERTIFICATES``) that every page, download and list is narrowed by, and the public
lookup that costs one indexed query whatever was typed. Reads only: nothing here writes.
"""
from __future__ import annotations

from sqlalchemy import exists, or_, select, true

from courses.certificates import codes
from courses.certificates.models import Certificate
from courses.certificates.services import today
from courses.models import Course, CourseEditor
from elearn import db
from elearn.accounts.models import User
from elearn.permissions import Permission, scope_of
from elearn.units.models import OrgUnit, subtree_of


def verify(raw_code: str) -> Certificate | None:
    """Public lookup: always exactly one indexed query, whatever was typed, so a forged
    code costs the same as a real one."""
    return db.session.scalar(select(Certificate).where(Certificate.code == codes.normalize(raw_code)))


def scope_clause(user: User):
    """Certificates ``user`` may download: their own, and those of the units where they hold
    ``VIEW_CERTIFICATES`` (a manager's subtree; every unit for an administrator)."""
    scope = scope_of(user, Permission.VIEW_CERTIFICATES)
    if scope == "/":
        return true()
    clauses = [Certificate.user_id == user.id]
    if scope is not None:
        clauses.append(Certificate.user_id.in_(
            select(User.id).join(OrgUnit, User.unit_id == OrgUnit.id).where(subtree_of(scope))))
    return or_(*clauses)


def get_for(user: User, raw_code: str) -> Certificate | None:
    """A certificate in ``user``'s scope, else None (the caller answers 404 either way)."""
    return db.session.scalar(select(Certificate).where(
        Certificate.code == codes.normalize(raw_code), scope_clause(user)))


def mine(user: User) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def in_scope(user: User, course_id: int | None = None, unit: OrgUnit | None = None):
    """The SELECT of the certificates ``user`` may see (newest first), for ``paginate``."""
    query = select(Certificate).where(scope_clause(user))
    if course_id:
        query = query.where(Certificate.course_id == course_id)
    if unit is not None:
        query = query.join(User, User.id == Certificate.user_id).join(OrgUnit, OrgUnit.id == User.unit_id) \
            .where(subtree_of(unit.path))
    return query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())


def all_certificates() -> list[tuple[Certificate, str | None]]:
    rows = db.session.execute(select(Certificate, User.username).outerjoin(User, User.id == Certificate.user_id)
                              .order_by(Certificate.issued_at, Certificate.id))
    return [(cert, username) for cert, username in rows]


def courses_with_certificates() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Course.id, Course.title).where(
        exists().where(Certificate.course_id == Course.id)).order_by(Course.title))
    return [(cid, title) for cid, title in rows]


def editable_courses(user: User) -> list[Course]:
    query = select(Course).order_by(Course.title)
    if not user.can(Permission.EDIT_ANY_COURSE):
        if not user.can(Permission.AUTHOR_COURSES):
            return []
        editors = select(CourseEditor.course_id).where(CourseEditor.user_id == user.id)
        query = query.where(or_(Course.owner_id == user.id, Course.id.in_(editors)))
    return list(db.session.scalars(query))


def expired_in_scope(user: User, unit: OrgUnit | None = None, course_id: int | None = None):
    """Live certificates past their last valid day that ``user`` may see, by unit then name."""
    query = (select(Certificate, OrgUnit.name).join(User, User.id == Certificate.user_id)
             .join(OrgUnit, OrgUnit.id == User.unit_id)
             .where(scope_clause(user), Certificate.live, Certificate.expires_on < today()))
    if unit is not None:
        query = query.where(subtree_of(unit.path))
    if course_id:
        query = query.where(Certificate.course_id == course_id)
    return query.order_by(OrgUnit.path, User.sort_name, Certificate.id)
