from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from courses.certificates.models import Layout, Motto, Validity
from courses.certificates.signing import MAX_PDF_BYTES
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
    layout = SelectField(_l("Layout"), coerce=choice_value, choices=[
        SelectChoice(Layout.CLASSIC.value, _l("Classic: the place and date above the signature")),
        SelectChoice(Layout.PARTY.value, _l("Party document (Guidance 36-HD/VPTW): number under the issuing body, "
                                            "place and date under the Party heading")),
    ])
    validity = SelectField(_l("Validity"), coerce=choice_value, choices=[
        SelectChoice(Validity.FOREVER.value, _l("No expiry")),
        SelectChoice(Validity.MONTHS_6.value, _l("6 months from completion")),
        SelectChoice(Validity.MONTHS_12.value, _l("12 months from completion")),
        SelectChoice(Validity.MONTHS_24.value, _l("24 months from completion")),
        SelectChoice(Validity.MONTHS_36.value, _l("36 months from completion")),
        SelectChoice(Validity.STUDY_YEAR.value, _l("Until the end of the study year (31 August)")),
    ])
    submit = SubmitField(_l("Save"))


class RevokeForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=5, max=2000)],
                           render_kw={"rows": 3})
    submit = SubmitField(_l("Revoke the certificate"))


class PayloadForm(Form):
    payload = TextAreaField(_l("Text of the QR code"), validators=[DataRequired(), Length(max=2000)],
                            render_kw={"rows": 4, "autocomplete": "off", "spellcheck": "false"})
    submit = SubmitField(_l("Check the signature"))


class CredentialForm(Form):
    credential = FileField(_l("Open Badges credential file"), validators=[
        FileRequired(_l("Choose the credential file.")),
        FileSize(max_size=64 * 1024, message=_l("The file is larger than a credential can be (64 KB)."))],
        render_kw={"accept": ".jwt,application/vc+jwt,text/plain"})
    submit = SubmitField(_l("Check the credential"))


class PdfForm(Form):
    document = FileField(_l("Certificate PDF file"), validators=[
        FileRequired(_l("Choose the PDF file.")),
        FileSize(max_size=MAX_PDF_BYTES, message=_l("The file is larger than a certificate PDF can be (5 MB)."))],
                         render_kw={"accept": "application/pdf,.pdf"})
    submit = SubmitField(_l("Check the PDF file"))
