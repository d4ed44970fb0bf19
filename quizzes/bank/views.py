"""Question bank pages: category tree, question lists, per-kind forms, versions, previews.

Trainers see only their own categories (``services.can_edit_category``); anything else is a 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from elearn import db
from elearn.menu import Entry
from elearn.pagination import page_number, paginate
from elearn.permissions import Permission, requires
from elearn.text import fold
from quizzes.bank import category_paths, queries, services
from quizzes.bank.forms import CategoryForm, FormDataError, QuestionForm, form_to_fields, version_to_formdata
from quizzes.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from quizzes.bank.services import BankError
from quizzes.bank.types import TYPES, format_number, get_type

bp = Blueprint("bank", __name__, url_prefix="/bank", template_folder="templates")
MENU = [Entry("bank.index", _l("Question bank"), (Permission.AUTHOR_COURSES,))]
PAGE_SIZE = 50
bp.add_app_template_filter(format_number, "bank_number")  # 3.14 -> 3,14


def _user():
    return current_user._get_current_object()


def get_category_or_404(category_id: int) -> QuestionCategory:
    category = db.session.get(QuestionCategory, category_id)
    if category is None or not services.can_edit_category(_user(), category):
        abort(404)  # another trainer's category: do not confirm it exists
    return category


def get_question_or_404(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or not services.can_edit_category(_user(), question.category):
        abort(404)
    return question


def _tree(categories: list[QuestionCategory]) -> list[tuple[QuestionCategory, int]]:
    """(category, depth) in tree order, siblings by name."""
    ids = {c.id for c in categories}
    children: dict[int | None, list[QuestionCategory]] = {}
    for c in categories:
        children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    out: list[tuple[QuestionCategory, int]] = []

    def walk(parent_id, depth):
        for c in sorted(children.get(parent_id, []), key=lambda c: fold(c.name)):
            out.append((c, depth))
            walk(c.id, depth + 1)

    walk(None, 0)
    return out


def _visible_tree() -> list[tuple[QuestionCategory, int]]:
    return _tree(list(db.session.scalars(services.visible_categories_query(_user()))))


def _parent_choices(exclude: QuestionCategory | None = None) -> list[SelectChoice]:
    choices = [SelectChoice("", _("(top level)"))]
    for c, depth in _visible_tree():
        if exclude is None or not c.path.startswith(exclude.path):
            choices.append(SelectChoice(str(c.id), "— " * depth + c.name))
    return choices


@bp.get("/")
@requires(Permission.AUTHOR_COURSES)
def index():
    tree = _visible_tree()
    counts = queries.question_counts([c.id for c, _depth in tree])
    form = CategoryForm()
    form.parent.choices = _parent_choices()
    return render_template("bank/index.html", tree=tree, counts=counts, totals=queries.subtree_counts(tree, counts),
                           form=form)


@bp.post("/categories/new")
@requires(Permission.AUTHOR_COURSES)
def create_category():
    form = CategoryForm()
    form.parent.choices = _parent_choices()
    if form.validate():
        parent = get_category_or_404(int(form.parent.data)) if form.parent.data else None
        try:
            category = services.create_category(form.name.data, parent, _user(), form.description.data or "")
        except BankError as error:
            db.discard()
            flash(str(error), "error")
        else:
            flash(_("Category created."), "success")
            return redirect(url_for("bank.category", category_id=category.id))
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(str(e), "error")
    return redirect(url_for("bank.index"))


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def edit_category(category_id: int):
    category = get_category_or_404(category_id)
    form = CategoryForm(data={"name": category.name, "description": category.description,
                              "parent": str(category.parent_id or "")} if request.method == "GET" else None)
    form.parent.choices = _parent_choices(exclude=category)
    if form.validate_on_submit():
        new_parent = get_category_or_404(int(form.parent.data)) if form.parent.data else None
        try:
            services.rename_category(category, form.name.data, form.description.data or "")
            if (new_parent.id if new_parent else None) != category.parent_id:
                services.move_category(category, new_parent)
        except BankError as error:
            db.discard()
            form.name.errors.append(str(error))
        else:
            flash(_("Category saved."), "success")
            return redirect(url_for("bank.category", category_id=category_id))
    return render_template("bank/category_edit.html", category=category, form=form)


@bp.post("/categories/<int:category_id>/delete")
@requires(Permission.AUTHOR_COURSES)
def delete_category(category_id: int):
    category = get_category_or_404(category_id)
    try:
        services.delete_category(category)
    except BankError as error:
        db.discard()
        flash(str(error), "error")
        return redirect(url_for("bank.edit_category", category_id=category_id))
    flash(_("Category deleted."), "success")
    return redirect(url_for("bank.index"))


@bp.get("/categories/<int:category_id>")
@requires(Permission.AUTHOR_COURSES)
def category(category_id: int):
    category = get_category_or_404(category_id)
    search = (request.args.get("q") or "")[:200]
    kind = request.args.get("kind") or None
    if kind not in {k.value for k in QuestionKind}:
        kind = None
    sub = request.args.get("sub") == "1"
    archived = request.args.get("archived") == "1"
    page = paginate(queries.question_query(category, sub, search, kind, archived), page_number(), PAGE_SIZE)
    tree = _visible_tree()
    children = [c for c, _depth in tree if c.parent_id == category.id]
    child_counts = queries.subtree_counts(tree, queries.question_counts([c.id for c, _depth in tree]))
    return render_template("bank/category.html", category=category, page=page,
                           children=children, child_counts=child_counts,
                           search=search, kind=kind, sub=sub,
                           archived=archived, types=TYPES, path_name=category_paths.category_path_name(category))


def _kind_arg() -> QuestionKind:
    try:
        return QuestionKind(request.args.get("kind", ""))
    except ValueError:
        abort(404)


def _question_form(kind: QuestionKind, question: Question | None, category: QuestionCategory):
    """Shared create/edit flow: "more rows" re-renders, "save" goes through the services."""
    initial = version_to_formdata(question.current_version) if question and request.method == "GET" else None
    form = QuestionForm(data=initial)
    if question and request.method == "GET":
        form.tags.data = question.tags.replace(",", ", ")
    more = request.method == "POST" and form.more.data
    form.pad_rows(kind, extra=3 if more else 0)
    if request.method == "POST" and not more and form.validate():
        try:
            fields = form_to_fields(form, kind)
            if question is None:
                question = services.create_question(category, kind, fields.pop("text_html"), user=_user(), **fields)
            else:
                services.update_question(question, user=_user(), **fields)
        except (BankError, FormDataError) as error:
            db.discard()
            form.save.errors = [str(error)]
        else:
            flash(_("Question saved."), "success")
            return redirect(url_for("bank.question", question_id=question.id))
    return render_template("bank/question_form.html", form=form, kind=kind, qtype=get_type(kind),
                           category=category, question=question)


@bp.route("/categories/<int:category_id>/questions/new", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def new_question(category_id: int):
    category = get_category_or_404(category_id)
    return _question_form(_kind_arg(), None, category)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def edit_question(question_id: int):
    question = get_question_or_404(question_id)
    return _question_form(question.current_version.kind, question, question.category)


def _version_or_404(question: Question, number: int | None) -> QuestionVersion:
    if number is None:
        return question.current_version
    version = db.session.scalar(select(QuestionVersion).where(QuestionVersion.question_id == question.id,
                                                              QuestionVersion.number == number))
    if version is None:
        abort(404)
    return version


@bp.get("/questions/<int:question_id>")
@bp.get("/questions/<int:question_id>/versions/<int:number>")
@requires(Permission.AUTHOR_COURSES)
def question(question_id: int, number: int | None = None):
    question = get_question_or_404(question_id)
    version = _version_or_404(question, number)
    qtype = get_type(version.kind)
    return render_template("bank/question.html", question=question, version=version, qtype=qtype,
                           public=qtype.public(version.data), versions=queries.versions(question), types=TYPES)


@bp.post("/questions/<int:question_id>/archive")
@requires(Permission.AUTHOR_COURSES)
def archive_question(question_id: int):
    question = get_question_or_404(question_id)
    services.archive_question(question, not question.archived)
    flash(_("Question archived.") if question.archived else _("Question restored."), "success")
    return redirect(url_for("bank.question", question_id=question_id))
