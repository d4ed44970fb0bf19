"""cmi5: the launch (fetch URL, auth token) and the few xAPI resources an AU calls.

The AU gets ``endpoint``, ``fetch``, ``actor``, ``registration`` and ``activityId`` on its URL; it
POSTs to ``fetch`` for its auth token, then sends statements with ``Authorization: Basic <token>``.
completed / passed / failed become the item's progress (``services.record_cmi5``); the other
verbs are accepted and not kept (the platform's own statements go to the LRS through the outbox).
Everything answers CORS: the AU runs in a sandboxed frame (an opaque origin) and authenticates by
its token, never by a cookie.
"""
from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

from flask import abort, jsonify, make_response, request, url_for

from courses.learning import get_item_for_study
from courses.packages import launch
from courses.packages.models import PackageStandard
from courses.packages.services import (
    CMI5_VERBS,
    PackageError,
    claim_fetch,
    cmi5_state,
    package_of,
    record_cmi5,
    save_cmi5_state,
)
from courses.packages.views import bp
from courses.services import CourseNotFound
from elearn import db
from elearn.accounts.models import User
from elearn.extensions import csrf
from elearn.permissions import public

MAX_BODY = 1024 * 1024
XAPI_VERSION = "1.0.3"
LAUNCH_DATA = "LMS.LaunchData"
SESSION_EXT = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


def registration(user_id: int, item_id: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"elearn:cmi5:{user_id}:{item_id}"))


def actor(user: User) -> dict:
    return {"objectType": "Agent", "name": user.full_name,
            "account": {"homePage": request.host_url.rstrip("/"), "name": user.username}}


def launch_url(content: str, package, user: User, item, launched: int) -> str:
    query = urlencode({
        "endpoint": url_for("packages.cmi5_root", _external=True),
        "fetch": url_for("packages.cmi5_fetch", token=launch.issue("fetch", user.id, item.id, launched), _external=True),
        "actor": json.dumps(actor(user), ensure_ascii=False), "registration": registration(user.id, item.id),
        "activityId": package.activity_id})
    return content + "?" + ("&".join(q for q in (package.launch_query, query) if q))


def _cors(response):
    h = response.headers
    h["Access-Control-Allow-Origin"] = "*"
    h["Access-Control-Allow-Headers"] = "Authorization, Content-Type, X-Experience-API-Version"
    h["Access-Control-Allow-Methods"] = "GET, PUT, POST, DELETE, OPTIONS"
    h["Access-Control-Expose-Headers"] = "X-Experience-API-Version"
    h["X-Experience-API-Version"] = XAPI_VERSION
    h["Cache-Control"] = "no-store"
    return response


def _error(status: int, message: str):
    return _cors(make_response(jsonify(error=message), status))


def _preflight():
    return _cors(make_response("", 204)) if request.method == "OPTIONS" else None


def _session():
    """(user, item, course, package) of the request's auth token, or None."""
    header = request.headers.get("Authorization", "")
    data = launch.read("auth", header[6:].strip() if header.startswith("Basic ") else None)
    user = db.session.get(User, data["u"]) if data else None
    if user is None or not user.active:
        return None
    try:
        item, course, _enrollment = get_item_for_study(data["i"], user)
    except CourseNotFound:
        return None
    package = package_of(item)
    if package is None or package.standard != PackageStandard.CMI5:
        return None
    return user, item, course, package, data["t"]


@bp.route("/cmi5/<token>/fetch", methods=["POST", "OPTIONS"])
@public
def cmi5_fetch(token: str):
    """The AU's auth token (the spec's fetch URL): the same launch's token, for its xAPI calls."""
    if (early := _preflight()) is not None:
        return early
    data = launch.read("fetch", token)
    if data is None:
        return _cors(make_response(jsonify({"error-code": "2", "error-text": "expired or unknown launch"}), 200))
    if not claim_fetch(data["u"], data["i"], data["t"]):
        # cmi5 9.2.2: the token is given once; the answer to a second call is this error (status 200).
        return _cors(make_response(jsonify({"error-code": "1", "error-text": "already fetched"}), 200))
    return _cors(make_response(jsonify({"auth-token": launch.issue("auth", data["u"], data["i"], data["t"])})))


@bp.route("/cmi5/xapi/", methods=["GET", "OPTIONS"])
@public
def cmi5_root():
    return _preflight() or _error(404, "not found")


@bp.route("/cmi5/xapi/about", methods=["GET", "OPTIONS"])
@public
def cmi5_about():
    return _preflight() or _cors(make_response(jsonify(version=[XAPI_VERSION])))


