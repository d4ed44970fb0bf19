"""The tool's protocol endpoints: OIDC login initiation, the launch, and the tool's JWKS.

The platform posts to the login and launch from its own site: they carry no CSRF token (the app
factory exempts them); the state cookie and the nonce in the signed id_token do that work.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, g, jsonify, redirect, render_template, session, url_for
from flask_babel import gettext as _
from pylti1p3.exception import LtiException, OIDCException

from elearn import db
from elearn.accounts.views import start_session
from elearn.errors import DomainError
from elearn.extensions import limiter
from elearn.lti import services, tool
from elearn.lti.cookies import FRAME_KEY
from elearn.lti.models import LtiPlatform
from elearn.permissions import public
from elearn.site import base_url

bp = Blueprint("lti", __name__, template_folder="templates")

# Which words of pylti1p3's (or PyJWT's) refusal say why, and what the cadre reads instead.
_REASONS = (
    (("state",), lambda: _("This launch does not match a sign-in started in this browser, or it took too "
                           "long. Open the activity again from your platform.")),
    (("nonce",), lambda: _("This launch was already used. Open the activity again from your platform.")),
    (("expired",), lambda: _("The launch from the platform has expired. Open the activity again from your "
                             "platform.")),
    (("registration not found", "client id not registered", "could not find registration", "issuer"),
     lambda: _("This launch is not meant for this tool: its issuer or audience is not registered here.")),
    (("deployment",), lambda: _("This deployment of the platform is not registered here.")),
    (("error during fetch", "can't convert jwt key"),
     lambda: _("The platform's key set could not be read. Try again later.")),
    (("decode", "signature", "public key", "kid", "alg", "jwt"),
     lambda: _("The launch is not signed by the registered platform: refused.")),
)


def _refused(error: Exception | str):
    words = str(error).lower()
    return _page(next((say() for keys, say in _REASONS if any(k in words for k in keys)),
                      _("The launch from the platform could not be checked. Open the activity again from your "
                        "platform.")))


def _page(message: str, status: int = 400):
    g.frame_ancestors = "*"  # the refusal shows in the platform's frame, whichever it is: it holds nothing
    return render_template("errors.html", code=status, message=message), status


def launch_url() -> str:
    return base_url() + url_for("lti.launch")


@bp.route("/lti/login", methods=["GET", "POST"])
@public
@limiter.limit("60 per minute")  # each login keeps a nonce row: anyone may ask, not without end
def login():
    """Third-party initiated login: back to the platform's authorization endpoint with a state
    (kept in a cookie of this browser) and a nonce (kept here, used once)."""
    try:
        response = tool.oidc_login().redirect(launch_url())
    except (OIDCException, LtiException) as error:
        return _refused(error)
    g.frame_ancestors = "*"  # a redirect onward, nothing to click on
    return response


@bp.post("/lti/launch")
@public
def launch():
    """The platform's id_token, checked; then the cadre signed in, enrolled, and sent to the page."""
    message, conf = tool.message_launch()
    try:
        claims = dict(message.get_launch_data())
        resource_launch = message.is_resource_launch()
    except (LtiException, OIDCException) as error:
        return _refused(error)
    except (AttributeError, TypeError, ValueError, KeyError) as error:  # claims of the wrong shape
        return _refused(f"jwt {type(error).__name__}")
    platform: LtiPlatform = conf.platform
    if not resource_launch:
        return _page(_("Only resource links are supported: choose the activity itself on your platform."))
    try:
        # Reads and hashing first, writes after (SQLite's write lock): a new account's password is
        # hashed inside create_user before its first write; the nonce is spent after it.
        user = services.user_for_launch(platform, claims, password=secrets.token_urlsafe(24))
        services.use_nonce(str(claims.get("nonce") or ""))
        custom = claims.get("https://purl.imsglobal.org/spec/lti/claim/custom") or {}
        kind, target_id, url = services.open_target(user, custom)
        services.record_link(platform, user, claims, kind, target_id)
    except DomainError as error:  # nothing of the launch is kept: no account, no enrolment
        db.discard()
        return _page(str(error))
    session.clear()  # a fresh session for whoever the platform launched: no fixation
    start_session(user)
    session[FRAME_KEY] = services.frame_origin(platform)
    return redirect(url, 303)


@bp.get("/lti/jwks.json")
@public
def jwks():
    """The tool's public keys (one per platform): platforms check our AGS token requests with them."""
    keys = [services.public_jwk(p) for p in services.platforms() if p.active]
    response = jsonify(keys=keys)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
