"""The wording of each kind of message: a default here (translated), or a trainer's own
(``MessageTemplate``). Placeholders are ``{name}`` among the kind's own list; anything else — an
unknown name, ``{course.__class__}``, ``{days:>9}``, a lone brace — is refused when saved, so that
rendering (``str.format_map`` over plain strings) can never fail or reach an attribute."""
from __future__ import annotations

import string
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from elearn import db
from elearn.accounts.models import User
from elearn.errors import DomainError
from elearn.notifications.models import MessageTemplate


class TemplateError(DomainError):
    """A template that cannot be saved; the message says why."""


@dataclass(frozen=True)
class Kind:
    label: object
    subject: object
    body: object
    placeholders: dict  # name -> what it stands for


_COMMON = {"hoten": _l("the cadre's full name"), "khoahoc": _l("the course or programme"),
           "han": _l("the due date (dd/mm/yyyy)"), "lienket": _l("the address of the course")}
DEFAULTS: dict[str, Kind] = {
    "reminder_before": Kind(
        _l("Reminder before the due date"),
        _l("Reminder: {khoahoc} is due in {songay} days"),
        _l("Dear {hoten},\n\n{khoahoc} is due on {han} ({songay} days from now). "
           "Please complete it in time.\n\n{lienket}\n"),
        {**_COMMON, "songay": _l("the days left")}),
    "reminder_due": Kind(
        _l("Reminder on the due date"),
        _l("Today is the due date of {khoahoc}"),
        _l("Dear {hoten},\n\nToday ({han}) is the last day to complete {khoahoc}.\n\n{lienket}\n"),
        _COMMON),
    "reminder_overdue": Kind(
        _l("Reminder while overdue"),
        _l("{khoahoc} is overdue by {songay} days"),
        _l("Dear {hoten},\n\n{khoahoc} was due on {han} and is not complete yet ({songay} days overdue). "
           "Please complete it as soon as you can.\n\n{lienket}\n"),
        {**_COMMON, "songay": _l("the days overdue")}),
    "digest": Kind(
        _l("Weekly digest for managers"),
        _l("Weekly digest: {soluong} overdue cadres in {donvi}"),
        _l("Dear {hoten},\n\n{soluong} cadres of {donvi} and the units below it have overdue courses:\n\n{danhsach}\n\n{lienket}\n"),
        {"hoten": _l("the manager's full name"), "donvi": _l("the manager's unit"),
         "soluong": _l("how many cadres are overdue"), "danhsach": _l("the overdue cadres, one a line"),
         "lienket": _l("the address of the statistics")}),
}


def check(key: str, text: str, max_length: int) -> str:
    """``text`` if every placeholder in it is one of ``key``'s; else a ``TemplateError``."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise TemplateError(_("The subject and the text may not be empty."))
    if len(text) > max_length:
        raise TemplateError(_("The text is too long (%(n)d characters at most).", n=max_length))
    allowed = DEFAULTS[key].placeholders
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise TemplateError(_("A brace is not closed or not opened: write placeholders as {hoten}, "
                              "and a brace itself as {{ or }}.")) from None
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in allowed or spec or conversion:
            raise TemplateError(_("Unknown placeholder {%(field)s}. You may use: %(allowed)s.",
                                  field=field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""),
                                  allowed=", ".join("{" + name + "}" for name in allowed)))
    return text


def wording(key: str) -> tuple[str, str]:
    """(subject, body) for ``key``: the trainer's, else the default in the current language."""
    row = db.session.get(MessageTemplate, key)
    if row is not None:
        return row.subject, row.body
    kind = DEFAULTS[key]
    return str(kind.subject), str(kind.body)


def save(key: str, subject: str, body: str, actor: User) -> MessageTemplate:
    if key not in DEFAULTS:
        raise TemplateError(_("There is no such template."))
    subject, body = check(key, subject, 255), check(key, body, 10_000)
    if "\n" in subject:
        raise TemplateError(_("The subject must be one line."))
    row = db.session.get(MessageTemplate, key)
    if row is None:
        row = MessageTemplate(key=key, subject=subject, body=body, updated_by_id=actor.id)
        db.session.add(row)
    else:
        row.subject, row.body, row.updated_by_id = subject, body, actor.id
    db.session.flush()
    from elearn import audit
    audit.record("template.save", actor=actor, title=str(DEFAULTS[key].label))
    return row


def reset(key: str, actor: User) -> None:
    row = db.session.get(MessageTemplate, key)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def render(text: str, values: dict[str, str]) -> str:
    """Fill a checked template; values are plain strings (never formatted again). A placeholder
    without a value (a template saved before its kind lost one) is left as it is written."""
    class Keep(dict):
        def __missing__(self, name):
            return "{" + name + "}"

    try:
        return string.Formatter().vformat(text, (), Keep({k: str(v) for k, v in values.items()}))
    except (ValueError, AttributeError, IndexError, KeyError):
        return text
