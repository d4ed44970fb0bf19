"""Admin pages for accounts: search and list, create, edit, reset a password."""
from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from elearn import db
from elearn.accounts import services
from elearn.accounts.models import User
from elearn.admin.blueprint import bp
from elearn.admin.forms import ROLE_LABELS, ActionForm, UserFilterForm, UserForm
from elearn.admin.units import unit_choices
from elearn.pagination import page_number, paginate
from elearn.permissions import Permission, Role, requires
from elearn.units.models import OrgUnit
from elearn.units.services import all_units

PER_PAGE = 50


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _unit(unit_id: int | None) -> OrgUnit | None:
    return db.session.get(OrgUnit, unit_id) if unit_id else None


@bp.get("/users")
@requires(Permission.MANAGE_USERS)
def users():
    form = UserFilterForm(request.args)
    form.unit.choices = unit_choices(all_units(), blank=_("All units"))
    form.validate()  # a stale unit id or role simply filters nothing
    unit = _unit(form.unit.data) if not form.unit.errors else None
    role = Role(form.role.data) if form.role.data and not form.role.errors else None
    page = paginate(services.search_users(form.q.data or "", unit, role), page_number(), PER_PAGE)
    return render_template("admin/users.html", form=form, page=page, role_labels=ROLE_LABELS)


@bp.context_processor
def _text_channel() -> dict:
    """Whether text reminders are configured: the account form says what the phone number is for."""
    from elearn.notifications.channels import configured
    return {"text_channel": configured(current_app.config) is not None}


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user) if user else UserForm()
    if user is not None and request.method == "GET":
        form.unit.data = user.unit_id or 0
        form.roles.data = sorted(r.value for r in user.roles)
    units = [u for u in all_units() if u.active or (user is not None and u.id == user.unit_id)]
    form.unit.choices = unit_choices(units, blank=_("(no unit)"))
    return form


def _show_password(user: User, password: str, created: bool):
    # The password is in this one response only: not flashed (the session cookie is only signed),
    # not cached by the browser or a proxy.
    response = make_response(render_template("admin/user_password.html", user=user, password=password,
                                             created=created))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_new():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user, password = services.create_user(
                form.username.data, form.full_name.data, unit=_unit(form.unit.data), roles=form.roles.data,
                position=form.position.data or "", email=form.email.data, phone=form.phone.data,
                actor=current_user)
        except services.AccountError as error:
            db.discard()
            return render_template("admin/user_form.html", form=form, user=None, error=str(error)), 400
        return _show_password(user, password, created=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_edit(user_id: int):
    user = _user_or_404(user_id)
    form = _user_form(user)
    del form.username  # usernames are permanent: imports and sign-ins refer to them
    if form.validate_on_submit():
        try:
            services.update_user(user, current_user, full_name=form.full_name.data, position=form.position.data,
                                 unit=_unit(form.unit.data), email=form.email.data, roles=form.roles.data,
                                 active=form.active.data, phone=form.phone.data)
        except services.AccountError as error:
            db.discard()
            return render_template("admin/user_form.html", form=form, user=user, action=ActionForm(),
                                   error=str(error)), 400
        flash(_("The account %(u)s has been saved.", u=user.username), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, action=ActionForm())


@bp.post("/users/<int:user_id>/password")
@requires(Permission.MANAGE_USERS)
def user_reset_password(user_id: int):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = services.reset_password(user, current_user)
    return _show_password(user, password, created=False)
