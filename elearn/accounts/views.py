"""Sign-in, sign-out, password change and language choice."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from elearn import db
from elearn.accounts import devices, services
from elearn.accounts.forms import ChangePasswordForm, EndSessionsForm, LoginForm, PhoneForm
from elearn.extensions import limiter
from elearn.i18n import LOCALES
from elearn.offline import CLEAR_SITE_DATA
from elearn.permissions import public, requires

bp = Blueprint("auth", __name__)

# Endpoints a user who must change their password may still reach.
OPEN_ENDPOINTS = {"auth.login", "auth.logout", "auth.change_password", "auth.end_other_sessions", "auth.set_locale",
                  "static", "healthz"}


def _login_account_key() -> str:
    return "login-account:" + services.normalize_username(request.form.get("username", ""))[:64]


def _failed(response) -> bool:
    # Only failed sign-ins count against the limits; success redirects.
    return response.status_code != 302


def _known_device() -> bool:
    """The browser has signed in to this account before: the per-account limit does not apply to
    it, so that someone elsewhere guessing passwords cannot lock the owner out."""
    return services.normalize_username(request.form.get("username", "")) in devices.known_accounts(request)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_login_account_key,
               methods=["POST"], deduct_when=_failed, exempt_when=_known_device)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.check_credentials(form.username.data, form.password.data)
        new_hash = services.upgraded_hash(user, form.password.data) if user is not None else None
        services.record_sign_in(form.username.data, user)  # the audit entry is kept either way
        if new_hash:
            user.password_hash = new_hash
        db.write_now()  # now, not at the request's end: a refused sign-in renders the page next
        if user is None:
            flash(_("Wrong username or password."), "error")
        else:
            session.clear()  # a fresh session on sign-in: no fixation
            start_session(user)
            # The new session's CSRF secret goes out with this cookie; made by the next page instead,
            # it would sign and send the cookie a second time (~0.2 ms of CPU a sign-in).
            g.pop("csrf_token", None)
            generate_csrf()
            target = url_for("auth.change_password") if user.must_change_password else \
                _safe_next(request.args.get("next"))
            return devices.remember(redirect(target), request, user.username)
    return render_template("accounts/login.html", form=form)


def start_session(user) -> None:
    session.permanent = True  # PERMANENT_SESSION_LIFETIME: ends after hours without a request
    session.setdefault("since", int(time.time()))  # SESSION_MAX_DAYS counts from here
    session["seen"] = int(time.time())  # the idle time (PERMANENT_SESSION_LIFETIME) too
    login_user(services.unproxied(user))


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


@bp.post("/logout")
@public
def logout():
    """Ends every session of the user, copies of this cookie included: sessions live in signed
    cookies, so the server can only revoke them all (``User.session_version``)."""
    if current_user.is_authenticated:
        services.end_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    response = redirect(url_for("auth.login"))
    # A shared phone: the pages, files and answers kept for reading offline (elearn.offline) go too.
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@bp.route("/password", methods=["GET", "POST"])
@requires()
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except services.AccountError as error:
            db.discard()
            form.new.errors.append(str(error))
        else:
            start_session(current_user)  # this session goes on; the others ended with the change
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/change_password.html", form=form, others=EndSessionsForm())


@bp.route("/profile", methods=["GET", "POST"])
@requires()
def profile():
    """The user's own account: who they are, and the mobile number text reminders go to."""
    from elearn.notifications.channels import configured

    form = PhoneForm(data={"phone": current_user.phone or ""})
    if form.validate_on_submit():
        try:
            changed = services.set_own_phone(current_user, form.phone.data)
        except services.AccountError as error:
            db.discard()
            form.phone.errors.append(str(error))
        else:
            if changed:
                flash(_("Your phone number has been saved.") if current_user.phone
                      else _("Your phone number has been removed."), "success")
            return redirect(url_for("auth.profile"))
    channel = configured(current_app.config)
    return render_template("accounts/profile.html", form=form, channel=channel.name if channel else None)


@bp.post("/sessions/end-others")
@requires()
def end_other_sessions():
    """Sign out on every other device (a phone lost, a shared computer left signed in)."""
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    services.end_sessions(current_user)
    start_session(current_user)
    flash(_("You have been signed out on every other device."), "success")
    return redirect(url_for("auth.change_password"))


@bp.post("/locale/<code>")
@public
def set_locale(code: str):
    if code in LOCALES:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
    return redirect(_safe_next(request.form.get("next")))


@bp.before_app_request
def force_password_change():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in OPEN_ENDPOINTS):
        return redirect(url_for("auth.change_password"))
