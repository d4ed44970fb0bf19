"""Bulk import of cadre accounts: validate every row, then write all of it or nothing.

Columns (English or Vietnamese headers, any order): username / Tên đăng nhập, full_name / Họ và tên,
unit_code / Mã đơn vị (required); position / Chức vụ, roles / Vai trò, email / Email (optional).
A column left out of the file is left untouched on existing accounts. New accounts get a random
temporary password, returned to the caller for a one-time handout, never logged.

Fast by construction: one query per batch of usernames and of unit codes, bulk INSERT/UPDATE.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from elearn import audit, db
from elearn.accounts import services
from elearn.accounts.bulk import chunks, insert_users, update_users
from elearn.accounts.import_files import ImportFileError, read_table
from elearn.accounts.models import User, UserRole
from elearn.notifications.channels import normalize_phone
from elearn.permissions import Permission, Role, loses
from elearn.text import fold, normalize_spaces
from elearn.units.models import OrgUnit

COLUMNS = {  # key -> accepted headers (compared without accents or case)
    "username": ("username", "tên đăng nhập"),
    "full_name": ("full_name", "họ và tên", "họ tên"),
    "unit_code": ("unit_code", "mã đơn vị"),
    "position": ("position", "chức vụ"),
    "roles": ("roles", "vai trò"),
    "email": ("email", "thư điện tử"),
    "phone": ("phone", "số điện thoại", "điện thoại"),
}
REQUIRED = ("username", "full_name", "unit_code")
ROLE_NAMES = {
    "admin": Role.ADMIN, "quan tri": Role.ADMIN, "quan tri vien": Role.ADMIN,
    "manager": Role.MANAGER, "quan ly": Role.MANAGER,
    "trainer": Role.TRAINER, "giang vien": Role.TRAINER,
    "cadre": Role.CADRE, "hoc vien": Role.CADRE, "can bo": Role.CADRE,
}
_HEADERS = {fold(h).replace("_", " "): key for key, names in COLUMNS.items() for h in names}


@dataclass
class RowError:
    row: int | None  # None: the file as a whole; 1: the header row
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    # (username, full_name, unit_code, temporary password) of each new account
    credentials: list[tuple[str, str, str, str]] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"created": self.created, "updated": self.updated,
                "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors]}


def import_users(data: bytes, filename: str, actor: User | None, via: str = "web") -> ImportResult:
    """Validate then apply; on any error nothing is written and every error is returned."""
    result = ImportResult()
    limit_mb = current_app.config.get("IMPORT_MAX_MB", 20)
    if len(data) > limit_mb * 1024 * 1024:
        result.errors.append(RowError(None, "", _("The file is larger than %(n)d MB.", n=limit_mb)))
        return result
    try:
        header, rows = read_table(data)
    except ImportFileError as error:
        result.errors.append(RowError(None, "", str(error)))
        return result
    return import_rows(header, rows, filename, actor, via, result)


def import_rows(header: list[str], rows, label: str, actor: User | None, via: str,
                result: ImportResult | None = None) -> ImportResult:
    """The same rules for rows that come as text cells under a header (a file's, or the API's JSON):
    every row is checked, then all of them are written or none. Row 2 is the first under the header."""
    result = result or ImportResult()
    try:
        columns = _columns(header, result.errors)
        records = _read_rows(columns, rows, result.errors) if not result.errors else []
    except ImportFileError as error:
        result.errors.append(RowError(None, "", str(error)))
        return result
    if not result.errors and not records:
        result.errors.append(RowError(None, "", _("The file has no rows of accounts under its header.")))
    if not records:
        return result
    existing = _existing_users([r["username"] for r in records])
    units = _units({r["unit_code"] for r in records if r["unit_code"]})
    _check_against_database(records, units, existing, actor, result.errors)
    if result.errors:
        result.errors.sort(key=lambda e: e.row or 0)  # stable: a row's errors keep their column order
        return result
    _apply(records, units, existing, actor, result)
    audit.record("users.import", target=label[:255], actor=actor, via=via, rows=len(records),
                 created=result.created, updated=result.updated)
    return result


def _columns(header: list[str], errors: list[RowError]) -> dict[int, str]:
    """Position in the row -> column key; unknown, repeated and missing columns are errors."""
    columns: dict[int, str] = {}
    for i, name in enumerate(header):
        if not name:
            continue
        key = _HEADERS.get(fold(name).replace("_", " "))
        if key is None:
            errors.append(RowError(1, name, _("Unknown column \"%(name)s\". Allowed columns: %(allowed)s.",
                                              name=name, allowed=", ".join(COLUMNS))))
        elif key in columns.values():
            errors.append(RowError(1, key, _("The column \"%(name)s\" appears twice.", name=name)))
        else:
            columns[i] = key
    for key in REQUIRED:
        if key not in columns.values():
            errors.append(RowError(1, key, _("The required column \"%(name)s\" is missing.", name=key)))
    return columns


def _read_rows(columns: dict[int, str], rows, errors: list[RowError]) -> list[dict]:
    max_rows = current_app.config.get("IMPORT_MAX_ROWS", 200_000)
    records, seen = [], {}
    for number, cells in enumerate(rows, start=2):
        if not any(cells):
            continue  # blank lines (often at the end of a sheet) are not rows
        if len(records) >= max_rows:
            errors.append(RowError(number, "", _("The file has more than %(n)d rows; split it into smaller "
                                                  "files.", n=max_rows)))
            break
        record = {key: cells[i] if i < len(cells) else "" for i, key in columns.items()}
        record["row"] = number
        if any(cells[i] for i in range(len(cells)) if i not in columns):
            errors.append(RowError(number, "", _("This row has values under no column header.")))
        _check_row(record, errors)
        first = seen.setdefault(record["username"], number)
        if first != number and record["username"]:
            errors.append(RowError(number, "username", _("The username %(u)s is already on row %(row)d.",
                                                          u=record["username"], row=first)))
        records.append(record)
    return records


def _check_row(r: dict, errors: list[RowError]) -> None:
    def error(column: str, message: str) -> None:
        errors.append(RowError(r["row"], column, message))

    r["username"] = services.normalize_username(r["username"])
    problem = services.username_problem(r["username"])
    if problem:
        error("username", problem)
    r["full_name"] = normalize_spaces(r["full_name"])
    if not r["full_name"]:
        error("full_name", _("The full name is required."))
    elif len(r["full_name"]) > 255:
        error("full_name", _("At most %(n)d characters.", n=255))
    if not r["unit_code"]:
        error("unit_code", _("The unit code is required."))
    if "position" in r:
        r["position"] = normalize_spaces(r["position"])
        if len(r["position"]) > 255:
            error("position", _("At most %(n)d characters.", n=255))
    if "roles" in r:
        roles = set()
        for typed in filter(None, (x.strip() for x in r["roles"].replace(";", ",").split(","))):
            name = fold(typed)
            if name in ROLE_NAMES:
                roles.add(ROLE_NAMES[name])
            elif name:
                error("roles", _("Unknown role \"%(name)s\". Roles: admin, manager, trainer, cadre "
                                 "(quản trị, quản lý, giảng viên, học viên).", name=typed))  # as typed
        r["roles"] = roles or {Role.CADRE}
    if "email" in r:
        try:
            r["email"] = services.clean_email(r["email"])
        except services.AccountError as problem:
            error("email", str(problem))
    if "phone" in r:
        raw = r["phone"].strip()
        r["phone"] = normalize_phone(raw) if raw else None
        if raw and r["phone"] is None:
            error("phone", _("Not a Vietnamese mobile number (for example 0912 345 678)."))


def _check_against_database(records, units, existing, actor, errors: list[RowError]) -> None:
    for r in records:
        unit = units.get(r["unit_code"])
        if not r["unit_code"]:
            pass  # already reported as missing
        elif unit is None:
            errors.append(RowError(r["row"], "unit_code", _("There is no unit with the code %(code)s.",
                                                             code=r["unit_code"])))
        elif not unit.active:
            errors.append(RowError(r["row"], "unit_code", _("The unit %(code)s is deactivated.",
                                                             code=r["unit_code"])))
        old = existing.get(r["username"])
        if (actor is not None and old is not None and old["id"] == actor.id and "roles" in r
                and loses(Permission.MANAGE_USERS, old["roles"], r["roles"])):
            errors.append(RowError(r["row"], "roles", _("You cannot remove the administrator role from "
                                                         "yourself.")))


def _existing_users(usernames: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    cols = (User.id, User.username, User.full_name, User.position, User.unit_id, User.email, User.phone)
    for chunk in chunks(usernames):
        for row in db.session.execute(select(*cols).where(User.username.in_(chunk))):
            found[row.username] = dict(row._mapping, roles=set())
    by_id = {u["id"]: u for u in found.values()}
    for chunk in chunks(list(by_id)):
        for user_id, role in db.session.execute(
                select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(chunk))):
            by_id[user_id]["roles"].add(Role(role))
    return found


def _units(codes: set[str]) -> dict[str, OrgUnit]:
    found: dict[str, OrgUnit] = {}
    for chunk in chunks(sorted(codes)):
        found.update((u.code, u) for u in db.session.scalars(select(OrgUnit).where(OrgUnit.code.in_(chunk))))
    return found


def _apply(records, units, existing, actor, result: ImportResult) -> None:
    new, changes = [], []
    for r in records:
        r["unit_id"] = units[r["unit_code"]].id
        old = existing.get(r["username"])
        if old is None:
            new.append(r)
            continue
        wanted = {k: r[k] for k in ("full_name", "position", "email", "phone", "unit_id") if k in r}
        diff = {k: v for k, v in wanted.items() if old[k] != v}
        roles = r["roles"] if "roles" in r and r["roles"] != old["roles"] else None
        if diff or roles is not None:
            changes.append((old, diff, roles))
    result.credentials = insert_users(new)
    update_users(changes, actor)
    result.created, result.updated = len(new), len(changes)
