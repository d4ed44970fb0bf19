"""The trainer's authoring pages for what is inside a course: add, rename, reorder and delete modules;
write lessons; edit, move, preview and delete items.

A room of its own because these pages change the course's structure (``courses.structure``) and a
lesson's content (``courses.lessons``), with their uploads and the files to delete once committed,
while the rest of the ``teach`` blueprint is about the course as a whole (``courses.manage``) or its
learners (``courses.manage_learners``). The routes are on the ``teach`` blueprint, registered when
``courses.manage`` imports this module.
"""
from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from courses import lessons, queries, services, structure
from courses.forms import ItemForm, LessonForm, ModuleForm
from courses.manage import _back, _checked, _course, _fail, _item, _module, bp
from courses.models import Item, ItemKind, Module
from elearn import db, uploads
from elearn.pagination import query_int
from elearn.permissions import Permission, requires


@bp.post("/<int:course_id>/modules")
@requires(Permission.AUTHOR_COURSES)
def add_module(course_id: int):
    course = _course(course_id)
    form = ModuleForm()
    if not form.validate_on_submit():
        flash(_("The module title is required."), "error")
        return _back(course.id)
    module = structure.create_module(course, form.title.data)
    return _back(course.id, f"#module-{module.id}")


@bp.post("/modules/<int:module_id>")
@requires(Permission.AUTHOR_COURSES)
def module_action(module_id: int):
    module = _module(module_id)
    course_id, action = module.course_id, request.form.get("action")
    try:
        if action == "rename":
            structure.rename_module(module, request.form.get("title", ""))
        elif action == "delete":
            title = module.title
            structure.delete_module(module, current_user)
            flash(_("The module %(title)s has been deleted.", title=title), "success")
        elif action in ("up", "down"):
            structure.move_module(module, expected_position=request.form.get("position", -1, type=int),
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
            item = structure.add_item(module, ItemKind.LESSON, form.title.data, required=form.required.data)
            lessons.update_lesson(item, current_user, **_lesson_fields(form), attachment=attachment)
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
            old = lessons.update_lesson(item, current_user, **_lesson_fields(form), attachment=attachment,
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
            structure.update_item(item, title=form.title.data, required=form.required.data)
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
        structure.move_item(item, expected_position=request.form.get("position", -1, type=int),
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
        structure.delete_item(item, current_user)
    except services.CourseError as error:
        _fail(error)
    else:
        db.after_commit(lambda: (uploads.delete(old), remove_folder(folder)))
        flash(_("The item has been deleted."), "success")
    return _back(course_id)


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
