"""Trainer pages: create and set up a quiz, choose its questions, results, statistics, regrade.

Every page checks course edit rights (``get_course_for_edit``: a 404 for anyone else).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from courses import services as courses
from elearn import db
from elearn.pagination import query_int, query_ints
from elearn.permissions import Permission, requires
from elearn.units.models import OrgUnit
from quizzes import attempts, grading, services, statistics
from quizzes.bank import queries as bank_queries
from quizzes.bank import services as bank
from quizzes.bank.models import Question, QuestionCategory, QuestionVersion
from quizzes.blueprint import bp
from quizzes.forms import QuizForm, RandomSlotForm, to_local_naive


def _category_choices() -> list[SelectChoice]:
    return [SelectChoice(c.id, "— " * (c.path.count("/") - 2) + c.name)
            for c in db.session.scalars(bank.visible_categories_query(current_user))]


@bp.route("/module/<int:module_id>/new", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def new_quiz_item(module_id: int):
    module = services.get_module(module_id)
    course = courses.get_course_for_edit(module.course_id, current_user)
    form = QuizForm()
    if form.validate_on_submit():
        try:
            quiz = services.create_quiz_item(module, current_user, form.title.data, required=form.required.data,
                                             **form.settings())
        except services.QuizError as error:
            db.discard()
            flash(str(error), "error")
        else:
            flash(_("The quiz was created. Now choose its questions."), "success")
            return redirect(url_for(".edit", item_id=quiz.item_id))
    return render_template("quizzes/new.html", form=form, module=module, course=course)


@bp.route("/item/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def edit(item_id: int):
    quiz = services.get_quiz_for_edit(item_id, current_user)
    # No obj=: WTForms would take the stored UTC times over the local ones given here, and every
    # save would move the quiz's opening and closing 7 hours (tests/test_edit_forms_round_trip.py).
    form = QuizForm(title=quiz.item.title, required=quiz.item.required,
                    opens_at=to_local_naive(quiz.opens_at), closes_at=to_local_naive(quiz.closes_at),
                    **{name: getattr(quiz, name) for name in QuizForm.STORED})
    if form.validate_on_submit():
        try:
            services.update_quiz(quiz, title=form.title.data, required=form.required.data, **form.settings())
        except services.QuizError as error:
            db.discard()
            flash(str(error), "error")
        else:
            flash(_("The quiz settings were saved."), "success")
            return redirect(url_for(".edit", item_id=item_id))
    slot_form = RandomSlotForm(prefix="slot")
    slot_form.category_id.choices = _category_choices()
    return render_template("quizzes/edit.html", quiz=quiz, form=form, slot_form=slot_form,
                           course=services.course_of(quiz), question_count=services.question_count(quiz))


@bp.post("/item/<int:item_id>/slots/random")
@requires(Permission.AUTHOR_COURSES)
def add_random(item_id: int):
    quiz = services.get_quiz_for_edit(item_id, current_user)
    form = RandomSlotForm(prefix="slot")
    form.category_id.choices = _category_choices()
    if not form.validate_on_submit():
        flash(_("Choose a category and a number of questions between 1 and 200."), "error")
        return redirect(url_for(".edit", item_id=item_id))
    category = db.session.get(QuestionCategory, form.category_id.data)
    try:
        services.add_random_slot(quiz, category, form.count.data, form.include_subcategories.data)
    except services.QuizError as error:
        db.discard()
        flash(str(error), "error")
    else:
        flash(_("Random questions added."), "success")
    return redirect(url_for(".edit", item_id=item_id))


@bp.route("/item/<int:item_id>/questions", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def choose_questions(item_id: int):
    quiz = services.get_quiz_for_edit(item_id, current_user)
    categories = _category_choices()
    allowed = {c.value for c in categories}
    if request.method == "POST":
        ids = query_ints(request.form.getlist("question"))[:500]
        questions = list(db.session.scalars(select(Question).where(Question.id.in_(ids),
                                                                   Question.category_id.in_(allowed))))
        try:
            added = services.add_fixed_questions(quiz, questions)
        except services.QuizError as error:
            db.discard()
            flash(str(error), "error")
        else:
            flash(_("%(n)d questions added.", n=len(added)), "success")
            return redirect(url_for(".edit", item_id=item_id))
    category_id = request.args.get("category", type=query_int)
    category = db.session.get(QuestionCategory, category_id) if category_id in allowed else None
    questions = bank_queries.list_questions(category, kind=None) if category else []
    questions = [q for q in questions if q.current_version.kind in services.GRADED_KINDS]
    return render_template("quizzes/choose.html", quiz=quiz, categories=categories, category=category,
                           questions=questions)


@bp.post("/item/<int:item_id>/slots/<int:slot_id>/delete")
@requires(Permission.AUTHOR_COURSES)
def remove_slot(item_id: int, slot_id: int):
    quiz = services.get_quiz_for_edit(item_id, current_user)
    services.remove_slot(quiz, slot_id)
    flash(_("Removed from the quiz."), "success")
    return redirect(url_for(".edit", item_id=item_id))


@bp.get("/item/<int:item_id>/results")
@requires(Permission.VIEW_RESULTS)
def results(item_id: int):
    quiz = services.get_quiz_for_edit(item_id, current_user)
    db.write_now(lambda: attempts.finish_overdue(quiz))  # closed before the results are read and rendered
    unit_id = request.args.get("unit", type=query_int)
    unit = db.session.get(OrgUnit, unit_id) if unit_id else None
    units = db.session.scalars(select(OrgUnit).where(OrgUnit.active.is_(True)).order_by(OrgUnit.path)).all()
    return render_template("quizzes/results.html", quiz=quiz, course=services.course_of(quiz), unit=unit,
                           units=units, rows=statistics.results(quiz, unit))


@bp.get("/item/<int:item_id>/statistics")
@requires(Permission.VIEW_RESULTS)
def question_statistics(item_id: int):
    quiz = services.get_quiz_for_edit(item_id, current_user)
    stats = statistics.question_statistics(quiz)
    versions = {s.question_id: bank_queries.versions(db.session.get(Question, s.question_id)) for s in stats}
    return render_template("quizzes/statistics.html", quiz=quiz, course=services.course_of(quiz), stats=stats,
                           versions=versions)


@bp.post("/item/<int:item_id>/regrade/<int:question_id>")
@requires(Permission.VIEW_RESULTS, Permission.AUTHOR_COURSES)
def regrade(item_id: int, question_id: int):
    quiz = services.get_quiz_for_edit(item_id, current_user)
    question = db.session.get(Question, question_id)
    version = db.session.get(QuestionVersion, request.form.get("version", type=query_int) or 0)
    if question is None or version is None:
        raise services.QuizNotFound()
    try:
        changes = grading.regrade_question(quiz, question, version, current_user)
    except services.QuizError as error:
        db.discard()
        flash(str(error), "error")
    else:
        flash(_("Regraded: %(n)d attempts changed.", n=len(changes)), "success")
    return redirect(url_for(".question_statistics", item_id=item_id))
