"""What the forms of every package share."""
from __future__ import annotations

import enum
from typing import Any

from flask_babel import get_translations, gettext, ngettext
from flask_wtf import FlaskForm
from wtforms import Form as WTForm


def choice_value(value: Any) -> Any:
    """``SelectField(coerce=choice_value)`` for a field edited from an object whose attribute is an
    Enum: the stored member is compared with the choices by its value, so the edit form shows (and
    an unchanged save keeps) the stored choice instead of falling back to the first option."""
    return value.value if isinstance(value, enum.Enum) else value


class _Messages:
    """WTForms' own messages ("This field is required." …) in the page's language: WTForms ships
    no Vietnamese, so they live in our catalog (``_catalog`` below lists them for extraction)."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


_MESSAGES = _Messages()


class Form(FlaskForm):
    """Every page form: Flask-WTF (CSRF) with WTForms' messages translated. Its hidden CSRF field
    has no id: a page has several forms (the header's sign-out among them), and an id is unique."""

    class Meta:
        def get_translations(self, form):
            return _MESSAGES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token = self._fields.get("csrf_token")
        if token is not None:
            token.id = False

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            # A value that could not be read ("hai nghìn" for a year) is said once: the range check
            # after it would only add a second complaint about a number that is not there. (An empty
            # optional field has process errors too, cleared by ``Optional``: those stay cleared.)
            if field.process_errors and isinstance(field.errors, list) and len(field.errors) > len(field.process_errors):
                field.errors = list(field.process_errors)
        return valid


class SubForm(WTForm):
    """A form repeated inside another (``FormField``), with the same translated messages."""

    class Meta:
        def get_translations(self, form):
            return _MESSAGES


def _catalog() -> None:  # never called: the messages WTForms may show, for tools/po.py to extract
    gettext("This field is required.")
    gettext("Invalid input.")
    gettext("Invalid email address.")
    gettext("Invalid URL.")
    gettext("Not a valid choice.")
    gettext("Not a valid datetime value.")
    gettext("Not a valid date value.")
    gettext("Not a valid time value.")
    gettext("Not a valid integer value.")
    gettext("Not a valid decimal value.")
    gettext("Not a valid float value.")
    gettext("Field must be equal to %(other_name)s.")
    gettext("Field must be between %(min)d and %(max)d characters long.")
    gettext("Number must be at least %(min)s.")
    gettext("Number must be at most %(max)s.")
    gettext("Number must be between %(min)s and %(max)s.")
    gettext("Invalid value, must be one of: %(values)s.")
    gettext("Invalid CSRF Token.")
    gettext("CSRF token missing.")
    gettext("CSRF failed.")
    gettext("CSRF token expired.")
    gettext("Invalid Choice: could not coerce.")
    gettext("Invalid choice(s): one or more data inputs could not be coerced.")
    ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1)
    ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1)
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 1)
