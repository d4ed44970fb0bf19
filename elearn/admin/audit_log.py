"""The audit log browser: filter by action, actor, object and dates; newest first."""
from datetime import UTC, date, datetime, time, timedelta

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased
from wtforms import SelectChoice

from elearn import db
from elearn.accounts.services import normalize_username
from elearn.admin.blueprint import bp
from elearn.admin.forms import AuditFilterForm
from elearn.i18n import LOCAL_TZ
from elearn.models import AuditLog, User
from elearn.pagination import page_number, paginate
from elearn.permissions import Permission, requires

PER_PAGE = 50
ACTION_LABELS = {
    "login.success": _l("Signed in"),
    "login.failure": _l("Failed sign-in"),
    "password.change": _l("Changed own password"),
    "password.reset": _l("Password reset by an administrator"),
    "user.create": _l("Account created"),
    "user.update": _l("Account edited"),
    "user.roles": _l("Roles changed"),
    "users.import": _l("Accounts imported"),
    "credentials.download": _l("Temporary passwords downloaded"),
    "unit.create": _l("Unit created"),
    "unit.rename": _l("Unit renamed"),
    "unit.move": _l("Unit moved"),
    "unit.deactivate": _l("Unit deactivated"),
    "unit.activate": _l("Unit reactivated"),
    "users.import_failed": _l("Account import refused"),
    "course.create": _l("Course created"),
    "course.update": _l("Course edited"),
    "course.status": _l("Course status changed"),
    "course.assign": _l("Course assigned to a unit"),
    "course.editor": _l("Course editors changed"),
    "course.unenroll": _l("Cadre removed from a course"),
    "course.lesson.save": _l("Lesson saved"),
    "course.item.delete": _l("Course item deleted"),
    "course.module.delete": _l("Course part deleted"),
    "quiz.regrade": _l("Quiz regraded"),
    "questions.import": _l("Questions imported"),
    "questions.import_failed": _l("Question import refused"),
    "questions.export": _l("Questions exported"),
    "certificate.template": _l("Certificate settings changed"),
    "certificate.revoke": _l("Certificate revoked"),
    "certificate.export_zip": _l("Certificates exported"),
    "stats.export": _l("Statistics exported"),
    "contest.create": _l("Contest created"),
    "contest.update": _l("Contest edited"),
    "contest.round.create": _l("Contest round created"),
    "contest.round.update": _l("Contest round edited"),
    "contest.register": _l("Contest registration"),
    "contest.register.again": _l("Contest registration with a phone or address already registered"),
    "contest.code.renewed": _l("Contest personal code renewed"),
    "contest.results.publish": _l("Contest results published"),
    "contest.results.withdraw": _l("Contest results withdrawn"),
    "contest.unit_sizes": _l("Contest unit sizes changed"),
    "contest.export": _l("Contest results exported"),
}

DETAIL_LABELS = {
    "before": _l("before"), "after": _l("after"), "name": _l("name"), "parent": _l("parent unit"),
    "to": _l("moved under"), "units": _l("units"), "rows": _l("rows"), "created": _l("created"),
    "updated": _l("updated"), "via": _l("through"), "accounts": _l("accounts"), "roles": _l("roles"),
    "unit": _l("unit"), "full_name": _l("full name"), "position": _l("position"), "email": _l("email"),
    "active": _l("active"),
    "due_on": _l("due date"), "enrolled": _l("enrolled"), "errors": _l("errors"), "format": _l("format"),
    "kind": _l("kind"), "title": _l("title"), "number": _l("number"), "fields": _l("fields"),
    "changes": _l("changes"), "certificates": _l("certificates"), "entrant": _l("entrant"),
    "editor": _l("editor"), "question": _l("question"), "contest": _l("contest"), "course_id": _l("course"),
    "table": _l("table"),
}


def _utc_start(day) -> datetime:
    """Midnight of a Vietnamese calendar day, in UTC (how times are stored)."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


@bp.get("/audit")
@requires(Permission.VIEW_AUDIT)
def audit():
    form = AuditFilterForm(request.args)
    actions = db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    form.action.choices = [SelectChoice("", _l("Any action"))] + [SelectChoice(a, ACTION_LABELS.get(a, a))
                                                                   for a in actions]
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
    return render_template("admin/audit.html", form=form, page=page, labels=ACTION_LABELS,
                           detail_labels=DETAIL_LABELS)
