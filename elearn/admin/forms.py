"""Administration forms. Choice lists that depend on the database are filled in by the views."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from elearn.forms import Form
from elearn.permissions import Role
from elearn.units.models import UnitLevel

LEVEL_LABELS = {
    UnitLevel.PROVINCE: _l("Province committee"),
    UnitLevel.DISTRICT: _l("District or city committee"),
    UnitLevel.COMMUNE: _l("Commune or agency party committee"),
    UnitLevel.CELL: _l("Party cell"),
}
ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.MANAGER: _l("Manager"),
    Role.TRAINER: _l("Trainer"),
    Role.CADRE: _l("Cadre"),
}


class ActionForm(Form):
    """A form with nothing but its CSRF token, for buttons that change something."""


class UnitForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocapitalize": "characters"})
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    level = SelectField(_l("Level"), choices=[SelectChoice(lv.value, label) for lv, label in LEVEL_LABELS.items()])
    parent = SelectField(_l("Parent unit"), coerce=int)


class RenameUnitForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])


class MoveUnitForm(Form):
    parent = SelectField(_l("New parent unit"), coerce=int)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocapitalize": "none", "autocomplete": "off"})
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=255)])
    position = StringField(_l("Position"), validators=[Length(max=255)])
    unit = SelectField(_l("Unit"), coerce=int)
    email = StringField(_l("Email (optional)"), validators=[Optional(), Length(max=255)])
    phone = StringField(_l("Mobile phone number (optional)"), validators=[Optional(), Length(max=32)],
                        render_kw={"inputmode": "tel"})
    roles = MultiCheckboxField(_l("Roles"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
                               default=[Role.CADRE.value])
    active = BooleanField(_l("Account active"), default=True)


class UserFilterForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Name or username"))
    unit = SelectField(_l("Unit (and below)"), coerce=int, default=0)
    role = SelectField(_l("Role"), default="", choices=[SelectChoice("", _l("Any role"))]
                       + [SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])


class ImportForm(Form):
    file = FileField(_l("CSV or Excel (.xlsx) file"), validators=[FileRequired(_l("Choose a file."))],
                     render_kw={"accept": ".csv,.xlsx,text/csv"})


class DateField(StringField):
    """A date typed as dd/mm/yyyy, the way Vietnamese forms write it (no date picker needed)."""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if text:
            try:
                self.data = datetime.strptime(text, "%d/%m/%Y").date()
            except ValueError:
                raise ValueError(_l("Write the date as dd/mm/yyyy, for example 15/03/2023.")) from None

    def _value(self):
        if isinstance(self.data, date):
            return self.data.strftime("%d/%m/%Y")
        return self.raw_data[0] if self.raw_data else ""


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), default="")
    actor = StringField(_l("By (username)"))
    target = StringField(_l("Object"))
    date_from = DateField(_l("From (dd/mm/yyyy)"), render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
    date_to = DateField(_l("To (dd/mm/yyyy)"), render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
