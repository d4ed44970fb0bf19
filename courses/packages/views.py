"""Playing a package: the course page runs scorm-again; the package runs in a sandboxed frame.

What was chosen, and why:
- The content is served from ``/package-content/<token>/…`` with ``Content-Security-Policy: sandbox
  allow-scripts allow-forms`` (and the same ``sandbox`` on the iframe): the package's documents get an
  opaque origin, so their script cannot read the site's cookies or pages, and their requests to the
  site carry no session cookie (SameSite=Lax). The signed token in the path (one cadre, one item,
  12 hours) is what lets them load the package's own files; enrolment is checked on every file.
- scorm-again's real API lives in the course page (same origin as the site); the frame gets
  scorm-again's CrossFrameAPI (injected into each HTML page served) which answers the SCO at once from a
  cache primed with the cadre's stored data and relays every call to the page by postMessage. The page
  listens only to its own frame's window.
- Commits go to ``/learn/<item>/package/commit/<launch token>`` from the course page: signed-in cadre plus the launch
  token (CSRF-proof: scorm-again sends LMSFinish's commit with sendBeacon, which cannot add a header).
"""
from __future__ import annotations

import json
import mimetypes
import re
import time

from flask import Blueprint, abort, jsonify, make_response, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses import queries
from courses.learning import can_study, get_item_for_study
from courses.packages import launch
from courses.packages.models import Package, PackageStandard
from courses.packages.services import PackageError, attempt_of, folder_of, package_of, record_commit
from courses.progress import get_progress, record_open
from courses.services import CourseNotFound
from elearn import db
from elearn.accounts.models import User
from elearn.extensions import csrf
from elearn.permissions import Permission, public, requires
from elearn.security import CSP

bp = Blueprint("packages", __name__, template_folder="../templates")
MAX_COMMIT_BYTES = 256 * 1024
PLAYER_CSP = CSP.replace("frame-src ", "frame-src 'self' ")


def content_csp(origin: str) -> str:
    """The package's own pages: sandboxed (opaque origin), free to run their script and load their own
    files, framed only by the course page, sending no referrer (the path holds the token)."""
    own = f"'self' {origin}"
    return "; ".join([
        "sandbox allow-scripts allow-forms",
        f"default-src {own} data: blob:",
        f"script-src {own} 'unsafe-inline' 'unsafe-eval'",
        f"style-src {own} 'unsafe-inline'",
        f"connect-src {own}",
        "object-src 'none'",
        f"frame-ancestors {own}",
        "form-action 'none'",
    ])


def _origin() -> str:
    return request.host_url.rstrip("/")


def _study(item_id: int):
    item, course, enrollment = get_item_for_study(item_id, current_user)
    package = package_of(item)
    if package is None:
        raise CourseNotFound()
    return item, course, package


def prime(user: User, package: Package, item_id: int) -> dict:
    """The cadre's stored data, as the runtime's flattened CMI (and the frame's first cache)."""
    row = attempt_of(user.id, item_id)
    suspend = row.suspend_data if row else ""
    if package.standard == PackageStandard.SCORM12:
        status = {"completed": "completed", "incomplete": "incomplete"}.get(row.completion_status, "") if row else ""
        if row and row.success_status in ("passed", "failed"):
            status = row.success_status
        data = {"cmi.core.student_id": user.username, "cmi.core.student_name": user.full_name,
                "cmi.core.lesson_location": row.location if row else "", "cmi.suspend_data": suspend,
                "cmi.core.entry": "resume" if suspend else "ab-initio", "cmi.core.credit": "credit",
                "cmi.core.lesson_mode": "normal"}
        if status:
            data["cmi.core.lesson_status"] = status
        if row and row.total_seconds:
            s = row.total_seconds
            data["cmi.core.total_time"] = f"{s // 3600:04d}:{s // 60 % 60:02d}:{s % 60:02d}"
        if package.mastery_score is not None:
            data["cmi.student_data.mastery_score"] = f"{package.mastery_score:g}"
        return data
    data = {"cmi.learner_id": user.username, "cmi.learner_name": user.full_name,
            "cmi.location": row.location if row else "", "cmi.suspend_data": suspend,
            "cmi.entry": "resume" if suspend else "ab-initio", "cmi.credit": "credit", "cmi.mode": "normal"}
    if row and row.completion_status in ("completed", "incomplete"):
        data["cmi.completion_status"] = row.completion_status
    if row and row.success_status in ("passed", "failed"):
        data["cmi.success_status"] = row.success_status
    if row and row.total_seconds:
        data["cmi.total_time"] = f"PT{row.total_seconds}S"
    return data


