"""The session cookie of a session an LTI launch began: the platform shows elearn in a frame of its
own site, where a browser sends only SameSite=None cookies (which it accepts only with Secure).

Every other session keeps SameSite=Lax. Over plain HTTP (development, tests) the cookie stays Lax:
a framed launch then works only when platform and tool are the same site.
"""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

FRAME_KEY = "lti_frame"  # the session's platform origin, allowed to frame its pages (elearn.security)


class FramedSessionInterface(SecureCookieSessionInterface):
    def save_session(self, app, session, response) -> None:
        super().save_session(app, session, response)
        if not (session.get(FRAME_KEY) and app.config.get("SESSION_COOKIE_SECURE")):
            return
        name = self.get_cookie_name(app) + "="
        cookies = response.headers.getlist("Set-Cookie")
        if not any(c.startswith(name) for c in cookies):
            return
        response.headers.remove("Set-Cookie")
        for cookie in cookies:
            if cookie.startswith(name):
                cookie = cookie.replace("SameSite=Lax", "SameSite=None")
            response.headers.add("Set-Cookie", cookie)
