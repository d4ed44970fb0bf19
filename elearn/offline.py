"""The installable web app (issue 21): the manifest, the service worker at the site's root, and the
page shown when a page that was never kept on the phone is opened with no connection.

The service worker (``static/sw.js``) is small and written by hand: static files from the cache
(refreshed behind), pages from the network, and with no network the copy kept on the phone of a
page that asked to be kept (``keep_offline``: the attempt page, lessons downloaded for offline).
What it keeps is the signed-in cadre's: signing out clears it (``Clear-Site-Data`` on the sign-out
response, ``elearn.accounts.views.logout``), and so does another cadre signing in on the same
phone (``static/site.js``).
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, url_for
from flask_babel import gettext as _

from elearn.permissions import public

bp = Blueprint("offline", __name__)

KEEP_HEADER = "X-Elearn-Offline"  # on a page the service worker may keep for reading offline
DOWNLOAD_HEADER = "X-Elearn-Download"  # on the service worker's requests that download a course
CLEAR_SITE_DATA = '"cache", "storage"'


def keep_offline(response):
    """Mark a page the service worker may keep on the phone (it is the signed-in cadre's own)."""
    response.headers[KEEP_HEADER] = "keep"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/manifest.webmanifest")
@public
def manifest():
    icon = lambda name, size, purpose="any": {  # noqa: E731
        "src": url_for("static", filename=f"icons/{name}"), "sizes": size, "type": "image/png", "purpose": purpose}
    response = jsonify({
        "name": _("Cadre training"), "short_name": _("Training"),
        "description": _("Courses and quizzes for propaganda cadres, on the phone, even on a weak line."),
        "lang": "vi", "start_url": url_for("home.index"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#b71c1c",
        "icons": [icon("icon-192.png", "192x192"), icon("icon-512.png", "512x512"),
                  icon("icon-maskable-512.png", "512x512", "maskable")],
    })
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/sw.js")
@public
def service_worker():
    """At the root, so that it may answer for every page; never cached by the HTTP cache, so that
    a new version reaches every phone on its next visit."""
    response = current_app.send_static_file("sw.js")
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
@public
def offline_page():
    """What the service worker shows for a page not kept on the phone when there is no connection.
    It names nobody: the worker keeps it for whoever uses the phone next."""
    return render_template("offline.html")
