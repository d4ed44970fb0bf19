"""The API blueprint and the one decorator every API route is declared with.

``@endpoint(...)`` says, in one place, the address, the scope a token needs, the query, body and
response schemas (marshmallow): the route checks the token, loads and validates the input, dumps
the answer, and the OpenAPI document (``elearn.api.spec``) is generated from the same declaration.

Authentication is the bearer token only: the session cookie is never read (so no cross-site request
can act through a signed-in browser, and CSRF does not apply), and no cookie is set.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache, wraps
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from flask_babel import gettext as _
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from werkzeug.exceptions import HTTPException

from elearn import db
from elearn.api import services
from elearn.api.models import ApiToken
from elearn.errors import DomainError
from elearn.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
_PRINTABLE = re.compile(PRINTABLE := r"^[^\x00-\x1f\x7f]*$")


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: list[dict] | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.errors, self.headers = status, message, errors or [], headers or {}


@dataclass(frozen=True)
class Doc:
    rule: str
    method: str
    scope: str | None
    summary: str
    tag: str
    query: Schema | None
    body: Schema | None
    response: Schema | None
    status: int
    stream: tuple[str, ...] = ()  # the media types of a streamed answer (``response``: one record of it)


def current_token() -> ApiToken:
    return g.api_token


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    kind, _sep, secret = header.partition(" ")
    return secret.strip() if kind.lower() == "bearer" else ""


def _limit_key() -> str:
    """Each token is limited on its own; requests without one share their address's allowance."""
    secret = _bearer()
    return "api:" + (hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32] if secret
                     else (request.remote_addr or "?"))


def _authenticate(scope: str | None) -> ApiToken:
    secret = _bearer()
    token = services.authenticate(secret) if secret else None
    if token is None:
        raise ApiError(401, _("A valid API token is required (header Authorization: Bearer ...). "
                              "It may have expired or been revoked."), headers={"WWW-Authenticate": "Bearer"})
    if scope is not None and (scope not in token.scope_set or not services.may_use_scope(token.user, scope)):
        raise ApiError(403, _("This token does not have the scope %(scope)s.", scope=scope))
    return token


def _flatten(messages: Any, path: str = "") -> list[dict]:
    """marshmallow's nested messages as a list of {field: "accounts[0].username", message}."""
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            if isinstance(key, int):
                sub = f"{path}[{key}]"
            elif key == "_schema":
                sub = path
            else:
                sub = f"{path}.{key}" if path else str(key)
            out += _flatten(value, sub)
        return out
    if isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        return [{"field": path, "message": translated(m)} for m in messages]
    if isinstance(messages, list):
        return [e for m in messages for e in _flatten(m, path)]
    return [{"field": path, "message": translated(str(messages))}]


def translated(message: str) -> str:
    """marshmallow's (and our schemas') English messages in the user's language."""
    return {
        "Missing data for required field.": _("Missing data for required field."),
        "Field may not be null.": _("Field may not be null."),
        "Invalid value.": _("Invalid value."),
        "Not a valid string.": _("Not a valid string."),
        "Not a valid utf-8 string.": _("Not a valid string."),
        "Not a valid integer.": _("Not a valid integer."),
        "Not a valid boolean.": _("Not a valid boolean (true or false)."),
        "Not a valid list.": _("Not a valid list."),
        "Not a valid email address.": _("Not a valid email address."),
        "Not a valid date.": _("Not a valid date (yyyy-mm-dd)."),
        "Invalid type.": _("Not a valid object."),
        "Invalid input type.": _("Not a valid object."),
        "Unknown field.": _("Unknown field."),
        "Too long.": _("Too long."),
        "Too short.": _("Too short."),
        "Must not be empty.": _("Must not be empty."),
        "Out of range.": _("Out of range."),
        "Not one of the allowed values.": _("Not one of the allowed values."),
        "Too many items.": _("Too many items."),
        "No control characters.": _("Control characters are not allowed."),
    }.get(message, message)


# Validators whose messages ``translated`` knows; marshmallow's own classes, so that apispec writes
# their bounds into the document (minLength, maxItems, minimum, enum ...).
class _Length(validate.Length):
    def __call__(self, value):
        if self.min is not None and len(value) < self.min:
            raise ValidationError("Must not be empty." if self.min == 1 else "Too short.")
        if self.max is not None and len(value) > self.max:
            raise ValidationError("Too long." if isinstance(value, str) else "Too many items.")
        return value


def length(high: int, low: int = 0):
    return _Length(min=low, max=high)


# No control character (a NUL among them: PostgreSQL refuses one in any text) in a text the API takes:
# ``PRINTABLE``, defined beside the blueprint (path arguments are checked with it too).


def text(high: int, low: int = 0) -> list:
    """The validators of a text field: its length, and printable characters only."""
    return [_Length(min=low, max=high), validate.Regexp(PRINTABLE, error="No control characters.")]


def in_range(low: int, high: int):
    return validate.Range(min=low, max=high, error="Out of range.")


def one_of(choices):
    return validate.OneOf(list(choices), error="Not one of the allowed values.")


