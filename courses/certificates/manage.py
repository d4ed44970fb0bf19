"""The staff's certificate pages: the list in scope, expired certificates, the ZIP export, revocation
and re-issue, and a course's certificate settings with a preview.

A room of its own because these pages are for managers, administrators and trainers, each narrowed
by their permission and scope (``queries.scope_clause``, ``export.may_export``, ``get_course_for_edit``),
while the cadre's own pages stay in ``views``. The routes are on the ``certificates`` blueprint,
registered when ``courses.certificates.views`` imports this module.
"""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses import services as course_services
from courses.certificates import codes, export, jobs, pdf, queries, services
from courses.certificates.forms import RevokeForm, TemplateForm
from courses.certificates.models import Certificate
from courses.certificates.views import _pdf_response, bp
from courses.models import Course
from elearn import db, site
from elearn.db import utcnow
from elearn.pagination import page_number, paginate, query_int
from elearn.permissions import Permission, requires
from elearn.units.models import OrgUnit


def _filters() -> tuple[int | None, OrgUnit | None]:
    """The course and unit asked for; a unit outside the manager's scope is as if none was asked."""
    course_id = request.args.get("course", type=query_int)
    unit = db.session.get(OrgUnit, request.args.get("unit", type=query_int) or 0)
    if unit is not None and not export.may_export(current_user, unit):
        unit = None
    return course_id, unit


@bp.get("/certificates/manage")
@requires(Permission.VIEW_STATS)
def manage():
    course_id, unit = _filters()
    page = paginate(queries.in_scope(current_user, course_id, unit), page_number(), 100, count=False)
    return render_template("certificates/manage.html", page=page,
                           courses=queries.courses_with_certificates(), units=export.units_for_zip(current_user),
                           course_id=course_id, unit=unit, grouped=codes.grouped, today=services.today(),
                           can_revoke=current_user.can(Permission.REVOKE_CERTIFICATES))


@bp.get("/certificates/expired")
@requires(Permission.VIEW_STATS)
def expired():
    """Live certificates past their last valid day, unit by unit, in the manager's scope."""
    course_id, unit = _filters()
    page = paginate(queries.expired_in_scope(current_user, unit, course_id), page_number(), 100, rows=True)
    return render_template("certificates/expired.html", page=page,
                           courses=queries.courses_with_certificates(), units=export.units_for_zip(current_user),
                           course_id=course_id, unit=unit, grouped=codes.grouped)


@bp.get("/certificates/export.zip")
@requires(Permission.VIEW_STATS)
def export_zip():
    unit = db.session.get(OrgUnit, request.args.get("unit", type=query_int) or 0)
    course = db.session.get(Course, request.args.get("course", type=query_int) or 0)
    if unit is None or course is None or not export.may_export(current_user, unit):
        abort(404)
    count = export.count_live_in_subtree(unit, course.id)
    if count > current_app.config["CERTIFICATE_ZIP_JOB_THRESHOLD"]:  # too many to stream: a background job
        job = jobs.start_zip(unit, course, current_user, count)
        db.write_now()  # the job is dispatched once committed
        return redirect(url_for("jobs.status", job_id=job.id))
    export.record_zip_export(unit, course, count)
    db.write_now()  # the export only reads from here on: on SQLite its long read must not hold the write lock
    certs = export.live_in_subtree(unit, course.id)
    stream = pdf.stream_zip(certs, site.base_url(), services.keyring())
    filename = export.zip_name(unit, course.id)
    return Response(stream_with_context(stream), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


# --- revocation -----------------------------------------------------------------------

def _any_or_404(code: str) -> Certificate:
    cert = queries.get_for(current_user, code)
    if cert is None:
        abort(404)
    return cert


@bp.route("/certificates/<code>/revoke", methods=["GET", "POST"])
@requires(Permission.REVOKE_CERTIFICATES)
def revoke(code: str):
    cert = _any_or_404(code)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(cert, current_user, form.reason.data)
        except services.CertificateError as error:
            db.discard()
            flash(str(error), "error")
        else:
            flash(_("Certificate %(code)s has been revoked.", code=codes.grouped(cert.code)), "success")
            return redirect(url_for(".manage"))
    return render_template("certificates/revoke.html", cert=cert, form=form, grouped=codes.grouped)


@bp.post("/certificates/<code>/reissue")
@requires(Permission.REVOKE_CERTIFICATES)
def reissue(code: str):
    cert = _any_or_404(code)
    try:
        new = services.reissue(cert, current_user)
    except services.CertificateError as error:
        db.discard()
        flash(str(error), "error")
    else:
        flash(_("A new certificate %(code)s has been issued.", code=codes.grouped(new.code)), "success")
    return redirect(url_for(".manage"))


# --- per-course settings ----------------------------------------------------------------

def _editable_course(course_id: int) -> Course:
    return course_services.get_course_for_edit(course_id, current_user)  # 404 unless editable


@bp.get("/certificates/templates")
@requires(Permission.AUTHOR_COURSES)
def templates():
    return render_template("certificates/templates.html", courses=queries.editable_courses(current_user))


@bp.route("/certificates/course/<int:course_id>/settings", methods=["GET", "POST"])
@requires(Permission.AUTHOR_COURSES)
def settings(course_id: int):
    course = _editable_course(course_id)
    template = services.get_template(course)
    form = TemplateForm(obj=template)
    if form.validate_on_submit():
        values = {key: getattr(form, key).data for key in services.TEMPLATE_FIELDS}
        try:
            services.save_template(course, current_user, **values)
        except services.CertificateError as error:
            db.discard()
            flash(str(error), "error")
        else:
            flash(_("The certificate settings have been saved."), "success")
            return redirect(url_for(".settings", course_id=course.id))
    return render_template("certificates/settings.html", course=course, form=form)


@bp.get("/certificates/course/<int:course_id>/preview.pdf")
@requires(Permission.AUTHOR_COURSES)
def preview(course_id: int):
    course = _editable_course(course_id)
    sample = Certificate(
        code="XEMTHUXEMTHUXEMTHU22", full_name=current_user.full_name,
        unit_name=current_user.unit.name if current_user.unit else "", course_title=course.title,
        theme=course.theme or "", completed_at=utcnow(), score=90.0,
        template=services.get_template(course).snapshot())
    return _pdf_response(pdf.render(sample, site.base_url()), f"xem-thu-{course.id}.pdf",
                         inline=True)
