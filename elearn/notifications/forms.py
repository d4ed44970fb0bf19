"""Forms of the notification pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from elearn.forms import Form
from elearn.notifications.models import ReminderKind


class TemplateForm(Form):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=255)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=10_000)], render_kw={"rows": 12})
    submit = SubmitField(_l("Save"))


class RuleForm(Form):
    kind = SelectField(_l("When"), choices=[
        SelectChoice(ReminderKind.BEFORE.value, _l("days before the due date")),
        SelectChoice(ReminderKind.DUE.value, _l("on the due date")),
        SelectChoice(ReminderKind.OVERDUE.value, _l("every so many days while overdue"))], validators=[DataRequired()])
    days = IntegerField(_l("Days"), default=7, validators=[InputRequired(), NumberRange(min=0, max=365)])
    submit = SubmitField(_l("Add the rule"))