class Page(Schema):
    """The query of every list: ``page`` from 1, ``per_page`` up to 500."""

    class Meta:
        unknown = RAISE

    page = fields.Integer(load_default=1, validate=in_range(1, 100_000), metadata={"description": "from 1"})
    per_page = fields.Integer(load_default=100, validate=in_range(1, 500))


def page_of(stmt, args: dict) -> dict:
    """One page of a SELECT: its rows and whether another page follows (no COUNT over millions)."""
    page, per_page = args["page"], args["per_page"]
    rows = list(db.session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)))
    return {"items": rows[:per_page], "page": page, "per_page": per_page, "has_more": len(rows) > per_page}


@cache
def paged(item: type[Schema]) -> type[Schema]:
    """The schema of a page of ``item`` (one class per item: the document names it once)."""
    return type(f"{item.__name__.removesuffix('Schema')}Page", (Schema,), {
        "items": fields.List(fields.Nested(item), required=True),
        "page": fields.Integer(required=True), "per_page": fields.Integer(required=True),
        "has_more": fields.Boolean(required=True)})


def endpoint(rule: str, method: str = "GET", *, scope: str | None, summary: str, tag: str,
             query: type[Schema] | None = None, body: type[Schema] | None = None,
             response: type[Schema] | None = None, status: int = 200, stream: tuple[str, ...] = ()):
    """Declare an API route. The view is called as ``view(token, **url_args, query=..., body=...)``
    (``query``/``body`` only when declared) and returns what ``response`` dumps; or, for a streamed
    answer (``stream``: its media types, ``response`` then the schema of one record), a Response.
    A ``status`` of 204 answers no body."""
    query_schema = query() if query else None
    body_schema = body() if body else None
    response_schema = response() if response else None

    def decorator(fn):
        @wraps(fn)
        def view(**kwargs):
            g.api_token = token = _authenticate(scope)
            if any(isinstance(v, str) and not _PRINTABLE.match(v) for v in kwargs.values()):
                abort(404)  # no code, username or slug holds a control character
            if query_schema is not None:
                kwargs["query"] = _load(query_schema, request.args.to_dict(flat=True), "query")
            if body_schema is not None:
                kwargs["body"] = _load(body_schema, _json_body(), "body")
            result = fn(token, **kwargs)
            if isinstance(result, Response):  # streamed: the view set its type and headers
                result.headers["Cache-Control"] = "no-store"
                return result
            if status == 204:
                return Response(status=204, headers={"Cache-Control": "no-store"})
            if isinstance(result, tuple):  # (payload, status)
                result, code = result
            else:
                code = status
            payload = response_schema.dump(result) if response_schema is not None else result
            return jsonify(payload), code, {"Cache-Control": "no-store"}  # people's data: no cache keeps it

        view.public = True  # to the session's eyes: the bearer token is the authentication (401 without)
        view.api_doc = Doc(rule, method, scope, summary, tag, query_schema, body_schema, response_schema, status, stream)
        limited = limiter.limit(lambda: current_app.config.get("API_RATE_LIMIT", "300 per minute"),
                                key_func=_limit_key)(view)
        # Made-up tokens each have their own allowance above: refused ones are counted per address too.
        limited = limiter.limit(lambda: current_app.config.get("API_REFUSED_LIMIT", "30 per minute"),
                                key_func=lambda: "api-refused:" + (request.remote_addr or "?"),
                                deduct_when=lambda response: response.status_code == 401)(limited)
        bp.add_url_rule(rule, fn.__name__, limited, methods=[method])
        return limited

    return decorator


def _json_body() -> Any:
    if not request.is_json:
        raise ApiError(415, _("Send the body as JSON (Content-Type: application/json)."))
    try:
        return json.loads(request.get_data(cache=False) or b"")
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: [[[[... nested deep
        raise ApiError(400, _("The body is not valid JSON."),
                       [{"field": "", "message": _("The body is not valid JSON.") + f" ({type(error).__name__})"}]) \
            from None


def _load(schema: Schema, data: Any, where: str) -> dict:
    if not isinstance(data, dict):
        raise ApiError(400, _("The request is not valid."), [{"field": "", "message": _("Not a valid object.")}])
    try:
        return schema.load(data)
    except ValidationError as error:
        errors = _flatten(error.messages)
        for e in errors:
            e["in"] = where
        raise ApiError(400, _("The request is not valid."), errors) from None


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    db.discard()
    body = {"error": error.message}
    if error.errors:
        body["errors"] = error.errors
    return jsonify(body), error.status, error.headers


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    db.discard()
    return jsonify({"error": str(error)}), error.status


def http_error(error: HTTPException):
    db.discard()
    messages = {404: _("Not found."), 405: _("This method is not allowed here."),
                413: _("The request is too large."), 429: _("Too many requests. Wait a moment and try again.")}
    return jsonify({"error": messages.get(error.code, error.name)}), error.code, \
        {"Retry-After": "60"} if error.code == 429 else {}


# By code as well as by class: Flask looks for a handler by code first, and the app's (an HTML page)
# would answer before a blueprint's handler for the class.
bp.register_error_handler(HTTPException, http_error)
for _code in (400, 403, 404, 405, 413, 429):
    bp.register_error_handler(_code, http_error)
