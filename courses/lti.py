"""Courses as LTI launch targets (custom parameter ``course=<the course's web address>``), and the
course's completion sent back to the platform that launched it (elearn.lti.grades)."""
from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from courses.models import Course, CourseStatus, EnrollmentSource
from elearn import db
from elearn.accounts.models import User
from elearn.lti import grades
from elearn.lti.services import LtiError, launch_target


def enrol_for_launch(user: User, course: Course) -> None:
    """A launch enrols the cadre, as their own choice would (the platform chose the course)."""
    from courses.enrolment import enroll  # enrolment imports progress, which imports this module
    if course.status != CourseStatus.PUBLISHED:
        raise LtiError(_("The course this link opens is not published."))
    enroll(user, course, EnrollmentSource.SELF)


@launch_target("course")
def open_course(user: User, slug: str) -> tuple[int, str]:
    course = db.session.scalar(select(Course).where(Course.slug == slug[:200]))
    if course is None:
        raise LtiError(_("The course this link opens does not exist."))
    enrol_for_launch(user, course)
    return course.id, url_for("courses.course", slug=course.slug)


def course_completed(user_id: int, course_id: int, at: datetime) -> None:
    """A completed course is full marks on the platform's line item."""
    grades.owe(user_id, "course", course_id, 100.0, 100.0, at)
