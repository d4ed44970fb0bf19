"""The statistics' part of the API: a unit's summary (its subtree's figures and each child's), its
cadres a page at a time, and the whole detail streamed (NDJSON or CSV), with the dashboard's rules:
the token's user needs ``VIEW_STATS`` (the stream: ``EXPORT_STATS`` too) and sees only their subtree."""
from __future__ import annotations

import json
from datetime import date

from flask import Response, abort, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from sqlalchemy import select

from courses.certificates.codes import grouped
from courses.models import Course
from elearn import db
from elearn.api.blueprint import ApiError, Page, endpoint, in_range, one_of, paged, text
from elearn.api.services import token_scope
from elearn.exports import csv_response
from elearn.pagination import INT_MAX
from elearn.permissions import Permission
from elearn.units.models import OrgUnit
from reports import detail, export, queries, rollup, rules
from reports.filters import ReportForbidden, resolve


class FiguresSchema(Schema):
    enrolled = fields.Integer(required=True)
    started = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    certificates = fields.Integer(required=True)
    completion_rate = fields.Float(allow_none=True, metadata={"description": "percent"})
    average_score = fields.Float(allow_none=True, metadata={"description": "percent"})


class UnitFiguresSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    total = fields.Nested(FiguresSchema, required=True, metadata={"description": "the unit and every unit below"})
    own = fields.Nested(FiguresSchema, required=True, metadata={"description": "the unit's own cadres"})


class SummarySchema(UnitFiguresSchema):
    courses = fields.List(fields.String(), required=True, metadata={"description": "the courses counted (slugs)"})
    date_from = fields.Date(allow_none=True)
    date_to = fields.Date(allow_none=True)
    as_of = fields.DateTime(allow_none=True, metadata={"description": "when the rollup was computed"})
    children = fields.List(fields.Nested(UnitFiguresSchema), required=True)


class SummaryQuery(Schema):
    course = fields.String(validate=text(120, 1), metadata={"description": "one course slug (default: every "
                                                                             "course assigned in the unit's reach)"})
    date_from = fields.Date(data_key="from", metadata={"description": "enrolled on or after (yyyy-mm-dd)"})
    date_to = fields.Date(data_key="to", metadata={"description": "enrolled on or before (yyyy-mm-dd)"})


def _figures(counts) -> dict:
    return {"enrolled": counts.enrolled, "started": counts.started, "completed": counts.completed,
            "overdue": counts.overdue, "certificates": counts.certificates,
            "completion_rate": None if counts.rate is None else round(counts.rate, 2),
            "average_score": None if counts.avg_score is None else round(counts.avg_score, 2)}


def _filter(token, code: str, query: dict):
    """The dashboard's filter for ``code`` as the token's user sees it; 404 outside their reach."""
    scope = token_scope(token, Permission.VIEW_STATS)
    if scope is None:
        raise ApiError(403, _("The token's user may not see statistics."))
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None or not unit.path.startswith(scope):
        abort(404)
    if "course" in query and db.session.scalar(select(Course.id).where(Course.slug == query["course"])) is None:
        abort(404)
    try:
        return unit, resolve(token.user, unit.code, query.get("course"), query.get("date_from"), query.get("date_to"),
                             query.get("programme"))
    except ReportForbidden:
        abort(404)


@endpoint("/stats/units/<code>/summary", scope="stats:read", tag="statistics", query=SummaryQuery,
          response=SummarySchema, summary=_l("A unit's completion figures, and each of its children's"))
def unit_summary(token, code: str, query):
    unit, f = _filter(token, code, query)
    as_of = rollup.ensure_fresh(f.course_ids) if f.start is None and f.end is None else None
    units = queries.subtree_units(f)
    figures = queries.roll_up(units, queries.counts_by_unit(f))
    mine = figures[f.unit.id]
    slugs = list(db.session.scalars(select(Course.slug).where(Course.id.in_(f.course_ids)))) if f.course_ids else []
    return {"code": unit.code, "name": unit.name, "total": _figures(mine.total), "own": _figures(mine.own),
            "courses": sorted(slugs), "date_from": f.date_from, "date_to": f.date_to, "as_of": as_of,
            "children": [{"code": c.unit.code, "name": c.unit.name, "total": _figures(c.total), "own": _figures(c.own)}
                         for u in units if u.parent_id == unit.id for c in [figures[u.id]]]}


