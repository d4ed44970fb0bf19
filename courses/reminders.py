"""Reminders to cadres before and after a due date, and the weekly digest of overdue cadres for
each manager, as notifications (in the app, and by mail where the account has an address).

The reminder rules are rows (``ReminderRule``: 7 days before, on the day, every 7 days while
overdue by default). The pass reads every unfinished enrolment with a due date up to the furthest
"before" rule — of courses and of programmes — and makes each reminder under a key that names the
rule, the enrolment, its due date and (overdue) the week: run it every hour, twice, late, or after a
day the scheduler was down — each reminder is made once, and a late one is still made. A cadre
who completed meanwhile is left out here, and again when the mail goes (``STILL_RELEVANT``).
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from courses.models import Course, CourseStatus, Enrollment
from courses.programmes.models import Programme, ProgrammeEnrollment
from elearn import db
from elearn.accounts.models import User, UserRole
from elearn.db import utcnow
from elearn.i18n import LOCAL_TZ, format_date
from elearn.jobs.scheduler import periodic
from elearn.notifications import channels, wording
from elearn.notifications.models import ReminderKind, ReminderRule
from elearn.notifications.services import (
    STILL_RELEVANT,
    NewNotification,
    ensure_default_rules,
    notify_many,
    opted_out,
    optional_footer,
)
from elearn.permissions import Permission, roles_with, scope_of
from elearn.site import base_url, url_if_any
from elearn.units.models import OrgUnit

COURSE, PROGRAMME = "course_reminder", "programme_reminder"
DIGEST_LINES = 50  # cadres named in one digest; the rest are counted


def _path(endpoint: str, **values) -> str:
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def _stats_path() -> str:
    """The statistics dashboard (``reports``, above this package: named, never imported), else home."""
    with current_app.test_request_context("/"):
        return url_if_any("stats.dashboard") or url_for("home.index")


def _day_end(day: date) -> datetime:
    return datetime.combine(day, time.max, LOCAL_TZ)


def _course_rows(until: datetime):
    """(ref id, user id, name, email, title, path, due) of unfinished course enrolments due by ``until``."""
    rows = db.session.execute(
        select(Enrollment.id, Enrollment.user_id, User.full_name, User.email, User.phone, Course.title, Course.slug,
               Enrollment.due_at)
        .join(User, User.id == Enrollment.user_id).join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.completed_at.is_(None), Enrollment.unenrolled_at.is_(None), Enrollment.due_at.is_not(None),
               Enrollment.due_at <= until, User.active.is_(True), Course.status == CourseStatus.PUBLISHED))
    paths: dict[str, str] = {}
    for ref, user_id, name, email, phone, title, slug, due in rows:
        if slug not in paths:
            paths[slug] = _path("courses.course", slug=slug)
        yield ref, user_id, name, email, phone, title, paths[slug], due


def _programme_rows(until: datetime):
    path = _path("programmes.mine")
    rows = db.session.execute(
        select(ProgrammeEnrollment.id, ProgrammeEnrollment.user_id, User.full_name, User.email, User.phone,
               Programme.title, ProgrammeEnrollment.due_at)
        .join(User, User.id == ProgrammeEnrollment.user_id).join(Programme, Programme.id == ProgrammeEnrollment.programme_id)
        .where(ProgrammeEnrollment.completed_at.is_(None), ProgrammeEnrollment.due_at.is_not(None),
               ProgrammeEnrollment.due_at <= until, User.active.is_(True)))
    for ref, user_id, name, email, phone, title, due in rows:
        yield ref, user_id, name, email, phone, title, path, due


def _rule_for(days_left: int, before: list[ReminderRule], due: ReminderRule | None,
              overdue: list[ReminderRule]) -> tuple[ReminderRule, str] | None:
    """The rule that speaks today for a due date ``days_left`` days away, and its period key."""
    if days_left > 0:
        # The nearest "before" rule whose window holds today: with 7 and 1, days 7..2 are the 7's, 1 is the 1's.
        fitting = [r for r in before if days_left <= r.days]
        return (min(fitting, key=lambda r: r.days), "") if fitting else None
    if days_left == 0:
        return (due, "") if due else None
    late = -days_left
    best = None
    for rule in overdue:
        n = late // rule.days
        if n >= 1 and (best is None or rule.days < best[0].days):
            best = (rule, f":{n}")
    return best


def reminder_pass(now: datetime | None = None) -> dict[str, int]:
    """Make today's reminders; returns how many were new, and how many enrolments were looked at."""
    now = now or utcnow()
    today = now.astimezone(LOCAL_TZ).date()
    ensure_default_rules()
    rules = list(db.session.scalars(select(ReminderRule).where(ReminderRule.active.is_(True))))
    before = [r for r in rules if r.kind == ReminderKind.BEFORE and r.days > 0]
    due = next((r for r in rules if r.kind == ReminderKind.DUE), None)
    overdue = [r for r in rules if r.kind == ReminderKind.OVERDUE and r.days > 0]
    if not rules:
        return {"new": 0, "seen": 0}
    until = _day_end(today + timedelta(days=max((r.days for r in before), default=0)))
    texts = {kind: wording.wording(f"reminder_{kind.value}") for kind in ReminderKind}
    base = base_url().rstrip("/")
    texting = channels.configured(current_app.config) is not None  # no channel: no text is queued
    seen = 0

    def items() -> Iterator[NewNotification]:
        nonlocal seen
        for kind, prefix, rows in ((COURSE, "e", _course_rows(until)), (PROGRAMME, "p", _programme_rows(until))):
            for ref, user_id, name, email, phone, title, path, due_at in rows:
                seen += 1
                due_day = due_at.astimezone(LOCAL_TZ).date()
                days_left = (due_day - today).days
                found = _rule_for(days_left, before, due, overdue)
                if found is None:
                    continue
                rule, period = found
                subject, body = texts[rule.kind]
                values = {"hoten": name, "khoahoc": title, "han": format_date(due_day),
                          "songay": abs(days_left), "lienket": base + path}
                yield NewNotification(
                    user_id=user_id, key=f"r{rule.id}:{prefix}{ref}:{due_day.isoformat()}{period}", kind=kind,
                    ref_id=ref, subject=wording.render(subject, values), body=wording.render(body, values),
                    link=path, mail_to=email or None, sms_to=phone if texting else None,
                    sms_data={k: str(v) for k, v in values.items() if k != "lienket"})

    new = notify_many(items())
    return {"new": new, "seen": seen}


