"""Certificates: the cadre's own, downloads in scope, ZIP export, revocation, settings, public verification."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses import services as course_services
from courses.certificates import codes, did, jobs, pdf, renewal, services, signing
from courses.certificates.forms import CredentialForm, PayloadForm, PdfForm, RevokeForm, TemplateForm
from courses.certificates.models import Certificate
from courses.models import Course
from elearn import db, site
from elearn.db import utcnow
from elearn.extensions import limiter
from elearn.i18n import to_local
from elearn.menu import Entry
from elearn.pagination import page_number, paginate, query_int
from elearn.permissions import Permission, public, requires
from elearn.units.models import OrgUnit

bp = Blueprint("certificates", __name__, template_folder="templates", static_folder="static",
               static_url_path="/certificates-static")
MENU = [Entry("certificates.mine", _l("My certificates"), (Permission.STUDY,)),
        Entry("certificates.manage", _l("Certificates"), (Permission.VIEW_STATS,))]

# One budget for the page and its JSON twin, per client address: enumerating 99-bit codes
# is hopeless anyway, this keeps it from being tried.
verify_limit = limiter.shared_limit(lambda: current_app.config.get("CERT_VERIFY_LIMIT", "30 per minute"),
                                    scope="certificate-verify")


@bp.record_once
def _warn_about_self_made_keys(state) -> None:
    """At start: a production server signing with keys it made itself says so in its log."""
    with state.app.app_context():
        if services.unofficial_keys_in_production():
            state.app.logger.warning(services.KEY_WARNING)


@bp.app_context_processor
def _key_notice():
    return {"certificate_key_notice": services.unofficial_keys_in_production}  # called only where shown


def _pdf_response(data: bytes, filename: str, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'{disposition}; filename="{filename}"', "Cache-Control": "private, no-store"})


# --- the cadre's own, and downloads in scope ------------------------------------

@bp.get("/certificates/")
@requires(Permission.STUDY)
def mine():
    certificates = services.mine(current_user)
    return render_template("certificates/mine.html", certificates=certificates, grouped=codes.grouped,
                           today=services.today(), renewable=renewal.offers(current_user, certificates))


@bp.get("/certificates/<code>.pdf")
@requires()  # any signed-in user; the query decides what they may see
def download(code: str):
    cert = services.get_for(current_user, code)
    if cert is None:
        abort(404)  # not in scope looks exactly like not there
    if cert.revoked:
        return render_template("certificates/revoked.html", cert=cert, grouped=codes.grouped), 410
    return _pdf_response(pdf.render(cert, site.base_url(), services.keyring()), pdf.archive_name(cert))


@bp.get("/certificates/<code>.jwt")
@requires()  # any signed-in user; the query decides what they may see
def credential(code: str):
    """The certificate as an Open Badges 3.0 credential (VC-JWT), for a wallet or another system."""
    cert = services.get_for(current_user, code)
    if cert is None:
        abort(404)
    if cert.revoked:
        return render_template("certificates/revoked.html", cert=cert, grouped=codes.grouped), 410
    filename = pdf.archive_name(cert).removesuffix(".pdf") + ".jwt"
    return Response(services.credential_jwt(cert, site.base_url()), mimetype="application/vc+jwt", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


@bp.get("/certificates/manage")
@requires(Permission.VIEW_STATS)
def manage():
    course_id = request.args.get("course", type=query_int)
    unit = db.session.get(OrgUnit, request.args.get("unit", type=query_int) or 0)
    if unit is not None and not services.may_export(current_user, unit):
        unit = None
    page = paginate(services.in_scope(current_user, course_id, unit), page_number(), 100, count=False)
    return render_template("certificates/manage.html", page=page,
                           courses=services.courses_with_certificates(), units=services.units_for_zip(current_user),
                           course_id=course_id, unit=unit, grouped=codes.grouped, today=services.today(),
                           can_revoke=current_user.can(Permission.REVOKE_CERTIFICATES))


@bp.get("/certificates/expired")
@requires(Permission.VIEW_STATS)
def expired():
    """Live certificates past their last valid day, unit by unit, in the manager's scope."""
    course_id = request.args.get("course", type=query_int)
    unit = db.session.get(OrgUnit, request.args.get("unit", type=query_int) or 0)
    if unit is not None and not services.may_export(current_user, unit):
        unit = None
    page = paginate(services.expired_in_scope(current_user, unit, course_id), page_number(), 100, rows=True)
    return render_template("certificates/expired.html", page=page,
                           courses=services.courses_with_certificates(), units=services.units_for_zip(current_user),
                           course_id=course_id, unit=unit, grouped=codes.grouped)


