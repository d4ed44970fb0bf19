"""Organiser pages: contests, rounds, results, prize lists and exports.

Every route needs MANAGE_CONTESTS; each contest is then checked against the user
(its organiser, or an admin): someone else's contest is a 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from elearn import audit, db
from elearn.exports import csv_response, xlsx_response
from elearn.menu import Entry
from elearn.pagination import page_number
from elearn.permissions import Permission, requires
from elearn.units.models import OrgUnit
from quizzes.bank.models import QuestionCategory
from quizzes.contests import clusters, exports, phone, queries, services
from quizzes.contests import results as round_results
from quizzes.contests.forms import ActionForm, ContestForm, RoundForm, to_local_naive
from quizzes.contests.models import Contest, ContestEntrant, ContestRound
from quizzes.contests.ranking import unit_participation
from quizzes.contests.services import ContestError

bp = Blueprint("contest_admin", __name__, url_prefix="/contests/manage", template_folder="templates")
MENU = [Entry("contest_admin.index", _l("Manage contests"), (Permission.MANAGE_CONTESTS,))]
PAGE = 100


def _contest(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None or not services.can_manage(contest, current_user):
        abort(404)
    return contest


def _round(contest_id: int, round_id: int) -> ContestRound:
    contest = _contest(contest_id)
    r = db.session.get(ContestRound, round_id)
    if r is None or r.contest_id != contest.id:
        abort(404)
    return r


@bp.get("/")
@requires(Permission.MANAGE_CONTESTS)
def index():
    return render_template("contests/manage/index.html", contests=services.managed_contests(current_user),
                           state=services.round_state)


def parse_unit_sizes(text: str) -> dict[OrgUnit, int]:
    """'CODE = 120' per line; a clear message names the first bad line."""
    sizes: dict[OrgUnit, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        code, sep, count = line.partition("=")
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code.strip())) if sep else None
        if unit is None or not count.strip().isdecimal() or len(count.strip()) > 9:
            raise ContestError(_("Member counts, line %(n)d: write a unit code, '=' and a number.", n=number))
        sizes[unit] = int(count.strip())
    return sizes


def _sizes_text(contest: Contest) -> str:
    return "\n".join(f"{s.unit.code} = {s.members}" for s in services.unit_sizes(contest))


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:contest_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_CONTESTS)
def edit(contest_id: int | None = None):
    contest = _contest(contest_id) if contest_id else None
    form = ContestForm(obj=contest)
    texting = phone.available()
    if not texting:  # nothing could send the codes: the box cannot be ticked (the service refuses it too)
        form.require_phone.render_kw = {"disabled": True}
    if request.method == "GET":
        if contest is None:
            form.allow_public.data, form.min_age.data, form.entries_per_round.data = True, 16, 1
            form.prizes_first.data, form.prizes_second.data, form.prizes_third.data = 1, 2, 3
            form.prizes_consolation.data = 10
        else:
            form.starts_at.data, form.ends_at.data = to_local_naive(contest.starts_at), to_local_naive(contest.ends_at)
            form.status.data, form.counted_entry.data = contest.status.value, contest.counted_entry.value
            form.prediction_kind.data = contest.prediction_kind.value
            form.unit_sizes.data = _sizes_text(contest)
    if form.validate_on_submit():
        try:
            sizes = parse_unit_sizes(form.unit_sizes.data)
            values = form.values()
            if not texting:  # a disabled box is not posted: what was stored stays as it was
                values["require_phone"] = contest.require_phone if contest else False
            if contest is None:
                contest = services.create_contest(current_user, values)
            else:
                services.update_contest(contest, current_user, values)
            services.set_unit_sizes(contest, current_user, sizes)
        except ContestError as error:
            db.discard()
            flash(str(error), "error")
        else:
            flash(_("The contest has been saved."), "success")
            return redirect(url_for(".contest", contest_id=contest.id))
    return render_template("contests/manage/contest_form.html", form=form, contest=contest, texting=texting)


@bp.get("/<int:contest_id>")
@requires(Permission.MANAGE_CONTESTS)
def contest(contest_id: int):
    contest = _contest(contest_id)
    return render_template("contests/manage/contest.html", contest=contest, state=services.round_state)


def _category_choices() -> list[SelectChoice]:
    categories = db.session.scalars(select(QuestionCategory).order_by(QuestionCategory.path)).all()
    by_id = {c.id: c for c in categories}

    def label(c: QuestionCategory) -> str:
        ids = [int(x) for x in c.path.strip("/").split("/") if x]
        return " / ".join(by_id[i].name for i in ids if i in by_id) or c.name

    return [SelectChoice(c.id, label(c)) for c in sorted(categories, key=label)]


@bp.route("/<int:contest_id>/rounds/new", methods=["GET", "POST"])
@bp.route("/<int:contest_id>/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_CONTESTS)
def edit_round(contest_id: int, round_id: int | None = None):
    contest = _contest(contest_id)
    r = _round(contest_id, round_id) if round_id else None
    form = RoundForm(obj=r)
    form.category_ids.choices = _category_choices()
    if request.method == "GET":
        if r is None:
            form.question_count.data, form.time_limit_minutes.data = 20, 10
        else:
            form.opens_at.data, form.closes_at.data = to_local_naive(r.opens_at), to_local_naive(r.closes_at)
    if form.validate_on_submit():
        try:
            if r is None:
                r = services.add_round(contest, current_user, form.values())
            else:
                services.update_round(r, current_user, form.values())
        except ContestError as error:
            db.discard()
            flash(str(error), "error")
        else:
            flash(_("The round has been saved."), "success")
            return redirect(url_for(".contest", contest_id=contest.id))
    return render_template("contests/manage/round_form.html", form=form, contest=contest, round=r)


@bp.get("/<int:contest_id>/rounds/<int:round_id>/results")
@requires(Permission.MANAGE_CONTESTS)
def results(contest_id: int, round_id: int):
    r = _round(contest_id, round_id)
    try:
        round_results.require_closed(r)
    except ContestError as error:
        flash(str(error), "error")
        return redirect(url_for(".contest", contest_id=contest_id))
    page = page_number()
    ranking = queries.results_page(r, page, PAGE)  # published: the stored ranking; before: a cached preview
    shown = ranking.rows
    people = {e.id: e for e in db.session.scalars(
        select(ContestEntrant).where(ContestEntrant.id.in_([row.entrant_id for row in shown] or [0])))}
    plan = round_results.prize_plan(r.contest)
    return render_template("contests/manage/results.html", contest=r.contest, round=r, ranking=ranking,
                           shown=shown, people=people, page=page, pages=max(1, -(-ranking.entrants // PAGE)),
                           prize_of=lambda rank: plan[rank - 1] if rank <= len(plan) else None,
                           units=unit_participation(r), form=ActionForm())


@bp.post("/<int:contest_id>/rounds/<int:round_id>/publish")
@requires(Permission.MANAGE_CONTESTS)
def publish(contest_id: int, round_id: int):
    r = _round(contest_id, round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("withdraw"):
            round_results.withdraw_results(r, current_user)
        else:
            round_results.publish_results(r, current_user)
    except ContestError as error:
        db.discard()
        flash(str(error), "error")
        return redirect(url_for(".contest", contest_id=contest_id))
    flash(_("The results have been withdrawn.") if request.form.get("withdraw")
          else _("The results and the prize list have been published."), "success")
    return redirect(url_for(".results", contest_id=contest_id, round_id=round_id))


@bp.get("/<int:contest_id>/rounds/<int:round_id>/<any(ranking, units):table>.<any(csv, xlsx):fmt>")
@requires(Permission.MANAGE_CONTESTS)
def export(contest_id: int, round_id: int, table: str, fmt: str):
    r = _round(contest_id, round_id)
    try:
        columns, rows = (exports.ranking_table if table == "ranking" else exports.units_table)(r)
    except ContestError:
        abort(404)  # an open round has no ranking to export
    db.write_now(lambda: audit.record("contest.export", target=f"round:{r.id}", table=table, format=fmt))
    name = f"contest-{r.contest_id}-round-{r.number}-{table}.{fmt}"
    if fmt == "csv":
        return csv_response(name, columns, rows)
    return xlsx_response(name, columns, rows, sheet_name=_("Ranking") if table == "ranking" else _("Units"),
                         title_rows=[r.contest.title, _("Round %(n)d", n=r.number)])


@bp.get("/<int:contest_id>/rounds/<int:round_id>/suspicious")
@requires(Permission.MANAGE_CONTESTS)
def suspicious(contest_id: int, round_id: int):
    """Clusters worth a look: many entrants from one address, identical timings and answers."""
    r = _round(contest_id, round_id)
    config = current_app.config
    by_address = clusters.by_address(r, int(config.get("CONTEST_CLUSTER_MIN_PER_ADDRESS", 5)))
    timings = clusters.same_timings(r, int(config.get("CONTEST_CLUSTER_MIN_SAME_TIMING", 3)))
    ids = {i for t in timings for i in t.entrant_ids}
    people = {e.id: e for e in db.session.scalars(select(ContestEntrant).where(ContestEntrant.id.in_(ids or [0])))}
    return render_template("contests/manage/suspicious.html", contest=r.contest, round=r, by_address=by_address,
                           timings=timings, people=people, limit=clusters.LIMIT)