def _unfinished_courses(ref_ids: list[int]) -> set[int]:
    return set(db.session.scalars(select(Enrollment.id).where(
        Enrollment.id.in_(ref_ids), Enrollment.completed_at.is_(None), Enrollment.unenrolled_at.is_(None))))


def _unfinished_programmes(ref_ids: list[int]) -> set[int]:
    return set(db.session.scalars(select(ProgrammeEnrollment.id).where(
        ProgrammeEnrollment.id.in_(ref_ids), ProgrammeEnrollment.completed_at.is_(None))))


STILL_RELEVANT[COURSE] = _unfinished_courses
STILL_RELEVANT[PROGRAMME] = _unfinished_programmes


# ---------------------------------------------------------------- the managers' weekly digest

def overdue_cadres(now: datetime) -> list[tuple[str, str, str, int, datetime]]:
    """(unit path, unit name, cadre name, overdue courses, earliest due date) of every cadre with an
    overdue course, in path order: one grouped query."""
    rows = db.session.execute(
        select(OrgUnit.path, OrgUnit.name, User.sort_name, User.full_name, func.count(Enrollment.id),
               func.min(Enrollment.due_at))
        .join(User, User.id == Enrollment.user_id).join(OrgUnit, OrgUnit.id == User.unit_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.completed_at.is_(None), Enrollment.unenrolled_at.is_(None), Enrollment.due_at < now,
               User.active.is_(True), Course.status == CourseStatus.PUBLISHED)
        .group_by(User.id, OrgUnit.path, OrgUnit.name, User.sort_name, User.full_name)).all()
    rows.sort(key=lambda r: (r[0], r[2]))
    return [(path, unit, name, n, due) for path, unit, _sort, name, n, due in rows]


