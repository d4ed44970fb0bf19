"""Entering a round: start an entry, the question paper, submit, the receipt (routes on ``views.bp``).

The hot path of a round's peak hour (``bench/bench_contest_sustained.py``): each request reads what
it needs in as few statements as it can (the entry with its entrant, round and contest in one; the
drawn question versions from the app's cache, ``paper.drawn_versions``).
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from elearn import db
from elearn.db import utcnow
from elearn.extensions import limiter
from elearn.permissions import public
from quizzes.contests import entries, phone, registration, services
from quizzes.contests.forms import ActionForm, EntryForm
from quizzes.contests.models import ContestEntry, ContestRound
from quizzes.contests.services import ContestError
from quizzes.contests.views import SESSION_KEY, _device_key, _published_contest, _round, _session_entrant, bp


def _own_entry(entry_id: int) -> ContestEntry:
    """The entry, with its entrant, round and contest (one statement), if it is the visitor's own."""
    entry = db.session.scalar(select(ContestEntry).where(ContestEntry.id == entry_id).options(
        joinedload(ContestEntry.entrant), joinedload(ContestEntry.round).joinedload(ContestRound.contest)))
    if entry is None:
        abort(404)
    entrant = entry.entrant
    if entrant.user_id is not None:
        mine = current_user.is_authenticated and current_user.id == entrant.user_id
    else:
        mine = not current_user.is_authenticated and session.get(SESSION_KEY, {}).get(
            str(entrant.contest_id)) == entrant.id
    if not mine:
        abort(404)  # another person's entry: do not confirm it exists
    return entry


@bp.post("/<int:contest_id>/rounds/<int:round_id>/start")
@public
@limiter.limit(lambda: current_app.config.get("CONTEST_START_LIMIT_PER_ADDRESS", "600 per hour"))
@limiter.limit(lambda: current_app.config.get("CONTEST_START_LIMIT_PER_DEVICE", "30 per hour"), key_func=_device_key)
def start(contest_id: int, round_id: int):
    contest = _published_contest(contest_id)
    r = _round(contest, round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if current_user.is_authenticated:
            entrant = registration.cadre_entrant(contest, current_user)
        else:
            entrant = _session_entrant(contest)
            if entrant is None:
                flash(_("Register (or come back with your personal code) before entering."), "info")
                return redirect(url_for(".register" if contest.allow_public else ".show", contest_id=contest.id))
        if phone.needs_verification(contest, entrant):
            flash(_("Verify your phone number before entering."), "info")
            return redirect(url_for(".verify_phone", contest_id=contest.id))
        entry = entries.start_entry(r, entrant, client_addr=request.remote_addr)
    except ContestError as error:
        db.discard()
        flash(str(error), "error")
        return redirect(url_for(".show", contest_id=contest.id))
    return redirect(url_for(".entry", entry_id=entry.id))


def _answers_from_form() -> dict[str, list[str]]:
    """``q<number>`` fields as ticked choice tokens; fields of questions not drawn are kept,
    so the service refuses them rather than this view dropping them silently."""
    answers = {}
    for name in request.form:
        values = [v for v in request.form.getlist(name) if v]
        if name.startswith("q") and values:
            answers[name[1:]] = values
    return answers


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@public
def entry(entry_id: int):
    entry = _own_entry(entry_id)
    if entry.submitted_at is not None:
        return redirect(url_for(".entry_done", entry_id=entry.id))
    r = entry.round
    form = EntryForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            entries.submit_entry(entry, entries.answers_from_form(entry, _answers_from_form()),
                                  form.prediction.data)
        except ContestError as error:
            db.discard()
            flash(str(error), "error")
            if utcnow() > entry.deadline + services.GRACE:
                return redirect(url_for(".show", contest_id=r.contest_id))
        else:
            return redirect(url_for(".entry_done", entry_id=entry.id))
    expired = utcnow() > entry.deadline + services.GRACE
    questions = [] if expired else entries.entry_questions(entry)
    return render_template("contests/entry.html", entry=entry, round=r, contest=r.contest, form=form,
                           questions=questions, expired=expired, chosen=_chosen_from_form(),
                           seconds_left=max(0, int((entry.deadline - utcnow()).total_seconds())))


def _chosen_from_form() -> set[str]:
    """What was ticked before a refused submit, so the page keeps it."""
    return {f"{k}:{v}" for k in request.form if k.startswith("q") for v in request.form.getlist(k)}


@bp.get("/entries/<int:entry_id>/done")
@public
def entry_done(entry_id: int):
    entry = _own_entry(entry_id)
    if entry.submitted_at is None:
        return redirect(url_for(".entry", entry_id=entry.id))
    return render_template("contests/entry_done.html", entry=entry, round=entry.round, contest=entry.round.contest)
