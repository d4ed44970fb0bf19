"""The courses' part of the API: the published catalog, assignments (read, and write), enrolments with progress, certificates."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, fields
from sqlalchemy import and_, func, select

from courses import enrolment, queries, services
from courses.certificates import codes
from courses.certificates.models import Certificate
from courses.forms import local_day_end
from courses.models import Assignment, Course, CourseStatus, Enrollment, Item, Progress
from elearn import db
from elearn.accounts.models import User
from elearn.api.blueprint import ApiError, Page, endpoint, in_range, page_of, paged, text
from elearn.api.services import narrow, token_scope
from elearn.permissions import Permission
from elearn.units.models import OrgUnit, subtree_of


class CourseSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    theme = fields.String(required=True)
    year = fields.Integer(allow_none=True)
    summary = fields.String(required=True)


class ItemSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["lesson", "quiz", "package"]})
    required = fields.Boolean(required=True)


class ModuleSchema(Schema):
    title = fields.String(required=True)
    items = fields.List(fields.Nested(ItemSchema), required=True)


class CourseDetailSchema(CourseSchema):
    modules = fields.List(fields.Nested(ModuleSchema), required=True)


class CourseQuery(Page):
    year = fields.Integer(validate=in_range(1900, 2200))


def _published(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug, Course.status == CourseStatus.PUBLISHED))
    return course if course is not None else abort(404)


@endpoint("/courses", scope="courses:read", summary=_l("List the published courses"), tag="courses",
          query=CourseQuery, response=paged(CourseSchema))
def courses_list(token, query):
    stmt = select(Course).where(Course.status == CourseStatus.PUBLISHED)
    if "year" in query:
        stmt = stmt.where(Course.year == query["year"])
    return page_of(stmt.order_by(Course.year.desc(), Course.slug), query)


@endpoint("/courses/<slug>", scope="courses:read", summary=_l("One published course with its modules and items"),
          tag="courses", response=CourseDetailSchema)
def course_get(token, slug: str):
    course = _published(slug)
    modules = [{"title": m.title, "items": [{"id": i.id, "title": i.title, "kind": i.kind.value,
                                             "required": i.required} for i in items]}
               for m, items in queries.structure(course.id)]
    return {"slug": course.slug, "title": course.title, "theme": course.theme, "year": course.year,
            "summary": course.summary, "modules": modules}


# --- assignments ---------------------------------------------------------------------------

class AssignmentSchema(Schema):
    course = fields.Function(lambda a: a.course.slug, required=True, metadata={"type": "string"})
    unit_code = fields.Function(lambda a: a.unit.code, required=True, metadata={"type": "string"})
    unit_name = fields.Function(lambda a: a.unit.name, required=True, metadata={"type": "string"})
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)


@endpoint("/courses/<slug>/assignments", scope="courses:read", tag="courses", query=Page,
          response=paged(AssignmentSchema), summary=_l("A published course's assignments to the units the token reaches"))
def course_assignments(token, slug: str, query):
    course = _published(slug)
    scope = next((path for path in (token_scope(token, p) for p in (Permission.ASSIGN_COURSES, Permission.VIEW_STATS))
                  if path is not None), None)
    stmt = select(Assignment).join(OrgUnit, OrgUnit.id == Assignment.unit_id).where(Assignment.course_id == course.id)
    if scope is None:  # a cadre: the assignments that reach their own unit (to it or to a unit above it)
        own = token.user.unit
        ancestors = [int(i) for i in own.path.strip("/").split("/") if i] if own is not None else []
        stmt = stmt.where(Assignment.unit_id.in_(ancestors))
    elif scope != "/":
        stmt = stmt.where(subtree_of(scope))
    return page_of(stmt.order_by(OrgUnit.path, Assignment.id), query)


# --- enrolments ------------------------------------------------------------------------------

class EnrolmentSchema(Schema):
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    unit_code = fields.String(allow_none=True)
    course = fields.String(required=True, metadata={"description": "the course's slug"})
    enrolled_at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    required_items = fields.Integer(required=True)
    required_done = fields.Integer(required=True)


class EnrolmentQuery(Page):
    unit = fields.String(validate=text(32, 1), metadata={"description": "a unit code: its whole subtree"})
    course = fields.String(validate=text(120, 1), metadata={"description": "a course slug"})


def _enrolment_rows(stmt, query) -> dict:
    """A page of (Enrollment, User, Course, unit code) with each one's required items done."""
    page, per_page = query["page"], query["per_page"]
    rows = db.session.execute(stmt.order_by(Enrollment.id).limit(per_page + 1).offset((page - 1) * per_page)).all()
    more, rows = len(rows) > per_page, rows[:per_page]
    keys = {(e.user_id, e.course_id) for e, *_ in rows}
    done: dict[tuple[int, int], tuple[int, int]] = {}
    if keys:
        course_ids = {c for _, c in keys}
        required = dict(db.session.execute(select(Item.course_id, func.count(Item.id)).where(
            Item.course_id.in_(course_ids), Item.required.is_(True)).group_by(Item.course_id)).all())
        finished = db.session.execute(
            select(Progress.user_id, Progress.course_id, func.count(Progress.id))
            .join(Item, and_(Item.id == Progress.item_id, Item.required.is_(True)))
            .where(Progress.course_id.in_(course_ids), Progress.user_id.in_({u for u, _ in keys}),
                   Progress.completed_at.is_not(None)).group_by(Progress.user_id, Progress.course_id)).all()
        counted = {(u, c): n for u, c, n in finished}
        done = {k: (required.get(k[1], 0), counted.get(k, 0)) for k in keys}
    items = [{"username": u.username, "full_name": u.full_name, "unit_code": code, "course": c.slug,
              "enrolled_at": e.enrolled_at, "due_at": e.due_at, "completed_at": e.completed_at,
              "required_items": done[(e.user_id, e.course_id)][0], "required_done": done[(e.user_id, e.course_id)][1]}
             for e, u, c, code in rows]
    return {"items": items, "page": page, "per_page": per_page, "has_more": more}


