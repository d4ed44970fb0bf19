"""The ZIP export of a unit's certificates: which units one may export, what goes in, its audit entry
and its file name.

A room of its own because a large export has rules of its own: the live certificates of a course for
the cadres now in the unit's subtree, read in batches (never every row at once) and closed when a
download stops early; the page streams it, or hands it to a background job (``jobs.py``) above a
threshold. Both record the same audit entry.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from courses.certificates.models import Certificate
from courses.models import Course
from elearn import audit, db, permissions
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.permissions import Permission, scope_of
from elearn.units.models import OrgUnit, subtree_of


def units_for_zip(user: User) -> list[OrgUnit]:
    """Units whose certificates ``user`` may export (``VIEW_CERTIFICATES``)."""
    scope = scope_of(user, Permission.VIEW_CERTIFICATES)
    if scope is None:
        return []
    return list(db.session.scalars(select(OrgUnit).where(OrgUnit.active.is_(True), subtree_of(scope))
                                   .order_by(OrgUnit.path)))


def may_export(user: User, unit: OrgUnit) -> bool:
    return permissions.in_scope(user, Permission.VIEW_CERTIFICATES, unit)


def _live_in_subtree(unit: OrgUnit, course_id: int, *columns):
    return (select(*columns).select_from(Certificate).join(User, User.id == Certificate.user_id)
            .join(OrgUnit, OrgUnit.id == User.unit_id)
            .where(subtree_of(unit.path), Certificate.course_id == course_id, Certificate.live))


def live_in_subtree(unit: OrgUnit, course_id: int, batch: int = 200) -> Iterator[Certificate]:
    """Live certificates of a course for cadres now in ``unit``'s subtree, in name order,
    fetched in batches so that a large export never loads every row at once."""
    query = (_live_in_subtree(unit, course_id, Certificate)
             .order_by(User.sort_name, Certificate.id).execution_options(yield_per=batch))
    result = db.session.scalars(query)
    try:
        yield from result
    finally:  # a consumer that stops early (a dropped download) must not leave a server cursor open
        result.close()


def count_live_in_subtree(unit: OrgUnit, course_id: int) -> int:
    return db.session.scalar(_live_in_subtree(unit, course_id, func.count(Certificate.id))) or 0


def record_zip_export(unit: OrgUnit, course: Course, count: int, **extra) -> None:
    audit.record("certificate.export_zip", target=f"unit:{unit.code}", course_id=course.id, certificates=count,
                 **extra)


def zip_name(unit: OrgUnit, course_id: int) -> str:
    return f"chung-nhan_{unit.code}_{course_id}_{utcnow():%Y%m%d}.zip"
