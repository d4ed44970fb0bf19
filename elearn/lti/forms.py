"""The platform registration form. The unit choices come from the database: the view fills them in."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from elearn.forms import Form


class PlatformForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    issuer = StringField(_l("Issuer (iss)"), validators=[DataRequired(), Length(max=255)])
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)])
    deployment_ids = TextAreaField(_l("Deployment IDs (one per line)"), validators=[DataRequired(), Length(max=5000)])
    auth_login_url = StringField(_l("Authentication (login) URL"), validators=[DataRequired(), Length(max=500)])
    auth_token_url = StringField(_l("Access token URL"), validators=[DataRequired(), Length(max=500)])
    key_set_url = StringField(_l("Key set (JWKS) URL"), validators=[DataRequired(), Length(max=500)])
    unit = SelectField(_l("Unit of the accounts it creates"), coerce=int)
    active = BooleanField(_l("Active"), default=True)
