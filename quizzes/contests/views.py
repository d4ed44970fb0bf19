"""Public contest pages: the list, a contest, registration, entries and published results.

Anyone may read them; cadres enter with their account, members of the public with the
entrant id kept in their signed session once they come back with their phone and the personal
code e-mailed at registration (registering tells no one who has already entered: the code goes to
the registered address). Organiser pages are in ``manage``.
"""
from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from elearn import db
from elearn.db import utcnow
from elearn.extensions import limiter
from elearn.menu import Entry
from elearn.permissions import public
from elearn.units import services as units
from elearn.units.models import OrgUnit
from quizzes.contests import certificates, entries, queries, registration, services
from quizzes.contests import results as round_results
from quizzes.contests.forms import ActionForm, IdentifyForm, RecoverForm, RegistrationForm
from quizzes.contests.models import Contest, ContestEntrant, ContestRound, ContestStatus
from quizzes.contests.services import ContestError

bp = Blueprint("contests", __name__, url_prefix="/contests", template_folder="templates",
               static_folder="static", static_url_path="/static")
MENU = [Entry("contests.index", _l("Contests"))]
SESSION_KEY = "contest_entrants"
DEVICE_KEY = "contest_device"


def _published_contest(contest_id: int) -> Contest:
    contest = db.session.get(Contest, contest_id)
    if contest is None or (contest.status != ContestStatus.PUBLISHED and not (
            current_user.is_authenticated and services.can_manage(contest, current_user))):
        abort(404)
    return contest


def _round(contest: Contest, round_id: int) -> ContestRound:
    r = db.session.get(ContestRound, round_id)
    if r is None or r.contest_id != contest.id:
        abort(404)
    return r


def _session_entrant(contest: Contest) -> ContestEntrant | None:
    """Who is entering: the signed-in cadre's row, or the registered member of the public."""
    if current_user.is_authenticated:
        return db.session.scalar(select(ContestEntrant).where(
            ContestEntrant.contest_id == contest.id, ContestEntrant.user_id == current_user.id))
    entrant_id = session.get(SESSION_KEY, {}).get(str(contest.id))
    entrant = db.session.get(ContestEntrant, entrant_id) if entrant_id else None
    return entrant if entrant is not None and entrant.contest_id == contest.id else None


def _remember(entrant: ContestEntrant) -> None:
    known = dict(session.get(SESSION_KEY, {}))
    known[str(entrant.contest_id)] = entrant.id
    session[SESSION_KEY] = known


@bp.get("/")
@public
def index():
    return render_template("contests/index.html", contests=services.public_contests(), now=utcnow(),
                           state=services.round_state)


@bp.get("/<int:contest_id>")
@public
def show(contest_id: int):
    contest = _published_contest(contest_id)
    entrant = _session_entrant(contest)
    # An entry left half-way (a closed tab, another device after identifying) is taken up again here.
    used, running = entries.entrant_rounds(contest, entrant) if entrant else ({}, {})
    may_enter = not current_user.is_authenticated or registration.may_enter(contest, current_user)
    return render_template("contests/contest.html", contest=contest, entrant=entrant, used=used, running=running,
                           may_enter=may_enter, state=services.round_state, form=ActionForm())


def _phone_key() -> str:
    return "contest-phone:" + (registration.normalize_phone(request.form.get("phone", "")) or "invalid")


def _limited_per_address_and_phone(view):
    """Registering, coming back and asking for a new code: limited per client address and per phone."""
    view = limiter.limit(lambda: current_app.config.get("CONTEST_REGISTER_LIMIT_PER_PHONE", "5 per hour"),
                         key_func=_phone_key, methods=["POST"])(view)
    return limiter.limit(lambda: current_app.config.get("CONTEST_REGISTER_LIMIT_PER_ADDRESS", "20 per hour"),
                         methods=["POST"])(view)


def _unit_choices() -> list[SelectChoice]:
    tree = units.all_units(include_inactive=False)
    return [SelectChoice(0, _("— not in the list —"))] + [SelectChoice(u.id, "\u2003" * u.depth + u.name) for u in tree]


