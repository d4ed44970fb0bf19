"""The administrators' pages: platforms that launch elearn (LTI 1.3), and what to give them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn import db
from elearn.admin.forms import ActionForm
from elearn.admin.units import unit_choices
from elearn.i18n import format_number
from elearn.lti import grades, services
from elearn.lti.forms import PlatformForm
from elearn.lti.models import LtiPlatform
from elearn.lti.views import launch_url
from elearn.permissions import Permission, requires
from elearn.site import base_url
from elearn.units.models import OrgUnit
from elearn.units.services import all_units

bp = Blueprint("lti_admin", __name__, template_folder="templates")


def _fields(form: PlatformForm) -> dict:
    return {"name": form.name.data, "issuer": form.issuer.data, "client_id": form.client_id.data,
            "deployment_ids": form.deployment_ids.data, "auth_login_url": form.auth_login_url.data,
            "auth_token_url": form.auth_token_url.data, "key_set_url": form.key_set_url.data,
            "unit": db.session.get(OrgUnit, form.unit.data) if form.unit.data else None}


def _form(platform: LtiPlatform | None = None) -> PlatformForm:
    form = PlatformForm(obj=platform)
    if platform is not None and not form.is_submitted():
        form.unit.data = platform.unit_id
    form.unit.choices = unit_choices(all_units(include_inactive=False))
    return form


def _tool_addresses() -> dict:
    return {"login": base_url() + url_for("lti.login"), "launch": launch_url(),
            "jwks": base_url() + url_for("lti.jwks")}


@bp.route("/admin/lti", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def platforms():
    form = _form()
    if form.validate_on_submit():
        key = services.new_key()  # before any write: ~0.1 s of CPU
        try:
            platform = services.create_platform(current_user, key=key, **_fields(form))
        except services.LtiError as error:
            db.discard()
            form.name.errors = [*form.name.errors, str(error)]
        else:
            flash(_("The platform %(name)s is registered. Give it the tool's addresses below.", name=platform.name),
                  "success")
            return redirect(url_for("lti_admin.platform", platform_id=platform.id))
    return render_template("lti/platforms.html", form=form, platforms=services.platforms(),
                           tool=_tool_addresses()), 400 if form.errors else 200


@bp.route("/admin/lti/<int:platform_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def platform(platform_id: int):
    platform = db.session.get(LtiPlatform, platform_id) or abort(404)
    form = _form(platform)
    if form.validate_on_submit():
        try:
            services.update_platform(platform, current_user, active=form.active.data, **_fields(form))
        except services.LtiError as error:
            db.discard()
            form.name.errors = [*form.name.errors, str(error)]
        else:
            flash(_("The platform %(name)s is saved.", name=platform.name), "success")
            return redirect(url_for("lti_admin.platform", platform_id=platform.id))
    return render_template("lti/platform.html", form=form, platform=platform, tool=_tool_addresses(),
                           outbox=grades.outbox_of(platform.id), action=ActionForm()), \
        400 if form.errors else 200


@bp.post("/admin/lti/<int:platform_id>/retry")
@requires(Permission.MANAGE_USERS)
def retry(platform_id: int):
    platform = db.session.get(LtiPlatform, platform_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    count = grades.retry(platform.id, current_user)
    flash(_("%(n)s grades will be sent again now.", n=format_number(count)), "success")
    return redirect(url_for("lti_admin.platform", platform_id=platform.id))