def _prefixes(path: str) -> list[str]:
    """'/1/7/42/' -> ['/1/7/42/', '/1/7/', '/1/', '/']: the unit and every unit above it, nearest first."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:n]) + "/" if n else "/" for n in range(len(parts), -1, -1)]


def digest_pass(now: datetime | None = None, period: str | None = None) -> dict[str, int]:
    """One digest a week for each manager with overdue cadres in their subtree (key: manager and
    ISO week). A cadre is listed to the managers of the nearest unit above them that has managers;
    overdue for ``DIGEST_ESCALATE_DAYS`` (14 by default; 0: at once), to every manager above too.
    Each manager's cadres are a slice of one path-sorted list (two bisections), so the pass is one
    query and a walk, whatever the number of managers. ``period``: the scheduler's week ('2026-W49'),
    which keys the digests, so a scheduler taking over a dead one's lease sends none twice."""
    now = now or utcnow()
    year, week, _ = now.astimezone(LOCAL_TZ).isocalendar()
    week_key = period or f"{year}-W{week:02d}"
    escalate = timedelta(days=int(current_app.config.get("DIGEST_ESCALATE_DAYS", 14)))
    cadres = overdue_cadres(now)
    paths = [c[0] for c in cadres]
    managers = db.session.scalars(
        select(User).options(joinedload(User.role_rows), joinedload(User.unit))
        .where(User.active.is_(True), User.id.in_(select(UserRole.user_id).where(
            UserRole.role.in_(roles_with(Permission.VIEW_STATS)))))).unique().all()
    scopes = {m.id: scope_of(m, Permission.VIEW_STATS) for m in managers}
    managed = {scope for scope in scopes.values() if scope is not None}
    nearest = {path: next((p for p in _prefixes(path) if p in managed), None) for path in set(paths)}
    subject_t, body_t = wording.wording("digest")
    stopped = opted_out("digest")  # no e-mail for them; the digest still shows in the app
    link = _stats_path()
    base = base_url().rstrip("/")

    def items() -> Iterator[NewNotification]:
        for manager in managers:
            scope = scopes[manager.id]
            if scope is None:
                continue
            lo = bisect_left(paths, scope)
            hi = bisect_left(paths, scope[:-1] + chr(ord("/") + 1))
            mine = [c for c in cadres[lo:hi] if nearest[c[0]] == scope or now - c[4] >= escalate]
            if not mine:
                continue
            lines = [f"- {name} — {unit} ({n})" for _p, unit, name, n, _due in mine[:DIGEST_LINES]]
            if len(mine) > DIGEST_LINES:
                lines.append(f"(+{len(mine) - DIGEST_LINES})")
            values = {"hoten": manager.full_name, "donvi": manager.unit.name if manager.unit else "",
                      "soluong": len(mine), "danhsach": "\n".join(lines), "lienket": base + link}
            mail_to = manager.email if manager.email and manager.id not in stopped else None
            body = wording.render(body_t, values)
            yield NewNotification(user_id=manager.id, key=f"dg:{manager.id}:{week_key}", kind="digest",
                                  subject=wording.render(subject_t, values), link=link, mail_to=mail_to,
                                  body=body + (optional_footer(manager.id, "digest") if mail_to else ""))

    return {"new": notify_many(items()), "overdue_cadres": len(cadres), "managers": len(managers)}


@periodic("reminders", "hour")
def _reminders():
    return reminder_pass()


@periodic("digest", "week")
def _digest(period: str):
    return digest_pass(period=period)