@bp.route("/<int:contest_id>/register", methods=["GET", "POST"])
@public
@_limited_per_address_and_phone
def register(contest_id: int):
    contest = _published_contest(contest_id)
    if current_user.is_authenticated:
        flash(_("You are signed in: enter with your account."), "info")
        return redirect(url_for(".show", contest_id=contest.id))
    if not contest.allow_public:
        abort(404)
    form = RegistrationForm()
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        unit = db.session.get(OrgUnit, form.unit_id.data) if form.unit_id.data else None
        try:
            done = registration.register_public(
                contest, full_name=form.full_name.data, birth_date=form.birth_date.data, phone=form.phone.data,
                email=form.email.data, address=form.address.data, unit=unit, unit_text=form.unit_text.data,
                challenge_token=form.challenge_token.data, challenge_answer=form.challenge_answer.data)
        except ContestError as error:
            db.discard()
            flash(str(error), "error")
        else:
            db.write_now()  # before the message leaves
            registration.send_code(contest, done)
            # The same page whether the phone or address was new or not: it tells no one who has entered.
            return redirect(url_for(".registered", contest_id=contest.id))
    question, form.challenge_token.data = registration.new_challenge()
    form.challenge_answer.data = ""
    return render_template("contests/register.html", contest=contest, form=form, question=question)


@bp.get("/<int:contest_id>/registered")
@public
def registered(contest_id: int):
    return render_template("contests/registered.html", contest=_published_contest(contest_id))


@bp.route("/<int:contest_id>/lost-code", methods=["GET", "POST"])
@public
@_limited_per_address_and_phone
def lost_code(contest_id: int):
    """A lost personal code: a new one goes to the e-mail address registered with the phone number.
    The answer is the same whether the number is registered or not."""
    contest = _published_contest(contest_id)
    form = RecoverForm()
    if form.validate_on_submit():
        renewed = db.write_now(lambda: registration.recover_code(contest, form.phone.data))  # before the message leaves
        if renewed is not None:
            registration.send_recovered(contest, *renewed)
        flash(_("If this phone number is registered, a new personal code has been sent to the e-mail address "
                "given at registration."), "info")
        return redirect(url_for(".identify", contest_id=contest.id))
    return render_template("contests/lost_code.html", contest=contest, form=form)


@bp.route("/<int:contest_id>/identify", methods=["GET", "POST"])
@public
@_limited_per_address_and_phone
def identify(contest_id: int):
    contest = _published_contest(contest_id)
    form = IdentifyForm()
    if form.validate_on_submit():
        try:
            entrant = registration.identify_public(contest, form.phone.data, form.code.data)
        except ContestError as error:
            flash(str(error), "error")
        else:
            _remember(entrant)
            # Only one other place to go back to: no address from the request is followed.
            return redirect(url_for(".mine" if request.args.get("then") == "mine" else ".show", contest_id=contest.id))
    return render_template("contests/identify.html", contest=contest, form=form)


def _device_key() -> str:
    """The browser, as far as it lets itself be known: a random id kept in its signed session
    (a script that drops its cookies is a new device each time, and meets the limit per address)."""
    device = session.get(DEVICE_KEY)
    if not isinstance(device, str) or not device:
        device = session[DEVICE_KEY] = secrets.token_urlsafe(12)
    return "contest-device:" + device


@bp.get("/<int:contest_id>/rounds/<int:round_id>/results")
@public
def results(contest_id: int, round_id: int):
    contest = _published_contest(contest_id)
    r = _round(contest, round_id)
    if r.published_at is None or services.round_state(r) != "closed":
        abort(404)  # nothing is public before the organiser publishes, after the round closed
    return render_template("contests/results_public.html", contest=contest, round=r,
                           file=round_results.ranking_file(r))


def _published_round(contest_id: int, round_id: int) -> tuple[Contest, ContestRound]:
    contest = _published_contest(contest_id)
    r = _round(contest, round_id)
    if r.published_at is None or services.round_state(r) != "closed":
        abort(404)
    return contest, r


