"""The core's resources: units and accounts (read, and bulk upsert with the CSV import's rules)."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, fields
from sqlalchemy import select

from elearn import db
from elearn.accounts import handouts
from elearn.accounts.importing import COLUMNS, import_rows
from elearn.accounts.models import User, users_in_subtree
from elearn.api.blueprint import ApiError, Page, endpoint, length, one_of, page_of, paged, text
from elearn.api.services import token_scope
from elearn.permissions import Permission, Role
from elearn.units.models import OrgUnit, subtree_of


class UnitSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.Function(lambda u: u.level.value, required=True,
                            metadata={"type": "string", "enum": ["province", "district", "commune", "cell"]})
    parent_code = fields.Function(lambda u: u.parent.code if u.parent is not None else None, allow_none=True,
                                  metadata={"type": ["string", "null"]})
    path = fields.String(required=True)
    active = fields.Boolean(required=True)


class UnitQuery(Page):
    parent = fields.String(validate=text(32, 1), metadata={"description": "only the children of this unit code"})


def _unit_scope(token) -> str | None:
    """Units a token may list: where its user manages units, accounts or statistics; else their own unit."""
    for permission in (Permission.MANAGE_UNITS, Permission.MANAGE_USERS, Permission.VIEW_STATS):
        path = token_scope(token, permission)
        if path is not None:
            return path
    own = token.user.unit
    return None if own is None else (own.path if token.unit is None or own.path.startswith(token.unit.path) else None)


def _unit_or_404(token, code: str) -> OrgUnit:
    scope = _unit_scope(token)
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if scope is None or unit is None or not unit.path.startswith(scope):
        abort(404)
    return unit


@endpoint("/units", scope="units:read", summary=_l("List the units the token reaches (tree order)"), tag="units",
          query=UnitQuery, response=paged(UnitSchema))
def units_list(token, query):
    scope = _unit_scope(token)
    if scope is None:
        return {"items": [], "page": query["page"], "per_page": query["per_page"], "has_more": False}
    stmt = select(OrgUnit).where(subtree_of(scope))
    if "parent" in query:
        parent = _unit_or_404(token, query["parent"])
        stmt = stmt.where(OrgUnit.parent_id == parent.id)
    return page_of(stmt.order_by(OrgUnit.path), query)


@endpoint("/units/<code>", scope="units:read", summary=_l("One unit"), tag="units", response=UnitSchema)
def unit_get(token, code: str):
    return _unit_or_404(token, code)


# --- accounts --------------------------------------------------------------------------------

ROLE_VALUES = [r.value for r in Role]


class AccountSchema(Schema):
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    position = fields.String(required=True)
    unit_code = fields.Function(lambda u: u.unit.code if u.unit is not None else None, allow_none=True,
                                metadata={"type": ["string", "null"]})
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    roles = fields.Function(lambda u: sorted(r.value for r in u.roles),
                            metadata={"type": "array", "items": {"type": "string", "enum": ROLE_VALUES}})
    active = fields.Boolean(required=True)


class AccountQuery(Page):
    unit = fields.String(validate=text(32, 1), metadata={"description": "the unit code: its whole subtree"})


def _account_scope(token, permission: Permission = Permission.MANAGE_USERS) -> str:
    scope = token_scope(token, permission)
    if scope is None:
        raise ApiError(403, _("The token's user may not manage accounts."))
    return scope


@endpoint("/accounts", scope="accounts:read", summary=_l("List the accounts of a unit subtree"), tag="accounts",
          query=AccountQuery, response=paged(AccountSchema))
def accounts_list(token, query):
    scope = _account_scope(token)
    if "unit" in query:
        unit = _unit_or_404(token, query["unit"])
        scope = unit.path if unit.path.startswith(scope) else abort(404)
    return page_of(users_in_subtree(scope).order_by(User.username), query)


@endpoint("/accounts/<username>", scope="accounts:read", summary=_l("One account"), tag="accounts",
          response=AccountSchema)
def account_get(token, username: str):
    scope = _account_scope(token)
    user = db.session.scalar(users_in_subtree(scope).where(User.username == username.strip().lower()))
    if user is None:
        abort(404)
    return user


class AccountInSchema(Schema):
    class Meta:
        unknown = RAISE

    username = fields.String(required=True, validate=text(64, 1))
    full_name = fields.String(required=True, validate=text(255, 1))
    unit_code = fields.String(required=True, validate=text(32, 1))
    position = fields.String(validate=text(255))
    roles = fields.List(fields.String(validate=one_of(ROLE_VALUES)), validate=length(4, 1))
    email = fields.String(allow_none=True, validate=text(255))
    phone = fields.String(allow_none=True, validate=text(32), metadata={
        "description": "a Vietnamese mobile number (0912 345 678 or 84912345678); reminders by text go to it"})


class BulkAccountsSchema(Schema):
    class Meta:
        unknown = RAISE

    accounts = fields.List(fields.Nested(AccountInSchema), required=True, validate=length(5000, 1),
                           metadata={"description": "at most 5000 a request; all are written or none"})


class BulkResultSchema(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    handout = fields.Boolean(required=True, metadata={
        "description": "new accounts' temporary passwords wait, once, on the token user's import page"})


OPTIONAL = ("position", "roles", "email", "phone")


@endpoint("/accounts/bulk", "POST", scope="accounts:write", tag="accounts", body=BulkAccountsSchema,
          response=BulkResultSchema,
          summary=_l("Create or update accounts, all or nothing (the rules of the CSV import)"))
def accounts_bulk(token, body):
    scope = _account_scope(token)
    accounts = body["accounts"]
    header = ["username", "full_name", "unit_code", *[k for k in OPTIONAL if k in accounts[0]]]
    errors = []
    for i, account in enumerate(accounts):
        if any((k in account) != (k in header) for k in OPTIONAL):
            errors.append({"in": "body", "field": f"accounts[{i}]", "message": _(
                "Every account must give the same optional fields (%(fields)s) as the first.",
                fields=", ".join(header[3:]) or "-")})
    errors += _outside_scope(accounts, scope)
    if errors:
        raise ApiError(400, _("The request is not valid."), errors)
    rows = [[_cell(account.get(k)) for k in header] for account in accounts]
    result = import_rows(header, iter(rows), f"API: {token.name}", token.user, via="api")
    if result.errors:
        raise ApiError(400, _("Nothing was written: correct these accounts and send them again."), [
            {"in": "body", "field": f"accounts[{e.row - 2}].{e.column}" if e.row and e.row >= 2 and e.column
             else (f"accounts[{e.row - 2}]" if e.row and e.row >= 2 else "accounts"), "message": e.message}
            for e in result.errors])
    if result.credentials:
        handouts.create(token.user, f"API: {token.name}", result.credentials)
    return {"created": result.created, "updated": result.updated, "handout": bool(result.credentials)}


def _cell(value) -> str:
    if value is None:
        return ""
    return ", ".join(value) if isinstance(value, list) else str(value)


def _outside_scope(accounts: list[dict], scope: str) -> list[dict]:
    """Rows naming a unit, or an existing account, outside the token's reach: refused, and the
    whole request with them."""
    if scope == "/":
        return []
    codes = {a["unit_code"].strip() for a in accounts}
    inside = set(db.session.scalars(select(OrgUnit.code).where(OrgUnit.code.in_(codes), subtree_of(scope))))
    names = {a["username"].strip().lower() for a in accounts}
    existing = dict(db.session.execute(select(User.username, OrgUnit.path).join(OrgUnit, OrgUnit.id == User.unit_id,
                                                                               isouter=True)
                                       .where(User.username.in_(names))).all())
    errors = []
    for i, account in enumerate(accounts):
        if account["unit_code"].strip() not in inside:
            errors.append({"in": "body", "field": f"accounts[{i}].unit_code",
                           "message": _("The unit %(code)s is outside the token's units.", code=account["unit_code"])})
        path = existing.get(account["username"].strip().lower(), scope)
        if path is None or not path.startswith(scope):
            errors.append({"in": "body", "field": f"accounts[{i}].username",
                           "message": _("This account belongs to a unit outside the token's units.")})
    return errors


assert set(OPTIONAL) | {"username", "full_name", "unit_code"} == set(COLUMNS)
