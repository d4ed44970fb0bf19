"""The token forms. The scope and unit choices depend on the user: the views fill them in."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from elearn.admin.forms import MultiCheckboxField
from elearn.api.services import LIFETIMES
from elearn.forms import Form


def _at_least_one(form, field) -> None:
    """Not DataRequired: its ``required`` attribute would make the browser ask for every checkbox."""
    if not field.data:
        raise ValidationError(_l("Choose at least one scope."))


class TokenForm(Form):
    name = StringField(_l("Name (what the token is for)"), validators=[DataRequired(), Length(max=100)])
    scopes = MultiCheckboxField(_l("Scopes"), validators=[_at_least_one])
    days = SelectField(_l("Valid for"), coerce=int, default=90,
                       choices=[SelectChoice(d, _l("%(n)d days", n=d)) for d in LIFETIMES])


class ServiceTokenForm(TokenForm):
    unit = SelectField(_l("Only the units under"), coerce=int)


class RevokeForm(Form):
    """Nothing but the CSRF token."""
