"""The contests' part of the API: a round's published results (what the public results page shows)."""
from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from sqlalchemy import select

from elearn import db
from elearn.api.blueprint import Page, endpoint, page_of, paged
from quizzes.contests import services
from quizzes.contests.models import Contest, ContestPrize, ContestRound, ContestStatus


class ContestSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organiser_name = fields.String(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    rounds = fields.Function(lambda c: [{"id": r.id, "number": r.number, "title": r.title,
                                         "opens_at": r.opens_at.isoformat(), "closes_at": r.closes_at.isoformat(),
                                         "results_published": r.published_at is not None} for r in c.rounds],
                             required=True, metadata={"type": "array", "items": {"type": "object"}})


class PrizeSchema(Schema):
    rank = fields.Integer(required=True)
    prize = fields.Function(lambda p: p.prize.value, required=True,
                            metadata={"type": "string", "enum": ["first", "second", "third", "consolation"]})
    full_name = fields.String(required=True)
    unit_label = fields.String(required=True)
    correct = fields.Integer(required=True)
    prediction = fields.Integer(required=True)
    duration_ms = fields.Integer(required=True)


class RoundResultsSchema(Schema):
    contest = fields.String(required=True)
    round = fields.Integer(required=True)
    title = fields.String(required=True)
    published_at = fields.DateTime(required=True)
    actual_value = fields.Integer(allow_none=True, metadata={"description": "the answer to the prediction question"})
    entries = fields.Integer(allow_none=True)
    entrants = fields.Integer(allow_none=True)
    prizes = fields.List(fields.Nested(PrizeSchema), required=True)


@endpoint("/contests", scope="contests:read", tag="contests", query=Page, response=paged(ContestSchema),
          summary=_l("The published contests, newest first"))
def contests_list(token, query):
    return page_of(select(Contest).where(Contest.status == ContestStatus.PUBLISHED)
                   .order_by(Contest.starts_at.desc(), Contest.id.desc()), query)


@endpoint("/contests/<int:contest_id>/rounds/<int:round_id>/results", scope="contests:read", tag="contests",
          response=RoundResultsSchema, summary=_l("A closed round's published results and prize list"))
def round_results(token, contest_id: int, round_id: int):
    contest = db.session.get(Contest, contest_id)
    r = db.session.get(ContestRound, round_id)
    if (contest is None or contest.status != ContestStatus.PUBLISHED or r is None or r.contest_id != contest.id
            or r.published_at is None or services.round_state(r) != "closed"):
        abort(404)  # as the public page: nothing before the organiser publishes a closed round
    prizes = db.session.scalars(select(ContestPrize).where(ContestPrize.round_id == r.id).order_by(ContestPrize.rank))
    return {"contest": contest.title, "round": r.number, "title": r.title, "published_at": r.published_at,
            "actual_value": r.actual_value, "entries": r.entry_total, "entrants": r.entrant_total,
            "prizes": list(prizes)}