@bp.get("/certificates/export.zip")
@requires(Permission.VIEW_STATS)
def export_zip():
    unit = db.session.get(OrgUnit, request.args.get("unit", type=query_int) or 0)
    course = db.session.get(Course, request.args.get("course", type=query_int) or 0)
    if unit is None or course is None or not services.may_export(current_user, unit):
        abort(404)
    count = services.count_live_in_subtree(unit, course.id)
    if count > current_app.config["CERTIFICATE_ZIP_JOB_THRESHOLD"]:  # too many to stream: a background job
        job = jobs.start_zip(unit, course, current_user, count)
        db.write_now()  # the job is dispatched once committed
        return redirect(url_for("jobs.status", job_id=job.id))
    services.record_zip_export(unit, course, count)
    db.write_now()  # the export only reads from here on: on SQLite its long read must not hold the write lock
    certs = services.live_in_subtree(unit, course.id)
    stream = pdf.stream_zip(certs, site.base_url(), services.keyring())
    filename = services.zip_name(unit, course.id)
    return Response(stream_with_context(stream), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


@bp.post("/certificates/<code>/renew")
@requires(Permission.STUDY)
def renew(code: str):
    """"Học lại để gia hạn chứng chỉ": a new round of the course (``renewal.start``); a replay starts nothing."""
    try:
        enrollment, started = renewal.start(current_user, code)
    except renewal.CertificateNotFound:
        abort(404)
    except services.CertificateError as error:
        db.discard()
        flash(str(error), "error")
        return redirect(url_for(".mine"))
    if started:
        flash(_("A new round of the course has begun: complete it again to receive a renewed certificate."), "success")
    else:
        flash(_("The renewal of this certificate is already under way."), "info")
    return redirect(url_for("courses.course", slug=enrollment.course.slug))


# --- revocation -----------------------------------------------------------------------

def _any_or_404(code: str) -> Certificate:
    cert = services.get_for(current_user, code)
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
    return render_template("certificates/templates.html", courses=services.editable_courses(current_user))


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


# --- public verification ------------------------------------------------------------------

def _verify_page(cert=None, asked=None, check=None, status=200):
    return render_template("certificates/verify.html", cert=cert, asked=asked, check=check, grouped=codes.grouped,
                           today=services.today(), payload_form=PayloadForm(formdata=None),
                           pdf_form=PdfForm(formdata=None), credential_form=CredentialForm(formdata=None)), status


@bp.get("/verify/")  # a printed address typed with its slash (above: links use /verify)
@bp.get("/verify")
@public
def verify_form():
    code = codes.normalize(request.args.get("code", ""))
    if code:
        return redirect(url_for(".verify", code=codes.grouped(code)))
    return _verify_page()


@bp.get("/verify/<code>")
@public
@verify_limit
def verify(code: str):
    cert = services.verify(code)
    return _verify_page(cert=cert, asked=code[:64], status=200 if cert else 404)


@bp.post("/verify/payload")
@public
@verify_limit
def verify_payload():
    """A pasted or scanned QR text: its signature checked against the published keys."""
    form = PayloadForm()
    if not form.validate_on_submit():
        for error in form.payload.errors or [_("The form has expired; send it again.")]:
            flash(str(error), "error")
        return _verify_page(status=400)
    return _verify_page(check=services.check_payload(form.payload.data))


@bp.post("/verify/pdf")
@public
@verify_limit
def verify_pdf():
    """An uploaded certificate PDF: its PAdES signature checked against the platform's keys."""
    form = PdfForm()
    if not form.validate_on_submit():
        for error in form.document.errors or [_("The form has expired; send it again.")]:
            flash(str(error), "error")
        return _verify_page(status=400)
    data = form.document.data.stream.read(signing.MAX_PDF_BYTES + 1)
    return _verify_page(check=services.check_pdf(data))


@bp.post("/verify/credential")
@public
@verify_limit
def verify_credential():
    """An uploaded Open Badges credential: its signature checked against the published keys."""
    form = CredentialForm()
    if not form.validate_on_submit():
        for error in form.credential.errors or [_("The form has expired; send it again.")]:
            flash(str(error), "error")
        return _verify_page(status=400)
    return _verify_page(check=services.check_credential(form.credential.data.stream.read(64 * 1024 + 1)))


@bp.get("/verify/<code>.json")
@public
@verify_limit
def verify_json(code: str):
    cert = services.verify(code)
    if cert is None:
        return jsonify({"status": "not_found"}), 404
    if cert.revoked:
        return jsonify({"status": "revoked", "code": codes.grouped(cert.code), "full_name": cert.full_name,
                        "revoked_on": to_local(cert.revoked_at).date().isoformat()})
    expires_on = cert.expires_on.isoformat() if cert.expires_on else None
    if cert.replaced_at is not None:  # renewed: the newer certificate is the one in force
        return jsonify({"status": "replaced", "code": codes.grouped(cert.code), "full_name": cert.full_name,
                        "replaced_on": to_local(cert.replaced_at).date().isoformat(), "expires_on": expires_on,
                        "replaced_by": codes.grouped(cert.replaced_by.code) if cert.replaced_by else None})
    return jsonify({"status": "expired" if cert.expired_on(services.today()) else "valid",
                    "code": codes.grouped(cert.code), "full_name": cert.full_name,
                    "unit": cert.unit_name, "course": cert.course_title,
                    "completed_on": to_local(cert.completed_at).date().isoformat(), "expires_on": expires_on})


@bp.get("/credentials/status/<int:number>")
@public
def status_list(number: int):
    """A revocation list of the Open Badges credentials (W3C Bitstring Status List, signed VC-JWT)."""
    token = services.status_list_jwt(number, site.base_url())
    if token is None:
        abort(404)
    response = Response(token, mimetype="application/vc+jwt")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/jwks.json")
@public
def jwks():
    """The public keys that sign the QR payloads, the current one first; retired keys stay so that
    certificates signed before a rotation still check offline."""
    response = jsonify(services.keyring().jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"  # a verifier web app elsewhere may fetch it
    return response


@bp.get("/.well-known/did.json")
@public
def did_document():
    """The installation's did:web document: the same public keys as the JWKS, for the resolvers of a
    credential's issuer (``did.py``). None for an address with a path or over plain HTTP."""
    identifier = did.did_for(site.base_url())
    if identifier is None:
        abort(404)
    response = jsonify(did.document(identifier, services.keyring()))
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
