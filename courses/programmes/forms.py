"""Programme forms (``elearn.forms.Form``: Vietnamese messages)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from courses.forms import not_past
from elearn.forms import Form


class ProgrammeForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])
    optional_needed = IntegerField(_l("Optional courses a cadre must complete"), default=0,
                                   validators=[InputRequired(), NumberRange(min=0, max=50)])
    validity_months = IntegerField(_l("A completion is valid for (months)"),
                                   validators=[Optional(), NumberRange(min=1, max=120)])
    submit = SubmitField(_l("Save"))


class AddCourseForm(Form):
    course = SelectField(_l("Published course"), coerce=int, validators=[DataRequired()])
    required = BooleanField(_l("Required"), default=True)
    submit = SubmitField(_l("Add to the programme"))


class ProgrammeAssignForm(Form):
    unit = SelectField(_l("Unit (with all its sub-units)"), coerce=int, validators=[DataRequired()])
    due_on = DateField(_l("Due date"), validators=[Optional(), not_past])
    submit = SubmitField(_l("Assign the programme"))