@bp.get("/<int:contest_id>/rounds/<int:round_id>/ranking-file.csv")
@public
def ranking_file(contest_id: int, round_id: int):
    """The published ranking file: pseudonyms and figures only, the lines the Merkle root covers."""
    _contest, r = _published_round(contest_id, round_id)
    file = round_results.ranking_file(r)
    if file is None:
        abort(404)
    name = f"contest-{r.contest_id}-round-{r.number}-ranking-{file.merkle_root[:12]}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "X-Content-SHA256": file.sha256,
               "Cache-Control": "public, max-age=300"}  # the same bytes for everyone until withdrawn
    if request.if_none_match.contains(file.sha256):
        response = Response(status=304, headers=headers)  # the stored file is not even read
    else:
        response = Response(file.content, mimetype="text/csv; charset=utf-8", headers=headers)
    response.set_etag(file.sha256)
    return response


@bp.get("/<int:contest_id>/rounds/<int:round_id>/ranking-file.jws")
@public
def ranking_signature(contest_id: int, round_id: int):
    """The ranking file's detached JWS (``contests.signature``), checked with /.well-known/jwks.json."""
    _contest, r = _published_round(contest_id, round_id)
    file = round_results.ranking_file(r)
    if file is None or not file.signature:
        abort(404)
    name = f"contest-{r.contest_id}-round-{r.number}-ranking-{file.merkle_root[:12]}.jws"
    return Response(file.signature + "\n", mimetype="application/jose", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "public, max-age=300"})


def _limited_per_address(view):
    """Pages that rebuild a Merkle path (the whole file hashed) are limited per client address."""
    return limiter.limit(lambda: current_app.config.get("CONTEST_PROOF_LIMIT_PER_ADDRESS", "30 per hour"))(view)


def _come_back(contest: Contest):
    """Not known in this contest: a member of the public identifies (phone and personal code, limited
    per address and per phone), then comes back to "My entries"; a cadre has not entered yet."""
    if current_user.is_authenticated:
        flash(_("You have not entered this contest yet."), "info")
        return redirect(url_for(".show", contest_id=contest.id))
    return redirect(url_for(".identify", contest_id=contest.id, then="mine"))


@bp.get("/<int:contest_id>/rounds/<int:round_id>/proof")
@bp.get("/<int:contest_id>/rounds/<int:round_id>/proof.<any(json):fmt>")
@public
@_limited_per_address
def proof(contest_id: int, round_id: int, fmt: str | None = None):
    """The entrant's own line in the ranking file and its Merkle path to the published root."""
    contest, r = _published_round(contest_id, round_id)
    entrant = _session_entrant(contest)
    if entrant is None:
        return _come_back(contest)
    found = queries.entry_proof(r, entrant)
    if fmt == "json":
        if found is None:
            abort(404)
        return jsonify({"contest": contest.id, "round": r.id, "line": found.line, "leaf": found.leaf,
                        "proof": [list(step) for step in found.path], "root": found.root,
                        "entries": found.entries, "file_sha256": found.sha256})
    return render_template("contests/proof.html", contest=contest, round=r, found=found)


@bp.get("/<int:contest_id>/mine")
@public
def mine(contest_id: int):
    """My entries: every round, the entrant's entries and, once published, their place (no account:
    a member of the public comes back with phone and personal code, limited per address and phone)."""
    contest = _published_contest(contest_id)
    entrant = _session_entrant(contest)
    if entrant is None:
        return _come_back(contest)
    rounds = queries.my_rounds(entrant)
    return render_template("contests/mine.html", contest=contest, entrant=entrant, rounds=rounds,
                           state=services.round_state,
                           certs={row.round.id: certificates.available(row.round, entrant) for row in rounds
                                  if row.published and row.submitted})


from quizzes.contests import certificate_views, entry_views, phone_views  # noqa: E402,F401  (their routes are on this blueprint)
