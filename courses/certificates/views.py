"""Certificates, the ``certificates`` blueprint: the cadre's own (list, PDF, credential, renewal).

The blueprint is defined here with what every page of it shares (the PDF response, the notice about
self-made signing keys); its pages are split by who they are for: the cadre's own here, the staff's
(the list in scope, expired certificates, the ZIP export, revocation, per-course settings) in
``courses.certificates.manage``, and the public verification (by code, payload, PDF or credential, and
the published keys and revocation lists) in ``courses.certificates.verify_views``.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses.certificates import codes, pdf, queries, renewal, services, verification
from elearn import db, site
from elearn.menu import Entry
from elearn.permissions import Permission, requires

bp = Blueprint("certificates", __name__, template_folder="templates", static_folder="static",
               static_url_path="/certificates-static")
MENU = [Entry("certificates.mine", _l("My certificates"), (Permission.STUDY,)),
        Entry("certificates.manage", _l("Certificates"), (Permission.VIEW_STATS,))]


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
    certificates = queries.mine(current_user)
    return render_template("certificates/mine.html", certificates=certificates, grouped=codes.grouped,
                           today=services.today(), renewable=renewal.offers(current_user, certificates))


@bp.get("/certificates/<code>.pdf")
@requires()  # any signed-in user; the query decides what they may see
def download(code: str):
    cert = queries.get_for(current_user, code)
    if cert is None:
        abort(404)  # not in scope looks exactly like not there
    if cert.revoked:
        return render_template("certificates/revoked.html", cert=cert, grouped=codes.grouped), 410
    return _pdf_response(pdf.render(cert, site.base_url(), services.keyring()), pdf.archive_name(cert))


@bp.get("/certificates/<code>.jwt")
@requires()  # any signed-in user; the query decides what they may see
def credential(code: str):
    """The certificate as an Open Badges 3.0 credential (VC-JWT), for a wallet or another system."""
    cert = queries.get_for(current_user, code)
    if cert is None:
        abort(404)
    if cert.revoked:
        return render_template("certificates/revoked.html", cert=cert, grouped=codes.grouped), 410
    filename = pdf.archive_name(cert).removesuffix(".pdf") + ".jwt"
    return Response(verification.credential_jwt(cert, site.base_url()), mimetype="application/vc+jwt", headers={
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


from courses.certificates import manage, verify_views  # noqa: E402,F401  (their routes are on this blueprint)
