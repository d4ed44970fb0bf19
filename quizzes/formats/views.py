"""Import page (upload, errors with their lines, or the counts), GIFT and Moodle XML export, template
downloads, and the files shown inside imported questions."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from elearn import db, uploads
from elearn.pagination import query_int
from elearn.permissions import Permission, public, requires
from quizzes.bank import category_paths
from quizzes.bank import services as bank
from quizzes.bank.models import QuestionCategory
from quizzes.formats import services
from quizzes.formats.common import MAX_IMPORT_BYTES, MEDIA_DIR, FormatError, LineError, check_size
from quizzes.formats.forms import ExportForm, ImportForm
from quizzes.formats.moodlexml_question import MEDIA_TYPES
from quizzes.formats.spreadsheet import template_csv, template_xlsx

bp = Blueprint("formats", __name__, url_prefix="/questions", template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {
    "single": _l("Single choice"), "multiple": _l("Multiple choice"), "truefalse": _l("True/false"),
    "shortanswer": _l("Short answer"), "numerical": _l("Numerical"), "matching": _l("Matching"),
    "essay": _l("Essay"), "description": _l("Description"),
}


def _categories() -> list[tuple[int, str]]:
    categories = db.session.scalars(bank.visible_categories_query(current_user)).all()
    names = {c.id: c.name for c in categories}
    return [(c.id, " / ".join(names.get(int(i), "…") for i in c.path.strip("/").split("/")))
            for c in categories]


def _editable_category_or_404(category_id: int | None) -> QuestionCategory:
    category = db.session.get(QuestionCategory, category_id) if category_id else None
    if category is None or not bank.can_edit_category(current_user, category):
        abort(404)  # another trainer's category: do not confirm it exists
    return category


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def import_page():
    form, export_form = ImportForm(), ExportForm(request.args)
    choices = _categories()
    form.category.choices = [SelectChoice(0, _("— choose —"))] + [SelectChoice(i, n) for i, n in choices]
    export_form.category.choices = [SelectChoice(i, n) for i, n in choices]
    # Both forms have a 'category' field: ids are unique on a page (its label follows the id).
    if request.args.get("category", type=query_int):
        form.category.data = form.category.data or request.args.get("category", type=query_int)
    result = errors = None
    if form.validate_on_submit():
        upload = form.file.data
        fmt = form.format.data
        try:
            with upload.stream:  # a large upload is spooled to a temporary file: close it now
                content = upload.read(MAX_IMPORT_BYTES + 1)  # enough to know it is too large
            check_size(len(content))
            if fmt == "auto":
                fmt = services.guess_format(upload.filename or "", content)
            if form.new_category.data and form.new_category.data.strip():
                target = category_paths.get_or_create_category_path(form.new_category.data, current_user)
            elif form.category.data:
                target = _editable_category_or_404(form.category.data)
            else:
                raise FormatError([LineError(0, _("Choose a category or name a new one."))])
            result = services.import_file(target, fmt, content, current_user)
        except (FormatError, bank.BankError) as error:
            db.discard()
            errors = error.errors if isinstance(error, FormatError) else [LineError(0, str(error))]
            services.record_failed_import(form.new_category.data or f"question_category:{form.category.data}",
                                          fmt, FormatError(errors), current_user)
            flash(_("Nothing was imported: the file has %(n)d error(s).", n=len(errors)), "error")
        else:
            flash(_("%(n)d questions imported.", n=result.imported), "success")
    return render_template("formats/import.html", form=form, export_form=export_form, result=result,
                           errors=errors, has_categories=bool(choices), kind_labels=KIND_LABELS)


@bp.get("/export")
@requires(Permission.AUTHOR_COURSES)
def export():
    category = _editable_category_or_404(request.args.get("category", type=query_int))
    fmt = request.args.get("format") or "gift"
    if fmt not in services.EXPORT_FORMATS:
        abort(404)
    text = services.export_file(category, fmt, current_user)
    name, mime = ((f"cau-hoi-{category.id}.xml", "application/xml; charset=utf-8") if fmt == "moodlexml"
                  else (f"cau-hoi-{category.id}.gift.txt", "text/plain; charset=utf-8"))
    return Response(text, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/media/<name>")
@public
def media(name: str):
    """A file shown inside imported questions (an image, a linked document).

    Public on purpose: a contest's public entrants see questions without signing in. What
    keeps it private is the name: 128 random bits, written only into the HTML of the questions
    that show the file, so only whoever may see such a question can ask for it. Only files an
    import stored under ``UPLOAD_DIR/questions`` are served here; a lesson's attachment or a
    course cover (another course's files) lives elsewhere and is never reachable by this route.
    """
    mime = MEDIA_TYPES.get(name.rsplit(".", 1)[-1]) if "." in name else None
    if mime is None:
        abort(404)
    return uploads.send_stored(name, name, mime, MEDIA_DIR)


@bp.get("/template.csv")
@requires(Permission.AUTHOR_COURSES)
def template_csv_file():
    return Response(template_csv(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="mau-cau-hoi.csv"'})


@bp.get("/template.xlsx")
@requires(Permission.AUTHOR_COURSES)
def template_xlsx_file():
    return Response(template_xlsx(), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="mau-cau-hoi.xlsx"'})