class CadreRowSchema(Schema):
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    position = fields.String(required=True)
    course = fields.String(required=True, metadata={"description": "the course's slug"})
    enrolled_on = fields.Date(required=True)
    due_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    progress = fields.Float(allow_none=True, metadata={"description": "percent of the required items done"})
    best_score = fields.Float(allow_none=True, metadata={"description": "best quiz score, percent"})
    passed = fields.Boolean(allow_none=True, metadata={"description": "every quiz passed; null: no quiz"})
    certificate_code = fields.String(allow_none=True)


class CadresQuery(SummaryQuery, Page):
    behind = fields.Boolean(load_default=False, metadata={"description": "only those not yet done"})


@endpoint("/stats/units/<code>/cadres", scope="stats:read", tag="statistics", query=CadresQuery,
          response=paged(CadreRowSchema), summary=_l("The cadres directly in a unit, course by course, a page at a time"))
def unit_cadres(token, code: str, query):
    unit, f = _filter(token, code, query)
    page, per_page = query["page"], query["per_page"]
    rows = detail.unit_detail(f, f.unit, rules.course_items(f.course_ids), behind=query["behind"],
                               limit=per_page + 1, offset=(page - 1) * per_page) if f.course_ids else []
    slugs = dict(db.session.execute(select(Course.id, Course.slug).where(Course.id.in_({r.course_id for r in rows}))
                                    ).all()) if rows else {}
    items = [{"username": r.username, "full_name": r.full_name, "position": r.position or "",
              "course": slugs.get(r.course_id, ""), "enrolled_on": _day(r.enrolled_on), "due_on": _day(r.due_on),
              "completed_on": _day(r.completed_on),
              "progress": None if r.progress is None else round(r.progress, 2),
              "best_score": None if r.best_score is None else round(r.best_score, 2), "passed": r.passed,
              "certificate_code": grouped(r.certificate_code) if r.certificate_code else None}
             for r in rows[:per_page]]
    return {"items": items, "page": page, "per_page": per_page, "has_more": len(rows) > per_page}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# --- the detail, streamed ------------------------------------------------------------------------

class DetailRecordSchema(CadreRowSchema):
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)


class DetailQuery(SummaryQuery):
    programme = fields.Integer(validate=in_range(1, INT_MAX), metadata={"description": "a programme's id: its courses"})
    format = fields.String(load_default="ndjson", validate=one_of(("ndjson", "csv")),
                           metadata={"description": "ndjson: one JSON record a line; csv: the page's CSV export"})


@endpoint("/stats/units/<code>/detail", scope="stats:read", tag="statistics", query=DetailQuery,
          response=DetailRecordSchema, stream=("application/x-ndjson", "text/csv"),
          summary=_l("Every cadre of a unit's subtree, course by course, streamed (the detail export)"))
def unit_detail_export(token, code: str, query):
    if token_scope(token, Permission.EXPORT_STATS) is None:
        raise ApiError(403, _("The token's user may not export statistics."))
    _unit, f = _filter(token, code, query)
    fmt = query["format"]
    count = detail.count_detail_rows(f)
    export.record(f, "detail", fmt, count, via="api")
    db.write_now()  # recorded before the first byte leaves; the stream holds no write lock
    if fmt == "csv":
        columns, rows, _count = export.table(f, "detail", "csv", count=False)
        return csv_response(export.filename(f, "detail", "csv"), columns, rows)
    slugs = dict(db.session.execute(select(Course.id, Course.slug).where(Course.id.in_(f.course_ids))).all()) \
        if f.course_ids else {}

    def lines():
        for r in detail.detail_rows(f):
            record = {"unit_code": r.unit.code, "unit_name": r.unit.name, "username": r.username,
                      "full_name": r.full_name, "position": r.position or "", "course": slugs.get(r.course_id, ""),
                      "enrolled_on": r.enrolled_on, "due_on": r.due_on, "completed_on": r.completed_on,
                      "progress": None if r.progress is None else round(r.progress, 2),
                      "best_score": None if r.best_score is None else round(r.best_score, 2), "passed": r.passed,
                      "certificate_code": grouped(r.certificate_code) if r.certificate_code else None}
            yield json.dumps(record, ensure_ascii=False) + "\n"

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson",
                    headers={"Content-Disposition": f'attachment; filename="{export.filename(f, "detail", "csv")[:-4]}.ndjson"'})
