"""Notification pages: the user's list (and the header's counter), the templates and reminder
rules a trainer edits."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from elearn import db
from elearn.accounts.models import User
from elearn.menu import Entry
from elearn.notifications import channels, services, wording
from elearn.notifications.forms import RuleForm, TemplateForm
from elearn.notifications.models import NotificationOptOut, ReminderKind, ReminderRule
from elearn.pagination import page_number
from elearn.permissions import Permission, public, requires

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")
MENU = [Entry("notifications.templates", _l("Reminders"), (Permission.AUTHOR_COURSES,))]


@bp.app_context_processor
def inject_counter():
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        counted = current_user.unread_notifications  # read with the account (elearn.app's user loader)
        return counted if counted is not None else services.unread_count(current_user)
    return {"unread_notifications": unread_notifications}


@bp.get("/")
@requires()
def index():
    optional = {kind: label for kind, label in services.OPTIONAL.items() if _may_receive(kind)}
    stopped = {k for k in optional if db.session.get(NotificationOptOut, (current_user.id, k)) is not None}
    return render_template("notifications/index.html", page=services.page_of(current_user, page_number()),
                           optional=optional, stopped=stopped)


def _may_receive(kind: str) -> bool:
    return kind != "digest" or current_user.can(Permission.VIEW_STATS)


@bp.post("/settings")
@requires()
def settings():
    for kind in services.OPTIONAL:
        if _may_receive(kind):
            services.set_opt_out(current_user.id, kind, request.form.get(kind) != "1")
    flash(_("Your choices have been saved."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str):
    """From the link at the foot of an optional e-mail: no sign-in (the token is signed for one user
    and one kind); a GET only asks, so that a mail scanner following links changes nothing."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        abort(404)
    user_id, kind = found
    done = request.method == "POST"
    if done:
        services.set_opt_out(user_id, kind, True)
    return render_template("notifications/unsubscribe.html", what=services.OPTIONAL[kind], done=done)


@bp.post("/read")
@requires()
def read_all():
    services.mark_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
@requires()
def open_one(notification_id: int):
    notification = services.get_for(current_user, notification_id)
    if notification is None:
        abort(404)
    services.mark_read(current_user, notification)
    return redirect(services.safe_link(notification.link) or url_for("notifications.index"))


@bp.get("/templates")
@requires(Permission.AUTHOR_COURSES)
def templates():
    rows = {key: wording.wording(key) for key in wording.DEFAULTS}
    return render_template("notifications/templates.html", kinds=wording.DEFAULTS, rows=rows)


@bp.route("/templates/<key>", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def edit_template(key: str):
    if key not in wording.DEFAULTS:
        abort(404)
    subject, body = wording.wording(key)
    form = TemplateForm(data={"subject": subject, "body": body})
    if form.validate_on_submit():
        try:
            wording.save(key, form.subject.data, form.body.data, current_user)
        except wording.TemplateError as error:
            db.discard()
            form.body.errors = [*form.body.errors, str(error)]
        else:
            flash(_("The template has been saved."), "success")
            return redirect(url_for("notifications.templates"))
    return render_template("notifications/template_form.html", form=form, key=key, kind=wording.DEFAULTS[key])


@bp.post("/templates/<key>/reset")
@requires(Permission.AUTHOR_COURSES)
def reset_template(key: str):
    if key not in wording.DEFAULTS:
        abort(404)
    wording.reset(key, current_user)
    flash(_("The default wording is back."), "success")
    return redirect(url_for("notifications.templates"))


@bp.route("/rules", methods=["GET", "POST"])
@requires(Permission.ASSIGN_COURSES)
def rules():
    form = RuleForm()
    if form.validate_on_submit():
        try:
            services.add_rule(ReminderKind(form.kind.data), form.days.data, current_user)
        except services.RuleError as error:
            db.discard()
            form.days.errors = [*form.days.errors, str(error)]
        else:
            flash(_("The rule has been added."), "success")
            return redirect(url_for("notifications.rules"))
    rows = db.session.scalars(select(ReminderRule).order_by(ReminderRule.kind, ReminderRule.days)).all()
    channel = channels.configured(current_app.config)
    without_phone = db.session.scalar(select(func.count(User.id)).where(User.active.is_(True), User.phone.is_(None))
                                      ) if channel else None
    return render_template("notifications/rules.html", form=form, rules=rows, channel=channel.name if channel else None,
                           without_phone=without_phone)


@bp.post("/rules/<int:rule_id>/toggle")
@requires(Permission.ASSIGN_COURSES)
def toggle_rule(rule_id: int):
    rule = db.session.get(ReminderRule, rule_id)
    if rule is None:
        abort(404)
    services.toggle_rule(rule, current_user)
    return redirect(url_for("notifications.rules"))
