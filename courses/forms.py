"""Course forms. Dates are entered as local days (Asia/Ho_Chi_Minh) and stored in UTC."""
from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from elearn.forms import Form
from elearn.html import rich_text
from elearn.i18n import LOCAL_TZ


def local_day_start(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, LOCAL_TZ)


def local_day_end(day: date | None) -> datetime | None:
    """A due or closing date means 'until the end of that day' in Vietnam: its last instant, so
    that it shows as that day everywhere (pages, exports, SQL) and is overdue from the next."""
    return None if day is None else datetime.combine(day, time.max, LOCAL_TZ)


def local_day(value: datetime | None, end: bool = False) -> date | None:
    """The day in Vietnam of an instant (``end`` is kept for callers: a day's end is within it)."""
    if value is None:
        return None
    return value.astimezone(LOCAL_TZ).date()


class CourseForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    slug = StringField(_l("Web address (slug)"), validators=[Optional(), Length(max=100)])
    theme = StringField(_l("Study theme"), validators=[Optional(), Length(max=500)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])
    self_enroll = BooleanField(_l("Cadres may enrol themselves"), default=True)
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes after"), validators=[Optional()])
    cover = FileField(_l("Cover image (PNG, JPG, GIF, WEBP)"))
    remove_cover = BooleanField(_l("Remove the cover image"))
    submit = SubmitField(_l("Save"))


class ModuleForm(Form):
    title = StringField(_l("Module title"), validators=[DataRequired(), Length(max=255)])
    submit = SubmitField(_l("Add module"))


class LessonForm(Form):
    title = StringField(_l("Lesson title"), validators=[DataRequired(), Length(max=255)])
    body = TextAreaField(_l("Content"), validators=[Optional(), Length(max=500_000)], render_kw=rich_text(20))
    video_url = StringField(_l("Video link (YouTube or a direct MP4 address)"),
                            validators=[Optional(), Length(max=500)])
    minutes = IntegerField(_l("Estimated minutes"), default=10, validators=[DataRequired(), NumberRange(1, 600)])
    required = BooleanField(_l("Required to complete the course"), default=True)
    complete_on_open = BooleanField(_l("Count as done when opened (reading only)"))
    attachment = FileField(_l("Attachment (PDF, DOCX, PPTX or image)"))
    remove_attachment = BooleanField(_l("Remove the attachment"))
    submit = SubmitField(_l("Save lesson"))


class ItemForm(Form):
    """Generic settings of a non-lesson item (a quiz's content is edited by the quizzes pages)."""
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    required = BooleanField(_l("Required to complete the course"), default=True)
    submit = SubmitField(_l("Save"))


def not_past(_form, field) -> None:
    """A due date entered by a person: a day already gone would make every cadre overdue at once.
    (Services accept any day: imports and tests record past assignments.)"""
    if field.data is not None and field.data < datetime.now(LOCAL_TZ).date():
        raise ValidationError(_l("That day has passed: choose today or a later day as the due date."))


class AssignForm(Form):
    unit = SelectField(_l("Unit (with all its sub-units)"), coerce=int, validators=[DataRequired()])
    due_on = DateField(_l("Due date"), validators=[Optional(), not_past])
    submit = SubmitField(_l("Assign"))


class EditorForm(Form):
    username = StringField(_l("Username of the trainer"), validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Grant editing rights"))
