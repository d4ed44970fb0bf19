"""The audit log browser: filter by action, actor, object and dates; newest first."""
from datetime import UTC, date, datetime, time, timedelta

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased
from wtforms import SelectChoice

from elearn import db
from elearn.accounts.models import User
from elearn.accounts.services import normalize_username
from elearn.admin.audit_text import action_text, detail_items, target_text
from elearn.admin.blueprint import bp
from elearn.admin.forms import AuditFilterForm
from elearn.audit import AuditLog
from elearn.i18n import LOCAL_TZ
from elearn.pagination import page_number, paginate
from elearn.permissions import Permission, requires

PER_PAGE = 50


def _utc_start(day) -> datetime:
    """Midnight of a Vietnamese calendar day, in UTC (how times are stored)."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


@bp.get("/audit")
@requires(Permission.VIEW_AUDIT)
def audit():
    form = AuditFilterForm(request.args)
    actions = db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    form.action.choices = [SelectChoice("", _l("Any action"))] + [SelectChoice(a, action_text(a)) for a in actions]
    valid = form.validate()
    actor = aliased(User)
    stmt = select(AuditLog).outerjoin(actor, AuditLog.actor_id == actor.id)
    if form.action.data and not form.action.errors:
        stmt = stmt.where(AuditLog.action == form.action.data)
    if form.actor.data:
        stmt = stmt.where(actor.username == normalize_username(form.actor.data))
    if form.target.data:
        stmt = stmt.where(AuditLog.target.contains(form.target.data.strip(), autoescape=True))
    if valid and form.date_from.data:
        stmt = stmt.where(AuditLog.at >= _utc_start(form.date_from.data))
    if valid and form.date_to.data and form.date_to.data < date.max:  # up to 31/12/9999: no bound
        stmt = stmt.where(AuditLog.at < _utc_start(form.date_to.data + timedelta(days=1)))
    page = paginate(stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()), page_number(), PER_PAGE)
    return render_template("admin/audit.html", form=form, page=page, action_text=action_text,
                           target_text=target_text, detail_items=detail_items)