@bp.get("/learn/<int:item_id>/package")
@requires(Permission.STUDY)
def play(item_id: int):
    item, course, package = _study(item_id)
    studying = can_study(course)
    if studying:
        progress = db.write_now(lambda: record_open(current_user, item))  # before rendering
    else:
        progress = get_progress(current_user, item, create=False)
    launched = int(time.time() * 1000)
    content = url_for("packages.content", token=launch.issue("content", current_user.id, item.id, launched),
                      path=package.launch)
    if package.standard == PackageStandard.CMI5:
        from courses.packages.cmi5 import launch_url
        content = launch_url(content, package, current_user, item, launched)
    elif package.launch_query:
        content += "?" + package.launch_query
    commit = url_for("packages.commit", item_id=item.id, launch_token=launch.issue("commit", current_user.id, item.id,
                                                                               launched))
    modules = queries.structure(course.id)
    previous, following = queries.neighbours(modules, item.id)
    response = make_response(render_template(
        "courses/package.html", item=item, course=course, package=package, progress=progress,
        studying=studying, content_url=content, commit_url=commit, previous=previous, following=following,
        prime=json.dumps(prime(current_user, package, item.id), ensure_ascii=False)))
    response.headers["Content-Security-Policy"] = PLAYER_CSP
    return response


@bp.post("/learn/<int:item_id>/package/commit/<launch_token>")
@requires(Permission.STUDY)
def commit(item_id: int, launch_token: str):
    token = launch.read("commit", launch_token)
    if token is None or token["u"] != current_user.id or token["i"] != item_id:
        return jsonify(result=False, errorCode=101, error=_("This page has expired: open the package again.")), 403
    item, course, package = _study(item_id)
    if package.standard == PackageStandard.CMI5 or (request.content_length or 0) > MAX_COMMIT_BYTES:
        abort(400)
    try:
        values = json.loads(request.get_data(cache=False)[:MAX_COMMIT_BYTES + 1] or b"{}")
    except ValueError:
        values = None
    sequence = values.get("commitSequence") if isinstance(values, dict) else None
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 0 < sequence < 100000:
        return jsonify(result=False, errorCode=101, error=_("The package sent data that cannot be read.")), 400
    try:
        kept = record_commit(current_user, item, course, package, values, token["t"] * 100000 + sequence)
    except PackageError as error:
        db.discard()
        return jsonify(result=False, errorCode=101, error=str(error)), 400
    return jsonify(result=True, errorCode=0, kept=kept)


csrf.exempt(commit)  # the launch token, not a form token: LMSFinish's commit is a beacon (no header)


@bp.get("/package-content/<token>/<path:path>")
@public
def content(token: str, path: str):
    """A file of the package, for the cadre and item the token names, while they are enrolled."""
    data = launch.read("content", token)
    user = db.session.get(User, data["u"]) if data else None
    if user is None or not user.active:
        abort(404)
    try:
        item, _course, _enrollment = get_item_for_study(data["i"], user)
    except CourseNotFound:
        abort(404)
    package = package_of(item)
    base = folder_of(package).resolve() if package else None
    target = (base / path).resolve() if base else None
    if target is None or base not in target.parents or not target.is_file():
        abort(404)
    mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if mime == "text/html" and package.standard != PackageStandard.CMI5:
        page, declared = _with_runtime(target.read_bytes(), prime(user, package, item.id))
        response = make_response(page)
        # The page's own <meta charset> decides (kept in its first bytes); else UTF-8.
        response.headers["Content-Type"] = "text/html" if declared else "text/html; charset=utf-8"
    else:
        response = send_file(target, mimetype=mime, max_age=0, conditional=True)
    h = response.headers
    h["Content-Security-Policy"] = content_csp(_origin())
    h["X-Frame-Options"] = "SAMEORIGIN"
    h["Referrer-Policy"] = "no-referrer"
    # A page carries the cadre's data (primed runtime): never kept. Media and scripts are kept an hour,
    # for a slow line (the token in their path is the cadre's own).
    h["Cache-Control"] = "private, no-store" if mime == "text/html" else "private, max-age=3600"
    h["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(rb"<meta\b[^>]*charset[^>]*>", re.IGNORECASE)


def _with_runtime(html: bytes, primed: dict) -> tuple[bytes, bool]:
    """The page with scorm-again's CrossFrameAPI as its ``window.API`` / ``API_1484_11``, early in <head>
    (after its <meta charset>, which must stay in the first 1024 bytes); and whether it declares a charset.
    The injected text is ASCII (JSON escapes), whatever the page's encoding."""
    from markupsafe import escape

    tags = (f'<script src="{url_for("courses.static", filename="scorm/cross-frame-api.min.js")}"></script>'
            f'<script src="{url_for("courses.static", filename="scorm/child.js")}" data-parent="{escape(_origin())}"'
            f' data-prime="{escape(json.dumps(primed, ensure_ascii=True))}"></script>').encode("ascii")
    charset = _CHARSET.search(html, 0, 1024)
    at = charset or _HEAD.search(html)
    return (html[:at.end()] + tags + html[at.end():] if at else tags + html), charset is not None
