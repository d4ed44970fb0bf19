"""Security headers on every response (no inline script anywhere: CSP forbids it), and no NUL
character in a query or form field."""
from flask import Flask, abort, g, request, session

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' https:",
    "frame-src https://www.youtube-nocookie.com https://www.youtube.com",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def init_app(app: Flask) -> None:
    production = app.config.get("ELEARN_ENV") == "production"

    @app.before_request
    def refuse_nul():
        # Nobody types a NUL; PostgreSQL refuses one in any text parameter. A 400 here, not a 500 there.
        fields = [request.args]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields.append(request.form)
        if any("\x00" in key or "\x00" in value for f in fields for key, value in f.items(multi=True)):
            abort(400)

    @app.after_request
    def set_headers(response):
        h = response.headers
        # A session an LTI launch began is shown in its platform's frame (elearn.lti): that origin
        # only. The session is read only when its cookie came (else every response varies by cookie).
        frame = g.get("frame_ancestors") or (request.cookies.get(app.config["SESSION_COOKIE_NAME"])
                                             and session.get("lti_frame"))
        if frame:
            h.setdefault("Content-Security-Policy", CSP.replace("frame-ancestors 'none'", f"frame-ancestors {frame}"))
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        if not frame:
            h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if production:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
