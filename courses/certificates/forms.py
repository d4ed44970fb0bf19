from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from courses.certificates.models import Motto
from elearn.forms import Form, choice_value


class TemplateForm(Form):
    enabled = BooleanField(_l("Issue certificates for this course"))
    issuing_body = TextAreaField(_l("Issuing body"), validators=[DataRequired(), Length(max=255)],
                                 render_kw={"rows": 3})
    motto = SelectField(_l("Motto at the top right"), coerce=choice_value, choices=[
        SelectChoice(Motto.PARTY.value, _l("Communist Party of Vietnam (ĐẢNG CỘNG SẢN VIỆT NAM)")),
        SelectChoice(Motto.STATE.value, _l("Socialist Republic of Vietnam, Independence - Freedom - Happiness")),
        SelectChoice(Motto.NONE.value, _l("No motto")),
    ])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=100)])
    wording = StringField(_l("Wording before the course title"), validators=[Length(max=255)])
    place = StringField(_l("Place on the date line"), validators=[DataRequired(), Length(max=100)])
    signer_title = TextAreaField(_l("Signer's title"), validators=[Length(max=255)], render_kw={"rows": 2})
    signer_name = StringField(_l("Signer's name"), validators=[Length(max=255)])
    submit = SubmitField(_l("Save"))


class RevokeForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=5, max=2000)],
                           render_kw={"rows": 3})
    submit = SubmitField(_l("Revoke the certificate"))
