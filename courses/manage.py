"""The trainer's pages: write a course, its modules and lessons; publish, assign, follow learners.

Every page checks twice: ``@requires`` on the route, then ``get_course_for_edit`` on the object
(owner, granted editor, or EDIT_ANY_COURSE), which answers 404 for someone else's course.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from courses import enrolment, queries, services
from courses.forms import (
    AssignForm,
    CourseForm,
    EditorForm,
    ItemForm,
    LessonForm,
    ModuleForm,
    local_day,
    local_day_end,
    local_day_start,
)
from courses.models import Assignment, CourseStatus, Enrollment, Item, ItemKind, Module
from elearn import db, uploads
from elearn.accounts.models import User
from elearn.accounts.services import find_user
from elearn.menu import Entry
from elearn.pagination import page_number, query_int
from elearn.permissions import Permission, requires
from elearn.units.models import OrgUnit
from elearn.units.services import all_units

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


@bp.post("/<int:course_id>/modules")
@requires(Permission.AUTHOR_COURSES)
def add_module(course_id: int):
    course = _course(course_id)
    form = ModuleForm()
    if not form.validate_on_submit():
        flash(_("The module title is required."), "error")
        return _back(course.id)
    module = services.create_module(course, form.title.data)
    return _back(course.id, f"#module-{module.id}")


@bp.post("/modules/<int:module_id>")
@requires(Permission.AUTHOR_COURSES)
def module_action(module_id: int):
    module = _module(module_id)
    course_id, action = module.course_id, request.form.get("action")
    try:
        if action == "rename":
            services.rename_module(module, request.form.get("title", ""))
        elif action == "delete":
            services.delete_module(module, current_user)
        elif action in ("up", "down"):
            services.move_module(module, expected_position=request.form.get("position", -1, type=int),
                                 direction=-1 if action == "up" else 1)
        else:
            abort(400)
    except services.CourseError as error:
        _fail(error)
    return _back(course_id)


@bp.route("/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def new_lesson(module_id: int):
    module = _module(module_id)
    form = LessonForm()
    if form.validate_on_submit():
        try:
            attachment = _checked(form.attachment, uploads.DOCUMENTS)
            item = services.add_item(module, ItemKind.LESSON, form.title.data, required=form.required.data)
            services.update_lesson(item, current_user, **_lesson_fields(form), attachment=attachment)
        except (services.CourseError, uploads.UploadError) as error:
            _fail(error)
        else:
            flash(_("The lesson has been saved."), "success")
            return _back(module.course_id, f"#item-{item.id}")
    return render_template("courses/teach/lesson_form.html", form=form, module=module, item=None,
                           course=module.course)


def _lesson_fields(form: LessonForm) -> dict:
    return {"title": form.title.data, "body_html": form.body.data or "", "video_url": form.video_url.data,
            "minutes": form.minutes.data, "required": form.required.data,
            "complete_on_open": form.complete_on_open.data}


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def edit_item(item_id: int):
    item = _item(item_id)
    if item.kind != ItemKind.LESSON:
        return _edit_other_item(item)
    lesson = item.lesson
    form = LessonForm(obj=lesson)
    if request.method == "GET":
        form.title.data, form.required.data, form.body.data = item.title, item.required, lesson.body_html
    if form.validate_on_submit():
        try:
            attachment = _checked(form.attachment, uploads.DOCUMENTS)
            old = services.update_lesson(item, current_user, **_lesson_fields(form), attachment=attachment,
                                         remove_attachment=form.remove_attachment.data)
        except (services.CourseError, uploads.UploadError) as error:
            _fail(error)
        else:
            db.after_commit(lambda: uploads.delete(old))
            flash(_("The lesson has been saved."), "success")
            return _back(item.course_id, f"#item-{item.id}")
    return render_template("courses/teach/lesson_form.html", form=form, module=item.module, item=item,
                           course=item.module.course)


def _edit_other_item(item: Item):
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        try:
            services.update_item(item, title=form.title.data, required=form.required.data)
        except services.CourseError as error:
            _fail(error)
        else:
            flash(_("Saved."), "success")
            return _back(item.course_id, f"#item-{item.id}")
    return render_template("courses/teach/item_form.html", form=form, item=item, course=item.module.course)


@bp.post("/items/<int:item_id>/move")
@requires(Permission.AUTHOR_COURSES)
def move_item(item_id: int):
    item = _item(item_id)
    course_id = item.course_id
    target = request.form.get("module_id", type=query_int)
    to_module = db.session.get(Module, target) if target else None
    if target and (to_module is None or to_module.course_id != course_id):
        abort(404)
    direction = {"up": -1, "down": 1}.get(request.form.get("direction", ""), 0)
    try:
        services.move_item(item, expected_position=request.form.get("position", -1, type=int),
                           direction=direction, to_module=to_module)
    except services.CourseError as error:
        _fail(error)
    return _back(course_id, f"#item-{item_id}")


@bp.post("/items/<int:item_id>/delete")
@requires(Permission.AUTHOR_COURSES)
def delete_item(item_id: int):
    item = _item(item_id)
    course_id = item.course_id
    old = item.lesson.attachment_path if item.lesson else None
    from courses.packages.services import package_of, remove_folder
    package = package_of(item)
    folder = package.folder if package else None
    try:
        services.delete_item(item, current_user)
    except services.CourseError as error:
        _fail(error)
    else:
        db.after_commit(lambda: (uploads.delete(old), remove_folder(folder)))
        flash(_("The item has been deleted."), "success")
    return _back(course_id)


@bp.get("/<int:course_id>/preview")
@requires(Permission.AUTHOR_COURSES)
def preview(course_id: int):
    course = _course(course_id)
    return render_template("courses/outline.html", course=course, enrollment=None, modules=queries.outline(course, fresh=True),
                           resume=None, preview=True)


@bp.get("/items/<int:item_id>/preview")
@requires(Permission.AUTHOR_COURSES)
def preview_item(item_id: int):
    from courses.views import _render_lesson

    item = _item(item_id)
    if item.kind != ItemKind.LESSON:
        abort(404)
    course = item.module.course
    return _render_lesson(item, course, item.lesson, queries.structure(course.id, fresh=True), progress=None,
                          enrollment=None, preview=True)


@bp.get("/items/<int:item_id>/attachment")
@requires(Permission.AUTHOR_COURSES)
def item_attachment(item_id: int):
    from courses.views import _send_attachment

    return _send_attachment(_item(item_id))


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
