"""Sign-in, sign-out, password change and language choice."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from elearn import db
from elearn.accounts import services
from elearn.accounts.forms import ChangePasswordForm, LoginForm
from elearn.extensions import limiter
from elearn.i18n import LOCALES
from elearn.permissions import public, requires

bp = Blueprint("auth", __name__)

# Endpoints a user who must change their password may still reach.
OPEN_ENDPOINTS = {"auth.login", "auth.logout", "auth.change_password", "auth.set_locale", "static", "healthz"}


def _login_account_key() -> str:
    return "login-account:" + services.normalize_username(request.form.get("username", ""))[:64]


def _failed(response) -> bool:
    # Only failed sign-ins count against the limits; success redirects.
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_login_account_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        db.session.commit()  # the audit entry is kept whether or not sign-in succeeded
        if user is None:
            flash(_("Wrong username or password."), "error")
        else:
            session.clear()  # a fresh session on sign-in: no fixation
            login_user(user)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


@bp.post("/logout")
@public
def logout():
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@requires()
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except services.AccountError as error:
            db.session.rollback()
            form.new.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/change_password.html", form=form)


@bp.post("/locale/<code>")
@public
def set_locale(code: str):
    if code in LOCALES:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.before_app_request
def force_password_change():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in OPEN_ENDPOINTS):
        return redirect(url_for("auth.change_password"))
