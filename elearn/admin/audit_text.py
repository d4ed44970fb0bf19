"""The audit log in words (issue 17.8): an entry stores codes (``course.status``, ``published``,
``round:3``, ``True``, ``2026-12-15``); the page shows each as a Vietnamese reader says it.

``ACTION_LABELS`` names every action a service records (a test reads the source for them);
``target_text`` and ``detail_items`` turn the object and the details into words.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from elearn.api.services import SCOPES
from elearn.i18n import format_date, format_datetime, format_number

ACTION_LABELS = {
    "login.success": _l("Signed in"),
    "login.failure": _l("Failed sign-in"),
    "password.change": _l("Changed own password"),
    "password.reset": _l("Password reset by an administrator"),
    "user.create": _l("Account created"),
    "user.update": _l("Account edited"),
    "user.roles": _l("Roles changed"),
    "user.phone": _l("Changed own phone number"),
    "users.import": _l("Accounts imported"),
    "credentials.download": _l("Temporary passwords downloaded"),
    "unit.create": _l("Unit created"),
    "unit.rename": _l("Unit renamed"),
    "unit.move": _l("Unit moved"),
    "unit.deactivate": _l("Unit deactivated"),
    "unit.activate": _l("Unit reactivated"),
    "users.import_failed": _l("Account import refused"),
    "course.create": _l("Course created"),
    "course.update": _l("Course edited"),
    "course.status": _l("Course status changed"),
    "course.assign": _l("Course assigned to a unit"),
    "course.unassign": _l("Course assignment withdrawn"),
    "course.editor": _l("Course editors changed"),
    "course.unenroll": _l("Cadre removed from a course"),
    "course.lesson.save": _l("Lesson saved"),
    "course.item.delete": _l("Course item deleted"),
    "course.package.add": _l("SCORM / cmi5 package added"),
    "course.module.delete": _l("Course part deleted"),
    "programme.create": _l("Programme created"),
    "programme.update": _l("Programme edited"),
    "programme.add_course": _l("Course added to a programme"),
    "programme.remove_course": _l("Course taken out of a programme"),
    "programme.assign": _l("Programme assigned to a unit"),
    "programme.unassign": _l("Programme assignment withdrawn"),
    "programme.delete": _l("Programme deleted"),
    "programme.renewal": _l("Programme renewal edition created"),
    "template.save": _l("Message template changed"),
    "reminder.rule": _l("Reminder rule changed"),
    "quiz.regrade": _l("Quiz regraded"),
    "questions.import": _l("Questions imported"),
    "questions.import_failed": _l("Question import refused"),
    "questions.export": _l("Questions exported"),
    "certificate.issue": _l("Certificate issued"),
    "certificate.reissue": _l("Certificate issued again"),
    "certificate.renew": _l("Renewed certificate issued"),
    "certificate.renewal_start": _l("Course begun again to renew a certificate"),
    "certificate.issue_programme": _l("Programme certificate issued"),
    "certificate.backfill": _l("Certificate issued for an earlier completion"),
    "certificate.template": _l("Certificate settings changed"),
    "certificate.revoke": _l("Certificate revocation"),
    "certificate.export_zip": _l("Certificates exported"),
    "stats.export": _l("Statistics exported"),
    "contest.create": _l("Contest created"),
    "contest.update": _l("Contest edited"),
    "contest.round.create": _l("Contest round created"),
    "contest.round.update": _l("Contest round edited"),
    "contest.register": _l("Contest registration"),
    "contest.register.again": _l("Contest registration with a phone or address already registered"),
    "contest.code.renewed": _l("Contest personal code renewed"),
    "contest.results.publish": _l("Contest results published"),
    "contest.results.withdraw": _l("Contest results withdrawn"),
    "contest.ranking.signed": _l("Contest ranking file signed afterwards"),
    "contest.phone.code": _l("Contest phone code sent"),
    "contest.phone.verified": _l("Contest phone verified"),
    "contest.certificate.participation": _l("Contest certificate of participation issued"),
    "contest.certificate.prize": _l("Contest certificate of prize issued"),
    "contest.unit_sizes": _l("Contest unit sizes changed"),
    "contest.export": _l("Contest results exported"),
    "api_token.create": _l("API token made"),
    "api_token.revoke": _l("API token revoked"),
    "lti.platform.create": _l("LTI platform registered"),
    "lti.platform.update": _l("LTI platform changed"),
    "lti.account.create": _l("Account created by an LTI launch"),
    "lti.grades.retry": _l("LTI grades sent again"),
}

# Names of detail keys, and of the fields an edit lists ('fields', 'changes').
DETAIL_LABELS = {
    "before": _l("before"), "after": _l("after"), "name": _l("name"), "parent": _l("parent unit"),
    "to": _l("moved under"), "units": _l("units"), "rows": _l("rows"), "created": _l("created"),
    "updated": _l("updated"), "via": _l("through"), "accounts": _l("accounts"), "roles": _l("roles"),
    "unit": _l("unit"), "full_name": _l("full name"), "position": _l("position"), "email": _l("email"),
    "active": _l("active"),
    "due_on": _l("due date"), "enrolled": _l("enrolled"), "enrolments": _l("enrolments"), "errors": _l("errors"), "format": _l("format"),
    "kind": _l("kind"), "title": _l("title"), "number": _l("number"), "fields": _l("fields"),
    "changes": _l("changes"), "certificates": _l("certificates"), "entrant": _l("entrant"),
    "round_id": _l("contest round"),
    "editor": _l("editor"), "question": _l("question"), "contest": _l("contest"), "course_id": _l("course"),
    "table": _l("table"),
    "user": _l("account"), "user_id": _l("account"), "item": _l("course item"), "reason": _l("reason"),
    "job": _l("background job"), "course": _l("course"), "from": _l("from"),
    "enabled": _l("certificates issued"), "issuing_body": _l("issuing body"), "motto": _l("motto"),
    "place": _l("place"), "wording": _l("wording"), "signer_title": _l("signer's title"),
    "signer_name": _l("signer's name"),
    "actual": _l("actual value"), "entries": _l("entries"), "prizes": _l("prizes"),
    "merkle_root": _l("Merkle root"), "sha256": _l("SHA-256 of the file"),
    "imported": _l("questions imported"), "by_type": _l("by question type"), "version": _l("version"),
    "attempts": _l("attempts"),
    # course and contest fields
    "slug": _l("web address"), "theme": _l("study theme"), "year": _l("year"), "summary": _l("summary"),
    "self_enrol": _l("self-enrolment"), "opens_at": _l("opens"), "closes_at": _l("closes"),
    "cover_path": _l("cover image"), "rules_html": _l("rules"), "organiser_name": _l("organiser"),
    "starts_at": _l("starts"), "ends_at": _l("ends"), "status": _l("status"),
    "allow_public": _l("open to the public"), "min_age": _l("minimum age"),
    "entries_per_round": _l("entries per round"), "counted_entry": _l("entry counted"),
    "prediction_kind": _l("prediction"), "ranking_order": _l("ranking order"),
    "prizes_first": _l("first prizes"), "prizes_second": _l("second prizes"), "prizes_third": _l("third prizes"),
    "prizes_consolation": _l("consolation prizes"), "unit_depth": _l("units ranked at level"),
    "question_count": _l("questions"), "time_limit_minutes": _l("time limit (minutes)"),
    "category_ids": _l("question categories"),
    "days": _l("days"), "programme": _l("programme"), "phone": _l("phone number"), "scopes": _l("scopes"),
    "issuer": _l("issuer"), "client_id": _l("client ID"), "platform": _l("LTI platform"),
    "programme_id": _l("programme"), "round": _l("round of study"),
}

# Stored values (enum values of the models, and a few of the services) in words.
VALUE_LABELS = {
    # course status
    "draft": _l("Draft"), "published": _l("Published"), "archived": _l("Archived"),
    # roles
    "admin": _l("Administrator"), "manager": _l("Manager"), "trainer": _l("Trainer"), "cadre": _l("Cadre"),
    # certificate motto
    "party": _l("Party motto"), "state": _l("State motto"), "none": _l("No motto"),
    # question kinds
    "single": _l("Single choice"), "multiple": _l("Multiple choice"), "truefalse": _l("True/false"),
    "shortanswer": _l("Short answer"), "numerical": _l("Numerical"), "matching": _l("Matching"),
    "essay": _l("Essay"), "description": _l("Description"),
    # exports
    "detail": _l("by cadre"), "summary": _l("by unit"), "ranking": _l("ranking"),
    "web": _l("the web page"), "cli": _l("the command line"), "api": _l("the API"),
    # contests
    "all_correct": _l("how many entrants answer every question right"),
    "entries": _l("how many entries the round receives"),
    "best": _l("the best entry"), "first": _l("the first entry"),
    "correct,prediction,time": _l("correct answers, then the prediction, then the time"),
    "correct,time,prediction": _l("correct answers, then the time, then the prediction"),
}
# Keys whose values are names, titles or free text: shown as they are, never as a code's label.
FREE_TEXT = {"name", "title", "full_name", "position", "email", "reason", "issuing_body", "place", "wording",
             "signer_title", "signer_name", "organiser_name", "theme", "summary", "slug", "unit", "parent", "to",
             "editor", "user", "cover_path", "rules_html", "programme"}
BOOLEAN_TEXT = {"True": True, "False": False}
UPPER = {"csv", "xlsx", "gift", "aiken", "zip", "pdf", "xml"}

# Targets: 'kind:id', or a bare course id for the actions that record one.
TARGET_LABELS = {
    "course": _l("Course no. %(id)s"), "round": _l("Contest round no. %(id)s"),
    "contest": _l("Contest no. %(id)s"), "quiz": _l("Quiz no. %(id)s"), "unit": _l("Unit %(id)s"),
    "question_category": _l("Question category no. %(id)s"), "programme": _l("Programme no. %(id)s"),
    "personal": _l("Personal API token no. %(id)s"), "service": _l("Service API token no. %(id)s"),
}
COURSE_ID_TARGETS = {"course.unenroll", "course.module.delete", "course.item.delete", "course.lesson.save",
                     "course.package.add"}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


# API scopes ('units:read') by their names on the token pages.
VALUE_LABELS.update({name: scope.label for name, scope in SCOPES.items()})


def action_text(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def target_text(action: str, target: str | None) -> str:
    if not target:
        return ""
    kind, sep, ident = target.partition(":")
    if sep and kind in TARGET_LABELS:
        return TARGET_LABELS[kind] % {"id": ident}
    if action in COURSE_ID_TARGETS and target.isdigit():
        return TARGET_LABELS["course"] % {"id": target}
    return target


def key_text(key: Any) -> str:
    return str(DETAIL_LABELS.get(key, key)) if isinstance(key, str) else value_text("", key)


def value_text(key: str, value: Any) -> str:
    """One detail value in words: yes/no, dd/mm/yyyy, numbers in the page's form, labels for codes."""
    if isinstance(value, str) and value in BOOLEAN_TEXT:  # details stored with str(): 'True'
        value = BOOLEAN_TEXT[value]
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, dict):  # keys: detail names, or codes (question kinds, unit codes)
        if not value:
            return "—"
        return "; ".join(f"{key_text(k) if k in DETAIL_LABELS else value_text('', k)}: {value_text(k, v)}"
                         for k, v in value.items())
    if isinstance(value, (list, tuple)):
        if not value:
            return "—"
        if key == "prizes":
            return "; ".join(_("rank %(rank)s: entry no. %(entry)s", rank=p[0], entry=p[1])
                             if isinstance(p, (list, tuple)) and len(p) == 2 else value_text("", p) for p in value)
        if key == "changes":  # [before, after]
            return " → ".join(value_text(key, v) for v in value)
        if key == "fields":
            return ", ".join(key_text(v) for v in value)
        return ", ".join(value_text(key, v) for v in value)
    text = str(value)
    if _ISO_TIME.match(text):
        try:
            return format_datetime(datetime.fromisoformat(text))
        except ValueError:
            return text
    if _ISO_DAY.match(text):
        try:
            return format_date(date.fromisoformat(text))
        except ValueError:
            return text
    if key in FREE_TEXT:
        return text
    if text in VALUE_LABELS:
        return str(VALUE_LABELS[text])
    if text.lower() in UPPER:
        return text.upper()
    if text.startswith("cli:"):  # 'cli:<system user>'
        return f"{VALUE_LABELS['cli']} ({text[4:]})"
    return text


def detail_items(details: dict | None) -> list[tuple[str, str]]:
    """[(label, value in words)] of an entry's details, in the order of their labels."""
    if not details:
        return []
    items = []
    for key, value in details.items():
        if isinstance(value, dict) and key == "changes":
            for field, change in value.items():
                items.append((key_text(field), value_text("changes", change)))
            continue
        items.append((key_text(key), value_text(key, value)))
    return sorted(items, key=lambda kv: kv[0].lower())
