"""A demo programme: the year's two study themes, assigned to the commune of Song Lãng (Vũ Thư),
whose cadres already have both courses, with the due date of its own course assignment there (so
that the demo's course figures do not move). Idempotent."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from courses import services as course_services
from courses.demo import ASSIGNED_DAYS_AGO, ASSIGNMENTS, _backdate
from courses.forms import local_day_end
from courses.models import Assignment, Course
from courses.programmes import services, structure
from courses.programmes.models import Programme, ProgrammeEnrollment
from elearn import db
from elearn.db import utcnow
from elearn.demo import demo_user
from elearn.i18n import LOCAL_TZ
from elearn.units import services as units

TITLE = "Học tập chuyên đề và bảo vệ nền tảng tư tưởng của Đảng năm 2023"
COURSES = [("chuyen-de-2023-hoc-tap-va-lam-theo-bac", True), ("bao-ve-nen-tang-tu-tuong-cua-dang", True)]
UNIT = "TB-VT-SONGLANG"


def load() -> None:
    if db.session.scalar(select(Programme.id).where(Programme.title == TITLE)) is not None:
        return
    owner = demo_user("giangvien")
    programme = services.create_programme(
        owner, TITLE, "Hai chuyên đề trọng tâm của năm: học tập và làm theo Bác, bảo vệ nền tảng tư tưởng của Đảng.")
    for slug, required in COURSES:
        structure.add_course(programme, course_services.get_course(slug), owner, required=required)
    days = next(d for slug, code, d in ASSIGNMENTS if code == UNIT)
    due = local_day_end(utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=days))
    unit = units.get_by_code(UNIT)
    # Made with the demo's course assignments (a month ago, at the very instant courses.demo gave them).
    at = db.session.scalar(select(func.min(Assignment.created_at)).where(Assignment.unit_id == unit.id)) \
        or utcnow() - timedelta(days=ASSIGNED_DAYS_AGO)
    assignment, _added = services.assign(programme, unit, due, owner)
    assignment.created_at = at
    db.session.execute(update(ProgrammeEnrollment).where(ProgrammeEnrollment.assignment_id == assignment.id)
                       .values(enrolled_at=at).execution_options(synchronize_session=False))
    for slug, _required in COURSES:
        _backdate(db.session.scalar(select(Assignment).join(Course, Course.id == Assignment.course_id)
                                    .where(Course.slug == slug, Assignment.unit_id == unit.id)), at)
    db.session.flush()
