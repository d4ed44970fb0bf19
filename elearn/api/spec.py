"""The OpenAPI 3.1 document, generated from the routes' declarations (``@endpoint``) with apispec and
its marshmallow plugin, and a plain docs page rendered from the same document (no script needed)."""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify, render_template, url_for
from flask_babel import force_locale
from marshmallow import Schema, fields

from elearn.api import services
from elearn.api.blueprint import PRINTABLE, bp
from elearn.pagination import INT_MAX
from elearn.permissions import public


class ErrorDetailSchema(Schema):
    field = fields.String(metadata={"description": "where: accounts[0].username"})
    message = fields.String()
    # "in" is a Python keyword: declared under another name, shown as "in".
    where = fields.String(data_key="in", metadata={"enum": ["query", "body"]})


class ErrorSchema(Schema):
    error = fields.String(required=True)
    errors = fields.List(fields.Nested(ErrorDetailSchema))


ERRORS = {400: "The request is not valid (each error names its field).", 401: "No valid token.",
          403: "The token lacks the scope, or its user the right.", 404: "Not found, or outside the token's units.",
          415: "The body is not JSON.", 429: "Too many requests."}


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def build_spec(app) -> dict:
    spec = APISpec(title="elearn API", version="1", openapi_version="3.1.0", plugins=[MarshmallowPlugin()],
                   info={"description": "The training platform's data for the province's other systems. "
                                        "Authenticate with a token: `Authorization: Bearer elt_...`."},
                   servers=[{"url": "/api/v1"}])
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        doc = getattr(app.view_functions[rule.endpoint], "api_doc", None)
        if doc is None:
            continue
        operation: dict = {"summary": str(doc.summary), "tags": [doc.tag], "operationId": rule.endpoint.split(".")[-1],
                           "security": [{"token": []}], "parameters": []}
        if doc.scope:
            operation["description"] = f"Scope: `{doc.scope}`."
        for arg in rule.arguments:
            kind = "integer" if type(rule._converters[arg]).__name__ in ("IdConverter", "IntegerConverter") else "string"
            schema = {"type": kind, "minimum": 1, "maximum": INT_MAX} if kind == "integer" else {
                "type": "string", "minLength": 1, "maxLength": 100, "pattern": PRINTABLE}
            operation["parameters"].append({"in": "path", "name": arg, "required": True, "schema": schema})
        if doc.query is not None:
            operation["parameters"].append({"in": "query", "schema": doc.query})
        if doc.body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": doc.body}}}
        if doc.stream:  # a streamed file: one record a line (NDJSON) or CSV; the record's schema is named
            record = type(doc.response).__name__.removesuffix("Schema")
            if record not in spec.components.schemas:
                spec.components.schema(record, schema=doc.response)
            responses = {str(doc.status): {
                "description": f"OK, streamed: each line one `{record}` (NDJSON), or the same columns as CSV",
                "content": {media: {"schema": {"type": "string"}} for media in doc.stream}}}
        else:
            responses = {str(doc.status): {"description": "OK",
                                           "content": {"application/json": {"schema": doc.response}}}
                         if doc.response is not None else {"description": "OK"}}
        for code, text in ERRORS.items():
            if code == 415 and doc.body is None:
                continue
            responses[str(code)] = {"description": text, "content": {"application/json": {"schema": "Error"}}}
        operation["responses"] = responses
        spec.path(path=_path(rule.rule.removeprefix(bp.url_prefix)), operations={doc.method.lower(): operation})
    return spec.to_dict()


def document() -> dict:
    """The document, in English whatever the asker's language (built once per app)."""
    cached = current_app.extensions.get("elearn.openapi")
    if cached is None:
        with force_locale("en"):
            cached = current_app.extensions["elearn.openapi"] = build_spec(current_app)
    return cached


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(document())


@bp.get("/docs")
@public
def docs():
    """The operations in the reader's language, from the same declarations as the document."""
    operations = []
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        doc = getattr(current_app.view_functions[rule.endpoint], "api_doc", None)
        if doc is not None:
            operations.append((doc.method, _path(rule.rule), str(doc.summary), doc.scope))
    return render_template("api/docs.html", operations=operations, scopes=services.SCOPES,
                           spec_url=url_for("api.openapi"))
