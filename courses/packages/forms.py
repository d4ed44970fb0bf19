from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length, Optional

from elearn.forms import Form


class PackageForm(Form):
    title = StringField(_l("Title (empty: the package's own title)"), validators=[Optional(), Length(max=255)])
    package = FileField(_l("SCORM 1.2, SCORM 2004 or cmi5 package (.zip)"))
    required = BooleanField(_l("Required to complete the course"), default=True)
    submit = SubmitField(_l("Upload the package"))