@bp.route("/cmi5/xapi/statements", methods=["GET", "PUT", "POST", "OPTIONS"])
@public
def cmi5_statements():
    if (early := _preflight()) is not None:
        return early
    session = _session()
    if session is None:
        return _error(401, "unauthorized")
    if request.method == "GET":
        return _error(403, "statements are not readable here")
    user, item, course, package, _launched = session
    body = _json_body()
    statements = body if isinstance(body, list) else [body]
    if not statements or not all(isinstance(s, dict) for s in statements) or len(statements) > 100:
        return _error(400, "a statement or a list of statements is expected")
    ids = []
    try:
        for statement in statements:
            ids.append(_statement_id(statement))
            verb = (statement.get("verb") or {}).get("id") if isinstance(statement.get("verb"), dict) else None
            target = statement.get("object") if isinstance(statement.get("object"), dict) else {}
            if verb in CMI5_VERBS and target.get("id") == package.activity_id:
                record_cmi5(user, item, course, package, CMI5_VERBS[verb], _scaled(statement))
    except PackageError as error:
        db.discard()
        return _error(400, str(error))
    if request.method == "PUT":
        return _cors(make_response("", 204))
    return _cors(make_response(jsonify(ids)))


@bp.route("/cmi5/xapi/activities/state", methods=["GET", "PUT", "POST", "DELETE", "OPTIONS"])
@public
def cmi5_state_document():
    if (early := _preflight()) is not None:
        return early
    session = _session()
    if session is None:
        return _error(401, "unauthorized")
    user, item, _course, package, launched = session
    state_id = request.args.get("stateId", "")
    if request.args.get("activityId") != package.activity_id or not state_id:
        return _error(400, "activityId and stateId are required")
    if state_id == LAUNCH_DATA:
        if request.method != "GET":
            return _error(403, "LMS.LaunchData is the platform's")
        data = {"contextTemplate": {"extensions": {SESSION_EXT: f"{registration(user.id, item.id)}-{launched}"}},
                "launchMode": "Normal", "moveOn": package.move_on or "NotApplicable",
                "returnURL": url_for("packages.play", item_id=item.id, _external=True)}
        if package.mastery_score is not None:
            data["masteryScore"] = package.mastery_score
        return _cors(make_response(jsonify(data)))
    if request.method == "GET":
        kept = cmi5_state(user, item, state_id)
        return _cors(make_response(kept, 200, {"Content-Type": "application/json"})) if kept is not None \
            else _error(404, "no such state")
    if request.method == "DELETE":
        return _cors(make_response("", 204))
    body = request.get_data(cache=False)[:MAX_BODY + 1]
    if len(body) > MAX_BODY:
        return _error(413, "too large")
    try:
        save_cmi5_state(user, item, state_id, body.decode("utf-8"))
    except (PackageError, UnicodeDecodeError) as error:
        db.discard()
        return _error(400, str(error))
    return _cors(make_response("", 204))


@bp.route("/cmi5/xapi/agents/profile", methods=["GET", "PUT", "POST", "OPTIONS"])
@public
def cmi5_agent_profile():
    """Learner preferences: none kept here (the AU then uses its defaults, as cmi5 allows)."""
    if (early := _preflight()) is not None:
        return early
    if _session() is None:
        return _error(401, "unauthorized")
    return _error(404, "no such profile") if request.method == "GET" else _cors(make_response("", 204))


for _view in (cmi5_fetch, cmi5_statements, cmi5_state_document, cmi5_agent_profile):
    csrf.exempt(_view)  # token in the Authorization header (or the fetch path), never a cookie


def _json_body():
    if (request.content_length or 0) > MAX_BODY:
        abort(413)
    try:
        return json.loads(request.get_data(cache=False)[:MAX_BODY + 1] or b"null")
    except ValueError:
        return None


def _statement_id(statement: dict) -> str:
    given = statement.get("id")
    try:
        return str(uuid.UUID(given)) if isinstance(given, str) else str(uuid.uuid4())
    except ValueError:
        raise PackageError("statement id is not a UUID") from None


def _scaled(statement: dict) -> float | None:
    result = statement.get("result") if isinstance(statement.get("result"), dict) else {}
    score = result.get("score") if isinstance(result.get("score"), dict) else {}
    scaled = score.get("scaled")
    if isinstance(scaled, int | float) and not isinstance(scaled, bool) and -1 <= scaled <= 1:
        return max(0.0, scaled * 100)
    return None
