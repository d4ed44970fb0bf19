"""The trainer's pages about who takes a course: assign it to units, withdraw an assignment, follow
the learners one by one, take a cadre off the course, and grant other trainers the right to edit it.

A room of its own because these pages act on people (``courses.enrolment``, the trainer's lists in
``courses.services``) rather than on the course's content (``courses.manage_content``). The routes are
on the ``teach`` blueprint, registered when ``courses.manage`` imports this module.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from courses import enrolment, queries, services
from courses.forms import AssignForm, EditorForm, local_day_end
from courses.manage import _course, _fail, bp
from courses.models import Assignment, Enrollment
from elearn import db
from elearn.accounts.models import User
from elearn.accounts.services import find_user
from elearn.pagination import page_number
from elearn.permissions import Permission, requires
from elearn.units.models import OrgUnit
from elearn.units.services import all_units


@bp.route("/<int:course_id>/assign", methods=["GET", "POST"])
@requires(Permission.ASSIGN_COURSES)
def assign(course_id: int):
    course = _course(course_id)
    form = AssignForm()
    units = all_units(include_inactive=False)
    form.unit.choices = [(u.id, "\u2003" * u.depth + u.name) for u in units]
    if form.validate_on_submit():
        unit = db.session.get(OrgUnit, form.unit.data)
        try:
            _assignment, added = enrolment.assign(course, unit, local_day_end(form.due_on.data), current_user)
        except services.CourseError as error:
            _fail(error)
        else:
            flash(_("Assigned to %(unit)s: %(n)d cadres newly enrolled.", unit=unit.name, n=added), "success")
            return redirect(url_for("teach.assign", course_id=course.id))
    return render_template("courses/teach/assign.html", course=course, form=form,
                           assignments=services.assignments_of(course))


@bp.post("/<int:course_id>/assignments/<int:assignment_id>/withdraw")
@requires(Permission.ASSIGN_COURSES)
def unassign(course_id: int, assignment_id: int):
    course = _course(course_id)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.course_id != course.id:
        abort(404)
    unit_name = assignment.unit.name
    enrolment.unassign(assignment, current_user)
    flash(_("The assignment to %(unit)s has been withdrawn; its cadres keep the course and their work.",
            unit=unit_name), "success")
    return redirect(url_for("teach.assign", course_id=course.id))


@bp.get("/<int:course_id>/learners")
@requires(Permission.AUTHOR_COURSES)
def learners(course_id: int):
    course = _course(course_id)
    return render_template("courses/teach/learners.html", course=course,
                           page=services.learners(course, page=page_number(), per_page=100),
                           required=queries.course_stats([course.id]),
                           editor_form=EditorForm())


@bp.get("/<int:course_id>/learners/<int:user_id>")
@requires(Permission.AUTHOR_COURSES)
def learner(course_id: int, user_id: int):
    course = _course(course_id)
    user = db.session.get(User, user_id)
    enrollment = services.get_enrollment(user, course, include_unenrolled=True) if user else None
    if enrollment is None:
        abort(404)  # only people on this course: a trainer's course is not a window on every cadre
    return render_template("courses/teach/learner.html", course=course, learner=user, enrollment=enrollment,
                           modules=queries.outline(course, user, fresh=True))


@bp.post("/<int:course_id>/learners/<int:user_id>/unenroll")
@requires(Permission.AUTHOR_COURSES)
def unenroll(course_id: int, user_id: int):
    course = _course(course_id)
    enrollment = db.session.scalar(select(Enrollment).where(
        Enrollment.course_id == course.id, Enrollment.user_id == user_id, Enrollment.unenrolled_at.is_(None)))
    if enrollment is None:
        abort(404)
    enrolment.unenroll(enrollment, current_user)
    flash(_("The cadre has been taken off the course; their progress is kept."), "success")
    return redirect(url_for("teach.learners", course_id=course.id))


@bp.post("/<int:course_id>/editors")
@requires(Permission.AUTHOR_COURSES)
def add_editor(course_id: int):
    course = _course(course_id)
    form = EditorForm()
    user = find_user(form.username.data or "") if form.validate_on_submit() else None
    if user is None or not user.can(Permission.AUTHOR_COURSES):
        flash(_("No trainer has this username."), "error")
    else:
        services.grant_editor(course, user, current_user)
        flash(_("%(name)s may now edit this course.", name=user.full_name), "success")
    return redirect(url_for("teach.learners", course_id=course.id))
