"""The trainer's page: upload a package as a module's new item (its title and "required" are then
edited as any other item's, ``teach.edit_item``)."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from courses.manage import _back, _fail, _module, bp
from courses.packages import checks, services
from courses.packages.forms import PackageForm
from courses.services import CourseError
from elearn import uploads
from elearn.permissions import Permission, requires


@bp.url_value_preprocessor
def _package_limit(endpoint, _values):
    """A package may be larger than other uploads (ELEARN_MAX_UPLOAD_MB): the upload's own limit, set
    before anything reads the body (the app's NUL check reads the form before any view runs)."""
    if endpoint == "teach.new_package":
        request.max_content_length = checks.limit("PACKAGE_MAX_BYTES", checks.MAX_BYTES) + 1024 * 1024


@bp.route("/modules/<int:module_id>/packages/new", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def new_package(module_id: int):
    module = _module(module_id)
    form = PackageForm()
    if form.validate_on_submit():
        folder = None
        try:
            # Read, check and unpack before the first write: SQLite's write lock is not held meanwhile.
            data = checks.read_upload(form.package.data)
            parsed = checks.check_package(data)
            folder = services.unpack(parsed, data)
            name = uploads.download_name(getattr(form.package.data, "filename", "") or "", "zip")
            item = services.add_package(module, current_user, parsed, folder, title=form.title.data or "",
                                        required=form.required.data, original_name=name, size=len(data))
        except (CourseError, uploads.UploadError) as error:
            services.remove_folder(folder)
            _fail(error)
        else:
            flash(_("The package has been added."), "success")
            return _back(module.course_id, f"#item-{item.id}")
    return render_template("courses/teach/package_form.html", form=form, module=module, course=module.course,
                           code_name=lambda name: Markup("<code>%s</code>") % name)