def _enrolments():
    return (select(Enrollment, User, Course, OrgUnit.code).join(User, User.id == Enrollment.user_id)
            .join(Course, Course.id == Enrollment.course_id).join(OrgUnit, OrgUnit.id == User.unit_id, isouter=True)
            .where(Enrollment.unenrolled_at.is_(None)))


@endpoint("/me/enrolments", scope="enrolments:read", summary=_l("The token user's own enrolments and progress"),
          tag="enrolments", query=Page, response=paged(EnrolmentSchema))
def my_enrolments(token, query):
    return _enrolment_rows(_enrolments().where(Enrollment.user_id == token.user_id), query)


@endpoint("/enrolments", scope="enrolments:read", tag="enrolments", query=EnrolmentQuery,
          response=paged(EnrolmentSchema), summary=_l("Enrolments and progress of the cadres of a unit subtree"))
def enrolments_list(token, query):
    scope = token_scope(token, Permission.VIEW_STATS)
    if scope is None:
        raise ApiError(403, _("The token's user may not see other cadres' progress."))
    stmt = _enrolments()
    if "unit" in query:
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == query["unit"]))
        if unit is None or not unit.path.startswith(scope):
            abort(404)
        scope = unit.path
    if scope != "/":
        stmt = stmt.where(subtree_of(scope))
    if "course" in query:
        stmt = stmt.where(Course.slug == query["course"])
    return _enrolment_rows(stmt, query)


# --- certificates ----------------------------------------------------------------------------

class CertificateSchema(Schema):
    code = fields.Function(lambda c: codes.grouped(c.code), required=True, metadata={"type": "string"})
    # "replaced": renewed, a newer certificate of the same course is the one in force.
    status = fields.Function(lambda c: "revoked" if c.revoked_at else "replaced" if c.replaced_at else "valid",
                             required=True, metadata={"type": "string", "enum": ["valid", "revoked", "replaced"]})
    full_name = fields.String(required=True)
    unit_name = fields.String(required=True)
    course_title = fields.String(required=True)
    completed_at = fields.DateTime(required=True)
    issued_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True)


class CertificateQuery(Page):
    unit = fields.String(validate=text(32, 1))
    course = fields.String(validate=text(120, 1))


