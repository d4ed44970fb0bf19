"""The trainer's pages, the ``teach`` blueprint: the course list, a course's settings and status, its preview.

Every page checks twice: ``@requires`` on the route, then ``get_course_for_edit`` on the object
(owner, granted editor, or EDIT_ANY_COURSE), which answers 404 for someone else's course. The helpers
that do it (``_course``, ``_module``, ``_item``) live here for every page of the blueprint; the pages
themselves are split by what the trainer is doing: writing the course's modules, lessons and items
(``courses.manage_content``), or following who takes it (``courses.manage_learners``), and uploading a
package (``courses.packages.manage``).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses import queries, services
from courses.forms import CourseForm, ModuleForm, local_day, local_day_end, local_day_start
from courses.models import CourseStatus, Item, Module
from elearn import db, uploads
from elearn.menu import Entry
from elearn.permissions import Permission, requires

bp = Blueprint("teach", __name__, url_prefix="/teach", template_folder="templates")
MENU = [Entry("teach.index", _l("Course authoring"), (Permission.AUTHOR_COURSES,))]
DEFAULT_ATTACHMENT_MAX = 10 * 1024 * 1024


def _course(course_id: int):
    return services.get_course_for_edit(course_id, current_user)


def _part_of_editable_course(model, object_id: int):
    """A module or item, 404 unless it exists in a course the user may edit."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    _course(obj.course_id)
    return obj


def _module(module_id: int) -> Module:
    return _part_of_editable_course(Module, module_id)


def _item(item_id: int) -> Item:
    return _part_of_editable_course(Item, item_id)


def _back(course_id: int, anchor: str = ""):
    return redirect(url_for("teach.edit", course_id=course_id) + anchor)


def _fail(error: Exception) -> None:
    db.discard()
    flash(str(error), "error")


def _max_bytes(key: str = "ATTACHMENT_MAX_BYTES") -> int:
    return int(current_app.config.get(key, DEFAULT_ATTACHMENT_MAX))


def _checked(field, kinds):
    """The form's file after the content check, None when no file was sent."""
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return uploads.check_upload(storage, kinds, _max_bytes())


@bp.get("/")
@requires(Permission.AUTHOR_COURSES)
def index():
    courses = queries.authored_courses(current_user, current_user.can(Permission.EDIT_ANY_COURSE))
    stats = queries.course_stats([c.id for c in courses])
    return render_template("courses/teach/index.html", courses=courses, stats=stats)


def _course_fields(form: CourseForm) -> dict:
    return {"title": form.title.data, "theme": form.theme.data or "", "year": form.year.data,
            "summary": form.summary.data or "", "self_enroll": form.self_enroll.data,
            "opens_at": local_day_start(form.opens_on.data), "closes_at": local_day_end(form.closes_on.data)}


def _apply_cover(course, form: CourseForm) -> str | None:
    """Store a new cover (checked as an image); returns the replaced file's name."""
    cover = _checked(form.cover, uploads.IMAGES)
    old = None
    if form.remove_cover.data or cover is not None:
        old, course.cover_path = course.cover_path, None
    if cover is not None:
        course.cover_path = uploads.store(cover)
    return old


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def new():
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = services.create_course(current_user, slug=form.slug.data or None, **_course_fields(form))
            _apply_cover(course, form)
        except (services.CourseError, uploads.UploadError) as error:
            _fail(error)
        else:
            flash(_("The course has been created. Now add its modules and lessons."), "success")
            return _back(course.id)
    return render_template("courses/teach/course_form.html", form=form, course=None)


@bp.route("/<int:course_id>", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def edit(course_id: int):
    course = _course(course_id)
    form = CourseForm(obj=course)
    if request.method == "GET":
        form.opens_on.data = local_day(course.opens_at)
        form.closes_on.data = local_day(course.closes_at, end=True)
    if form.validate_on_submit():
        try:
            services.update_course(course, current_user, slug=form.slug.data or course.slug, **_course_fields(form))
            old = _apply_cover(course, form)
        except (services.CourseError, uploads.UploadError) as error:
            _fail(error)
        else:
            db.after_commit(lambda: uploads.delete(old))
            flash(_("Saved."), "success")
            return _back(course.id)
    modules = queries.outline(course, fresh=True)
    return render_template("courses/teach/course_edit.html", course=course, form=form, modules=modules,
                           module_form=ModuleForm(), quiz_endpoint="quizzes.new_quiz_item" in current_app.view_functions,
                           stats=queries.course_stats([course.id])[course.id], statuses=CourseStatus)


@bp.post("/<int:course_id>/status")
@requires(Permission.AUTHOR_COURSES)
def status(course_id: int):
    course = _course(course_id)
    try:
        services.set_status(course, CourseStatus(request.form.get("status", "")), current_user)
    except ValueError as error:  # a domain error, or a status that does not exist
        _fail(error if isinstance(error, services.CourseError) else services.CourseError(_("Unknown status.")))
    else:
        flash(_("The course status has been changed."), "success")
    return _back(course.id)


@bp.get("/<int:course_id>/preview")
@requires(Permission.AUTHOR_COURSES)
def preview(course_id: int):
    course = _course(course_id)
    return render_template("courses/outline.html", course=course, enrollment=None, modules=queries.outline(course, fresh=True),
                           resume=None, preview=True)


from courses import manage_content, manage_learners  # noqa: E402,F401  (their routes are on this blueprint)
