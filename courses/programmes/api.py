"""The programmes' part of the API: assign a programme to a unit subtree and withdraw the
assignment, with the programme assignment page's rules (``courses.api.assignable_unit``; the
token's user may edit the programme)."""
from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from sqlalchemy import select

from courses.api import AssignBody, assignable_unit
from courses.forms import local_day_end
from courses.programmes import services
from courses.programmes.models import Programme, ProgrammeAssignment
from elearn import db
from elearn.api.blueprint import endpoint


class ProgrammeAssignedSchema(Schema):
    programme = fields.Integer(required=True, metadata={"description": "the programme's id"})
    title = fields.String(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    enrolled = fields.Integer(required=True, metadata={"description": "cadres newly put on it by this request"})


def _editable(token, programme_id: int) -> Programme:
    try:
        return services.get_programme_for_edit(programme_id, token.user)
    except services.ProgrammeNotFound:
        abort(404)


@endpoint("/programmes/<int:programme_id>/assignments", "POST", scope="assignments:write", tag="programmes",
          body=AssignBody, response=ProgrammeAssignedSchema, status=201,
          summary=_l("Assign a programme (and its courses) to a unit subtree, as the programme's assignment page does"))
def programme_assign(token, programme_id: int, body):
    programme = _editable(token, programme_id)
    unit = assignable_unit(token, body["unit"])
    title = programme.title
    assignment, added = services.assign(programme, unit, local_day_end(body["due_on"]), token.user)
    return {"programme": programme_id, "title": title, "unit_code": unit.code, "unit_name": unit.name,
            "due_at": assignment.due_at, "created_at": assignment.created_at, "enrolled": added}


@endpoint("/programmes/<int:programme_id>/assignments/<unit>", "DELETE", scope="assignments:write",
          tag="programmes", status=204,
          summary=_l("Withdraw a programme's assignment to a unit: its cadres stay on it with their work"))
def programme_unassign(token, programme_id: int, unit: str):
    programme = _editable(token, programme_id)
    target = assignable_unit(token, unit)
    assignment = db.session.scalar(select(ProgrammeAssignment).where(
        ProgrammeAssignment.programme_id == programme.id, ProgrammeAssignment.unit_id == target.id))
    if assignment is None:
        abort(404)
    services.unassign(assignment, token.user)
