"""An entrant's certificates of participation and prize, downloaded without an account: the entrant
is the one known in this browser (a cadre signed in, or a member of the public who came back with
phone and personal code). On the public blueprint of ``views``."""
from __future__ import annotations

from flask import Response, abort, current_app

from courses.certificates import pdf
from courses.certificates import services as certificate_services
from elearn import db, site
from elearn.extensions import limiter
from elearn.permissions import public
from quizzes.contests import certificates
from quizzes.contests.services import ContestError
from quizzes.contests.views import _come_back, _published_round, _session_entrant, bp


@bp.get("/<int:contest_id>/rounds/<int:round_id>/certificate-<any(participation, prize):kind>.pdf")
@public
@limiter.limit(lambda: current_app.config.get("CONTEST_CERTIFICATE_LIMIT_PER_ADDRESS", "60 per hour"))
def certificate(contest_id: int, round_id: int, kind: str):
    contest, r = _published_round(contest_id, round_id)
    entrant = _session_entrant(contest)
    if entrant is None:
        return _come_back(contest)
    try:  # issued (once) and committed before the PDF is drawn and signed
        cert = db.write_now(lambda: certificates.certificate_for(r, entrant, kind))
    except ContestError:
        abort(404)
    data = pdf.render(cert, site.base_url(), certificate_services.keyring())
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{pdf.archive_name(cert)}"', "Cache-Control": "private, no-store"})