@endpoint("/certificates/<code>", scope="certificates:read", tag="certificates", response=CertificateSchema,
          summary=_l("Verify a certificate by its code (what the public verification page says)"))
def certificate_verify(token, code: str):
    cert = db.session.scalar(select(Certificate).where(Certificate.code == codes.normalize(code)))
    return cert if cert is not None else abort(404)


@endpoint("/certificates", scope="certificates:read", tag="certificates", query=CertificateQuery,
          response=paged(CertificateSchema), summary=_l("The certificates the token reaches, newest first"))
def certificates_list(token, query):
    scope = token_scope(token, Permission.VIEW_CERTIFICATES)
    stmt = select(Certificate)
    if scope is None:
        stmt = stmt.where(Certificate.user_id == token.user_id)
    if "unit" in query:
        unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == query["unit"]))
        if unit is None or scope is None or not unit.path.startswith(scope):
            abort(404)
        scope = unit.path
    if scope is not None and scope != "/":
        stmt = stmt.join(User, User.id == Certificate.user_id).join(OrgUnit, OrgUnit.id == User.unit_id) \
            .where(subtree_of(scope))
    if "course" in query:
        stmt = stmt.join(Course, Course.id == Certificate.course_id).where(Course.slug == query["course"])
    return page_of(stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc()), query)


# --- assignments: write ----------------------------------------------------------------------
# The assignment pages' rules: the token's user holds ASSIGN_COURSES (which reaches every unit, as
# on the page) and may edit the course (or programme); a service token narrowed to a unit assigns
# within its subtree only. The unit must be active; a course must be published.

class AssignBody(Schema):
    class Meta:
        unknown = RAISE

    unit = fields.String(required=True, validate=text(32, 1),
                         metadata={"description": "the unit's code: it and every unit below it"})
    # Any day, as the services take it: an integration may record assignments made earlier (the pages,
    # where a person types the day, refuse one already gone).
    due_on = fields.Date(load_default=None, allow_none=True,
                         metadata={"description": "the last day (yyyy-mm-dd, Vietnam time); null: no due date"})


class CourseAssignedSchema(Schema):
    course = fields.String(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    enrolled = fields.Integer(required=True, metadata={"description": "cadres newly enrolled by this request"})


def assignable_unit(token, code: str) -> OrgUnit:
    """The unit ``code`` if the token may assign to it: 403 without the right, 404 outside its reach."""
    scope = narrow("/" if token.user.can(Permission.ASSIGN_COURSES) else None, token)
    if scope is None:
        raise ApiError(403, _("The token's user may not assign courses."))
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None or not unit.path.startswith(scope):
        abort(404)
    if not unit.active:
        raise ApiError(400, _("Choose an active unit."), [{"field": "unit", "in": "body",
                                                           "message": _("Choose an active unit.")}])
    return unit


def _editable_course(token, slug: str):
    try:
        return services.get_course_for_edit(slug, token.user)
    except services.CourseNotFound:
        abort(404)


@endpoint("/courses/<slug>/assignments", "POST", scope="assignments:write", tag="courses", body=AssignBody,
          response=CourseAssignedSchema, status=201,
          summary=_l("Assign a course to a unit subtree (again: a new due date), as the assignment page does"))
def course_assign(token, slug: str, body):
    course = _editable_course(token, slug)
    unit = assignable_unit(token, body["unit"])
    assignment, added = enrolment.assign(course, unit, local_day_end(body["due_on"]), token.user)
    return {"course": course.slug, "unit_code": unit.code, "unit_name": unit.name, "due_at": assignment.due_at,
            "created_at": assignment.created_at, "enrolled": added}


@endpoint("/courses/<slug>/assignments/<unit>", "DELETE", scope="assignments:write", tag="courses", status=204,
          summary=_l("Withdraw a course's assignment to a unit: its cadres keep the course and their work"))
def course_unassign(token, slug: str, unit: str):
    course = _editable_course(token, slug)
    target = assignable_unit(token, unit)
    assignment = db.session.scalar(select(Assignment).where(Assignment.course_id == course.id,
                                                            Assignment.unit_id == target.id))
    if assignment is None:
        abort(404)
    enrolment.unassign(assignment, token.user)
