"""The public verification pages: a certificate by its code (page and JSON), a pasted QR payload, an
uploaded PDF or credential, and what verifiers fetch (the keys, the did:web document, the revocation lists).

A room of its own because these pages are for anyone, signed in or not: rate-limited by client address,
they never say more than the verdict (``verification``), and they publish only public keys. The routes
are on the ``certificates`` blueprint, registered when ``courses.certificates.views`` imports this module.
"""
from __future__ import annotations

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from courses.certificates import codes, did, queries, services, signing, verification
from courses.certificates.forms import CredentialForm, PayloadForm, PdfForm
from courses.certificates.views import bp
from elearn import site
from elearn.extensions import limiter
from elearn.i18n import to_local
from elearn.permissions import public

# One budget for the page and its JSON twin, per client address: enumerating 99-bit codes
# is hopeless anyway, this keeps it from being tried.
verify_limit = limiter.shared_limit(lambda: current_app.config.get("CERT_VERIFY_LIMIT", "30 per minute"),
                                    scope="certificate-verify")


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
    cert = queries.verify(code)
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
    return _verify_page(check=verification.check_payload(form.payload.data))


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
    return _verify_page(check=verification.check_pdf(data))


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
    return _verify_page(check=verification.check_credential(form.credential.data.stream.read(64 * 1024 + 1)))


@bp.get("/verify/<code>.json")
@public
@verify_limit
def verify_json(code: str):
    cert = queries.verify(code)
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
    token = verification.status_list_jwt(number, site.base_url())
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
