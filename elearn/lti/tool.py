"""The small adapter pylti1p3 needs: registrations and deployments read from ``lti_platform``, the
OIDC nonce kept in the database (the session cookie may not reach a launch in a frame), and HTTP
with a timeout.

pylti1p3 checks the launch: the state against the cookie set at login, the id_token's signature
against the platform's JWKS, its expiry (PyJWT), the nonce, the registration of its issuer and
audience (client id), the deployment, and the message's required claims.
"""
from __future__ import annotations

import requests
from pylti1p3.contrib.flask import FlaskCookieService, FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.session import SessionService
from pylti1p3.tool_config import ToolConfAbstract

from elearn.lti import services
from elearn.lti.models import LtiPlatform

HTTP_TIMEOUT = 10  # seconds: a platform that does not answer must not hold a request or a worker


class _TimeoutSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(*args, **kwargs)


def http() -> requests.Session:
    session = _TimeoutSession()
    session.headers["User-Agent"] = "elearn-lti"
    return session


def registration(platform: LtiPlatform) -> Registration:
    return (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
            .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
            .set_key_set_url(platform.key_set_url).set_tool_private_key(platform.private_key)
            .set_tool_public_key(services.public_pem(platform)))


class ToolConf(ToolConfAbstract):
    """Every issuer may have several client ids (the form pylti1p3 recommends)."""

    def __init__(self):
        self.platform: LtiPlatform | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        self.platform = services.platform_for(iss, client_id)
        return registration(self.platform) if self.platform is not None else None

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = services.platform_for(iss, client_id)
        if platform is None or deployment_id not in platform.deployments:
            return None
        return Deployment().set_deployment_id(deployment_id)


class NonceService(SessionService):
    """Nonces in the database; nothing else of pylti1p3's launch cache is used (the launch is
    recorded in ``lti_link``). The state stays in its short-lived cookie, bound to the browser."""

    def save_nonce(self, nonce: str):
        services.save_nonce(nonce)

    def check_nonce(self, nonce: str) -> bool:
        return services.nonce_fresh(nonce)

    def check_state_is_valid(self, state: str, id_token_hash: str) -> bool:
        return False  # always the cookie: a launch is never re-validated from a cache

    def set_state_valid(self, state: str, id_token_hash: str):
        return None

    def save_launch_data(self, key, jwt_body):
        return None

    def save_state_params(self, state, params):
        return None


class CookieService(FlaskCookieService):
    """The state cookie: SameSite=None; Secure over HTTPS, so that it comes back with the launch the
    platform POSTs from another site (in its frame); over plain HTTP (development, tests) browsers
    refuse SameSite=None without Secure, so Lax: platform and tool must then be the same site."""

    def update_response(self, response):
        secure = self._request.is_secure()
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(key, data["value"], max_age=data["exp"], path="/", httponly=True, secure=secure,
                                samesite="None" if secure else "Lax")


def oidc_login() -> FlaskOIDCLogin:
    adapter = FlaskRequest()
    return FlaskOIDCLogin(adapter, ToolConf(), session_service=NonceService(adapter),
                          cookie_service=CookieService(adapter))


def message_launch() -> tuple[FlaskMessageLaunch, ToolConf]:
    adapter = FlaskRequest()
    conf = ToolConf()
    launch = FlaskMessageLaunch(adapter, conf, session_service=NonceService(adapter),
                                cookie_service=CookieService(adapter), requests_session=http())
    return launch, conf
