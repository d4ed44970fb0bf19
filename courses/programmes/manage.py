"""The trainer's pages: write a programme, order its courses, assign it, follow its cadres.

Every page checks twice: ``@requires`` on the route, then ``get_programme_for_edit`` on the object
(the owner, or EDIT_ANY_COURSE), which answers 404 for someone else's programme.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from courses.forms import local_day_end
from courses.models import Course, CourseStatus
from courses.programmes import queries, services, structure
from courses.programmes import renewal as renewals
from courses.programmes.forms import AddCourseForm, ProgrammeAssignForm, ProgrammeForm
from courses.programmes.models import Programme, ProgrammeAssignment
from elearn import db
from elearn.menu import Entry
from elearn.pagination import page_number
from elearn.permissions import Permission, requires
from elearn.units.models import OrgUnit
from elearn.units.services import all_units

bp = Blueprint("teach_programmes", __name__, url_prefix="/teach/programmes", template_folder="templates")
MENU = [Entry("teach_programmes.index", _l("Programmes"), (Permission.AUTHOR_COURSES,))]


def _programme(programme_id: int):
    return services.get_programme_for_edit(programme_id, current_user)


def _back(programme_id: int):
    return redirect(url_for("teach_programmes.edit", programme_id=programme_id))


def _fail(error: Exception) -> None:
    db.discard()
    flash(str(error), "error")


@bp.get("/")
@requires(Permission.AUTHOR_COURSES)
def index():
    programmes = services.programmes_for(current_user)
    return render_template("programmes/teach/index.html", programmes=programmes,
                           stats=queries.programme_stats([p.id for p in programmes]))


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def new():
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = services.create_programme(current_user, form.title.data, form.summary.data or "",
                                                  form.optional_needed.data, form.validity_months.data)
        except services.ProgrammeError as error:
            _fail(error)
        else:
            flash(_("The programme has been created. Now add its courses."), "success")
            return _back(programme.id)
    return render_template("programmes/teach/form.html", form=form, programme=None)


def _course_choices(programme) -> list[SelectChoice]:
    taken = {pc.course_id for pc in programme.courses}
    courses = db.session.execute(select(Course.id, Course.title).where(Course.status == CourseStatus.PUBLISHED)
                                 .order_by(Course.title, Course.id)).all()
    return [SelectChoice(cid, title) for cid, title in courses if cid not in taken]


@bp.route("/<int:programme_id>", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def edit(programme_id: int):
    programme = _programme(programme_id)
    form = ProgrammeForm(obj=programme)
    if form.validate_on_submit():
        try:
            services.update_programme(programme, current_user, title=form.title.data,
                                      summary=form.summary.data or "", optional_needed=form.optional_needed.data,
                                      validity_months=form.validity_months.data)
        except services.ProgrammeError as error:
            _fail(error)
        else:
            flash(_("Saved."), "success")
            return _back(programme.id)
    add_form = AddCourseForm(formdata=None)
    add_form.course.choices = _course_choices(programme)
    renews = db.session.get(Programme, programme.renews_id) if programme.renews_id else None
    editions = db.session.scalars(select(Programme).where(Programme.renews_id == programme.id)).all()
    return render_template("programmes/teach/edit.html", programme=programme, form=form, add_form=add_form,
                           assignments=services.assignments_of(programme), renews=renews, editions=editions)


@bp.post("/<int:programme_id>/renewal")
@requires(Permission.AUTHOR_COURSES)
def renewal(programme_id: int):
    programme = _programme(programme_id)
    edition = renewals.create_renewal(programme, current_user)  # a refusal is flashed
    flash(_("The renewal edition has been created: put the new courses in it."), "success")
    return _back(edition.id)


@bp.post("/<int:programme_id>/courses")
@requires(Permission.AUTHOR_COURSES)
def add_course(programme_id: int):
    programme = _programme(programme_id)
    form = AddCourseForm()
    form.course.choices = _course_choices(programme)
    if not form.validate_on_submit():
        flash(_("Choose a published course that is not in the programme yet."), "error")
        return _back(programme.id)
    course = db.session.get(Course, form.course.data)
    structure.add_course(programme, course, current_user, required=form.required.data)  # a refusal is flashed
    flash(_("The course has been added."), "success")
    return _back(programme.id)


@bp.post("/<int:programme_id>/courses/<int:course_id>/remove")
@requires(Permission.AUTHOR_COURSES)
def remove_course(programme_id: int, course_id: int):
    programme = _programme(programme_id)
    structure.remove_course(programme, course_id, current_user)
    flash(_("The course has been taken out of the programme."), "success")
    return _back(programme.id)


@bp.post("/<int:programme_id>/courses/<int:course_id>/move")
@requires(Permission.AUTHOR_COURSES)
def move_course(programme_id: int, course_id: int):
    programme = _programme(programme_id)
    structure.move_course(programme, course_id, -1 if request.form.get("direction") == "up" else 1)
    return _back(programme.id)


@bp.post("/<int:programme_id>/courses/<int:course_id>/required")
@requires(Permission.AUTHOR_COURSES)
def set_required(programme_id: int, course_id: int):
    programme = _programme(programme_id)
    structure.set_required(programme, course_id, request.form.get("required") == "1")
    return _back(programme.id)


@bp.post("/<int:programme_id>/delete")
@requires(Permission.AUTHOR_COURSES)
def delete(programme_id: int):
    programme = _programme(programme_id)
    services.delete_programme(programme, current_user)
    flash(_("The programme has been deleted."), "success")
    return redirect(url_for("teach_programmes.index"))


@bp.route("/<int:programme_id>/assign", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES, Permission.ASSIGN_COURSES)
def assign(programme_id: int):
    programme = _programme(programme_id)
    form = ProgrammeAssignForm()
    units = all_units(include_inactive=False)  # as a course's assignment page
    form.unit.choices = [SelectChoice(u.id, "\u2003" * u.depth + u.name) for u in units]
    if form.validate_on_submit():
        unit = db.session.get(OrgUnit, form.unit.data)
        try:
            _assignment, added = services.assign(programme, unit, local_day_end(form.due_on.data), current_user)
        except services.ProgrammeError as error:
            _fail(error)
        else:
            flash(_("Assigned to %(unit)s: %(n)d cadres newly on the programme.", unit=unit.name, n=added), "success")
            return redirect(url_for("teach_programmes.assign", programme_id=programme_id))
    return render_template("programmes/teach/assign.html", programme=programme, form=form,
                           assignments=services.assignments_of(programme))


@bp.post("/<int:programme_id>/assignments/<int:assignment_id>/withdraw")
@requires(Permission.AUTHOR_COURSES, Permission.ASSIGN_COURSES)
def unassign(programme_id: int, assignment_id: int):
    programme = _programme(programme_id)
    assignment = db.session.get(ProgrammeAssignment, assignment_id)
    if assignment is None or assignment.programme_id != programme.id:
        abort(404)
    unit_name = assignment.unit.name
    services.unassign(assignment, current_user)
    flash(_("The assignment to %(unit)s has been withdrawn; its cadres stay on the programme with their work.",
            unit=unit_name), "success")
    return redirect(url_for("teach_programmes.assign", programme_id=programme_id))


@bp.get("/<int:programme_id>/learners")
@requires(Permission.AUTHOR_COURSES)
def learners(programme_id: int):
    programme = _programme(programme_id)
    return render_template("programmes/teach/learners.html", programme=programme, valid_until=renewals.valid_until,
                           page=queries.learners(programme, page=page_number(), per_page=100),
                           stats=queries.programme_stats([programme.id])[programme.id])
