"""A platform (another LMS) simulated for the LTI tests: its own RSA key, its JWKS, its OAuth token
endpoint and an AGS line item, served by a real HTTP server on loopback; and id_tokens it signs."""
from __future__ import annotations

import json
import threading
import time
import uuid
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "elearn-tool-1"
DEPLOYMENT = "dep-1"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


class Platform:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-key-1"
        self.token_requests: list[dict] = []
        self.scores: list[dict] = []
        self.fail_scores = 0            # answer the next n score POSTs with a 503
        self.tool_jwk: dict | None = None  # the tool's public key, to check its token requests
        self.tool_url = ""                 # for the course page that frames the tool (browser test)
        self.custom: dict = {}             # the custom parameters of its one resource link
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Platform:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the tool's administrator types in ---
    def registration(self, unit) -> dict:
        return {"name": "Moodle Trường Chính trị tỉnh", "issuer": self.issuer, "client_id": CLIENT_ID,
                "deployment_ids": DEPLOYMENT, "auth_login_url": self.url + "/auth",
                "auth_token_url": self.url + "/token", "key_set_url": self.url + "/jwks", "unit": unit}

    @property
    def lineitem(self) -> str:
        return self.url + "/api/lineitems/7/lineitem"

    def jwks(self) -> dict:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def id_token(self, nonce: str, *, sub: str = "moodle-user-42", custom: dict | None = None,
                 aud: str = CLIENT_ID, exp_in: int = 300, key=None, ags: bool = True, **extra) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": aud, "sub": sub, "iat": now - 5, "exp": now + exp_in, "nonce": nonce,
            "name": "Nguyễn Thị Hằng", "given_name": "Hằng", "family_name": "Nguyễn Thị",
            "email": "admin@example.vn",  # a platform may say anything here: never used to match
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": DEPLOYMENT,
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "http://localhost/lti/launch",
            "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "resource-link-9"},
            "https://purl.imsglobal.org/spec/lti/claim/roles": [
                "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            "https://purl.imsglobal.org/spec/lti/claim/custom": custom or {},
        }
        if ags:
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": [LINEITEM_SCOPE, SCORE_SCOPE], "lineitem": self.lineitem}
        claims.update(extra)
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: dict | None = None) -> None:
                data = json.dumps(body or {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _page(self, title: str, body: str) -> None:
                data = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
                        f'<body><main><h1>{title}</h1>{body}</main></body></html>').encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path, query = urlsplit(self.path).path, dict(parse_qsl(urlsplit(self.path).query))
                if path == "/jwks":
                    return self._answer(200, platform.jwks())
                if path == "/course":  # the platform's page with the tool in a frame
                    login = platform.tool_url + "/lti/login?" + urlencode({
                        "iss": platform.issuer, "login_hint": "42", "client_id": CLIENT_ID,
                        "target_link_uri": platform.tool_url + "/lti/launch", "lti_deployment_id": DEPLOYMENT})
                    return self._page("Lớp bồi dưỡng trên Moodle", f'<iframe src="{escape(login)}" '
                                      'title="Bài học từ elearn" width="1000" height="700"></iframe>')
                if path == "/auth":  # the platform's authorization endpoint: the id_token back by form
                    if query.get("client_id") != CLIENT_ID or query.get("response_mode") != "form_post":
                        return self._answer(400)
                    token = platform.id_token(query["nonce"], custom=platform.custom)
                    return self._page("Đang mở bài học", (
                        f'<form method="post" action="{escape(query["redirect_uri"])}">'
                        f'<input type="hidden" name="id_token" value="{escape(token)}">'
                        f'<input type="hidden" name="state" value="{escape(query["state"])}">'
                        '<button type="submit">Tiếp tục</button></form>'))
                return self._answer(404)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                path = urlsplit(self.path).path
                if path == "/token":
                    form = dict(parse_qsl(body))
                    platform.token_requests.append(form)
                    try:  # the tool's signed assertion, checked with the key its JWKS published
                        key = RSAAlgorithm.from_jwk(json.dumps(platform.tool_jwk))
                        claims = jwt.decode(form["client_assertion"], key, algorithms=["RS256"],
                                            audience=platform.url + "/token")
                        assert claims["iss"] == claims["sub"] == CLIENT_ID
                        assert jwt.get_unverified_header(form["client_assertion"])["kid"] == platform.tool_jwk["kid"]
                    except Exception as error:  # noqa: BLE001 - refused as a platform would
                        return self._answer(401, {"error": "invalid_client", "detail": str(error)})
                    return self._answer(200, {"access_token": "at-" + uuid.uuid4().hex, "token_type": "Bearer",
                                              "expires_in": 3600, "scope": form.get("scope", "")})
                if path == "/api/lineitems/7/lineitem/scores":
                    if not self.headers.get("Authorization", "").startswith("Bearer at-"):
                        return self._answer(401)
                    if platform.fail_scores:
                        platform.fail_scores -= 1
                        return self._answer(503, {"error": "down"})
                    platform.scores.append({"content_type": self.headers.get("Content-Type"),
                                            "authorization": self.headers.get("Authorization"),
                                            "body": json.loads(body)})
                    return self._answer(200)
                return self._answer(404)

        return Handler


def login_redirect(client, platform: Platform, **params) -> dict:
    """The platform starts a login (third-party initiated); returns the tool's authorization
    request's parameters (state, nonce, redirect_uri...)."""
    query = {"iss": platform.issuer, "login_hint": "42", "target_link_uri": "http://localhost/lti/launch",
             "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT, **params}
    response = client.get("/lti/login", query_string=query)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert location.startswith(platform.url + "/auth?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
