"""Set-based writes of many accounts at once, for imports: a few statements, not one per row."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import and_, bindparam, insert, select, update

from elearn import audit, db
from elearn.accounts import services
from elearn.accounts.models import User, UserRole
from elearn.db import utcnow
from elearn.permissions import Role

BATCH = 2000  # rows or parameters per statement, well under SQLite's and PostgreSQL's limits


def chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _hash_all(passwords: list[str]) -> list[str]:
    # hashlib releases the GIL while hashing, so threads use every core for the one slow step.
    def hash_chunk(chunk: list[str]) -> list[str]:
        return [services.hash_temporary_password(p) for p in chunk]

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [h for hashed in pool.map(hash_chunk, chunks(passwords, 500)) for h in hashed]


def insert_users(records: list[dict]) -> list[tuple[str, str, str, str]]:
    """Create accounts with temporary passwords; returns (username, full name, unit code, password)."""
    now = utcnow()
    passwords = [services.temporary_password() for _ in records]
    hashes = _hash_all(passwords)
    rows = [{**User.name_fields(r["full_name"]), "username": r["username"], "position": r.get("position", ""),
             "unit_id": r["unit_id"], "email": r.get("email"), "phone": r.get("phone"), "password_hash": password_hash,
             "must_change_password": True, "active": True, "created_at": now, "locale": None,
             "last_login_at": None} for r, password_hash in zip(records, hashes)]
    users = User.__table__
    ids: dict[str, int] = {}
    for chunk in chunks(rows):
        # Core executemany (no RETURNING: the ORM's per-row bookkeeping costs more than the INSERT),
        # then one SELECT for the new ids.
        db.session.execute(insert(users), chunk)
        names = [row["username"] for row in chunk]
        ids.update(db.session.execute(select(users.c.username, users.c.id).where(users.c.username.in_(names))).all())
    roles = [{"user_id": ids[r["username"]], "role": role.value}
             for r in records for role in sorted(r.get("roles") or {Role.CADRE})]
    for chunk in chunks(roles):
        db.session.execute(insert(UserRole.__table__), chunk)
    services.accounts_placed.send(None, user_ids=None)
    return [(r["username"], r["full_name"], r["unit_code"], p) for r, p in zip(records, passwords)]


def update_users(changes: list[tuple[dict, dict, set[Role] | None]], actor: User | None) -> None:
    """Apply (old row, changed fields, new roles or None) to existing accounts; role changes are audited."""
    rows, dropped, added, audited = [], [], [], []
    for old, diff, roles in changes:
        if diff:
            fields = {**diff, **User.name_fields(diff["full_name"])} if "full_name" in diff else diff
            # Every row carries every column, so that one executemany covers them all.
            kept = ("full_name", "position", "email", "unit_id") + (("phone",) if "phone" in old else ())
            rows.append({"id": old["id"], **{k: old[k] for k in kept},
                         **User.name_fields(old["full_name"]), **fields})
        if roles is not None:
            dropped += [{"uid": old["id"], "r": r.value} for r in old["roles"] - roles]
            added += [{"user_id": old["id"], "role": r.value} for r in roles - old["roles"]]
            audited.append((old["username"], {"before": sorted(r.value for r in old["roles"]),
                                              "after": sorted(r.value for r in roles), "via": "import"}))
    for chunk in chunks(rows):
        db.session.execute(update(User), chunk)
    if any("unit_id" in diff for _old, diff, _roles in changes):
        services.accounts_moved.send(None, user_ids=None)
    if any("unit_id" in diff or "active" in diff or roles for _old, diff, roles in changes):
        services.accounts_placed.send(None, user_ids=None)
    table = UserRole.__table__
    delete = table.delete().where(and_(table.c.user_id == bindparam("uid"), table.c.role == bindparam("r")))
    for chunk in chunks(dropped):
        db.session.connection().execute(delete, chunk)
    for chunk in chunks(added):
        db.session.execute(insert(UserRole), chunk)
    audit.record_many("user.roles", audited, actor=actor)
    ended = [old["id"] for old, diff, roles in changes
             if (roles is not None and roles != old["roles"]) or diff.get("active") is False]
    for chunk in chunks(ended):  # as services.end_sessions: new roles or deactivation sign them out
        db.session.execute(update(User).where(User.id.in_(chunk)).values(session_version=User.session_version + 1))
    db.session.expire_all()  # objects already loaded must not show the old values
