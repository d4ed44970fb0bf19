from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from elearn.forms import Form
from quizzes.formats.services import EXPORT_FORMATS, FORMAT_LABELS


class ImportForm(Form):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])
    format = SelectField(_l("Format"), default="auto", choices=[SelectChoice("auto", _l("Automatic (from the file)"))] + [
        SelectChoice(k, v) for k, v in FORMAT_LABELS.items()])
    category = SelectField(_l("Into category"), coerce=int, validate_choice=False)
    new_category = StringField(_l("or a new category"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Import"))


class ExportForm(Form):
    class Meta:
        csrf = False  # a GET download: nothing to protect, and the URL stays shareable

    # Their own ids: the import form on the same page has a category and a format too.
    category = SelectField(_l("Category"), coerce=int, validate_choice=False, id="export-category")
    format = SelectField(_l("Format"), default="gift", choices=[SelectChoice(k, v) for k, v in EXPORT_FORMATS.items()],
                         id="export-format")
