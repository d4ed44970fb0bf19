"""The token pages: each user's personal tokens; the administrators' service tokens (and every token,
to revoke). A new token's secret is shown in the one response that made it, never again."""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from elearn import db
from elearn.admin.units import unit_choices
from elearn.api import services
from elearn.api.forms import RevokeForm, ServiceTokenForm, TokenForm
from elearn.db import utcnow
from elearn.menu import Entry
from elearn.permissions import Permission, requires
from elearn.units.models import OrgUnit
from elearn.units.services import all_units

bp = Blueprint("tokens", __name__, template_folder="templates")

MENU = [Entry("tokens.mine", _l("API tokens"), (Permission.MANAGE_USERS, Permission.VIEW_STATS,
                                                 Permission.VIEW_CERTIFICATES))]


def _scope_choices(form: TokenForm) -> None:
    form.scopes.choices = [SelectChoice(s.name, s.label) for s in services.scopes_for(current_user)]


def _shown_once(template: str, **context):
    response = make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@requires()
def mine():
    form = TokenForm()
    _scope_choices(form)
    secret = None
    if form.validate_on_submit():
        try:
            token, secret = services.create_token(current_user, form.name.data, form.scopes.data, form.days.data)
        except services.TokenError as error:
            db.discard()
            form.name.errors = [*form.name.errors, str(error)]
        else:
            form = TokenForm(formdata=None)
            _scope_choices(form)
    return _shown_once("api/tokens.html", form=form, tokens=services.tokens_of(current_user), secret=secret,
                       revoke=RevokeForm(), admin=False, now=utcnow()), 400 if form.errors else 200


@bp.route("/admin/api-tokens", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def service():
    form = ServiceTokenForm()
    _scope_choices(form)
    form.unit.choices = unit_choices(all_units(include_inactive=False), blank=_("(every unit)"))
    secret = None
    if form.validate_on_submit():
        unit = db.session.get(OrgUnit, form.unit.data) if form.unit.data else None
        try:
            token, secret = services.create_token(current_user, form.name.data, form.scopes.data, form.days.data,
                                                  service=True, unit=unit)
        except services.TokenError as error:
            db.discard()
            form.name.errors = [*form.name.errors, str(error)]
    return _shown_once("api/tokens.html", form=form, tokens=services.every_token(), secret=secret,
                       revoke=RevokeForm(), admin=True, now=utcnow()), 400 if form.errors else 200


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@requires()
def revoke(token_id: int):
    if not RevokeForm().validate_on_submit():
        abort(400)
    admin = current_user.can(Permission.MANAGE_USERS)
    token = services.token_for(current_user, token_id, any_user=admin)
    if token is None:
        abort(404)
    services.revoke_token(token, current_user)
    flash(_("The token %(name)s is revoked: it no longer opens the API.", name=token.name), "success")
    mine_page = token.user_id == current_user.id and token.kind == services.TokenKind.PERSONAL
    return redirect(url_for("tokens.mine" if mine_page or not admin else "tokens.service"))
