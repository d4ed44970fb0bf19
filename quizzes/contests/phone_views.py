"""The phone verification page of a contest that requires it (``quizzes.contests.phone``): ask for a
code, type it. On the public blueprint of ``views``; limited per client address and per device here,
and per phone, address and device in the service (counted from the stored codes)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn import db
from elearn.extensions import limiter
from elearn.notifications.channels import ChannelError
from elearn.permissions import public
from quizzes.contests import phone, registration
from quizzes.contests.forms import PhoneCheckForm, PhoneCodeForm
from quizzes.contests.services import ContestError
from quizzes.contests.views import DEVICE_KEY, _come_back, _device_key, _published_contest, _session_entrant, bp


def _masked(number: str | None) -> str:
    return f"{number[:3]}•••••{number[-3:]}" if number else ""


def _limits(view):
    view = limiter.limit(lambda: current_app.config.get("CONTEST_OTP_LIMIT_PER_DEVICE", "20 per hour"),
                         key_func=_device_key, methods=["POST"])(view)
    return limiter.limit(lambda: current_app.config.get("CONTEST_OTP_LIMIT_PER_ADDRESS", "60 per hour"),
                         methods=["POST"])(view)


@bp.route("/<int:contest_id>/phone", methods=["GET", "POST"])
@public
@_limits
def verify_phone(contest_id: int):
    contest = _published_contest(contest_id)
    if not contest.require_phone:
        return redirect(url_for(".show", contest_id=contest.id))
    entrant = _session_entrant(contest)
    if entrant is None and not current_user.is_authenticated:
        return _come_back(contest)
    if entrant is not None and entrant.phone_verified_at is not None:
        flash(_("Your phone number is verified: you may enter the rounds."), "success")
        return redirect(url_for(".show", contest_id=contest.id))
    ask, check = PhoneCodeForm(prefix="ask"), PhoneCheckForm(prefix="check")
    if request.method == "GET" and current_user.is_authenticated:
        mine = (entrant.phone if entrant else None) or current_user.phone or ""
        ask.phone.data = "0" + mine[2:] if mine.startswith("84") else mine
    if request.method == "POST" and request.form.get("ask-send") and ask.validate_on_submit():
        return _send(contest, entrant, ask.phone.data)
    if request.method == "POST" and request.form.get("check-send") and check.validate_on_submit():
        try:
            checked = phone.check_code(contest, entrant, check.code.data) if entrant else None
        except ContestError as error:
            db.discard()
            flash(str(error), "error")
        else:
            if checked is None:
                flash(_("Ask for a code first."), "error")
            elif checked.verified:
                flash(_("Your phone number is verified: you may enter the rounds."), "success")
                return redirect(url_for(".show", contest_id=contest.id))
            else:  # the wrong try is counted: this response commits it
                flash(_("The code is not right. Tries left: %(n)d.", n=checked.tries_left), "error")
                return redirect(url_for(".verify_phone", contest_id=contest.id))
    return render_template("contests/phone.html", contest=contest, entrant=entrant, ask=ask, check=check,
                           available=phone.available(), masked=_masked(entrant.phone if entrant else None))


def _send(contest, entrant, number: str | None):
    try:
        if entrant is None:
            entrant = registration.cadre_entrant(contest, current_user)
        _device_key()  # the browser's id, created if it has none yet
        row, code = phone.request_code(contest, entrant, number, client_addr=request.remote_addr,
                                       device=session.get(DEVICE_KEY))
    except ContestError as error:
        db.discard()
        flash(str(error), "error")
        return redirect(url_for(".verify_phone", contest_id=contest.id))
    db.write_now()  # the code is stored (and counted) before the message leaves
    try:
        phone.send(contest, row, code)
    except ChannelError:
        flash(_("The code could not be sent by text message; please try again in a few minutes."), "error")
    else:
        flash(_("A code has been sent to %(phone)s. It is valid for 5 minutes.", phone=_masked(row.phone)), "success")
    return redirect(url_for(".verify_phone", contest_id=contest.id))
