"""Trainer forms: a quiz's settings, a random slot."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from elearn.forms import Form, choice_value
from elearn.html import rich_text
from elearn.i18n import LOCAL_TZ

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def to_utc(value: datetime | None) -> datetime | None:
    """A time typed in Vietnam (the form's naive value), stored in UTC."""
    return None if value is None else value.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def to_local_naive(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(LOCAL_TZ).replace(tzinfo=None)


class QuizForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    intro_html = TextAreaField(_l("Introduction"), validators=[Optional(), Length(max=20000)],
                               render_kw=rich_text(6))
    required = BooleanField(_l("Required to complete the course"), default=True)
    time_limit_minutes = IntegerField(_l("Time limit (minutes, empty: none)"),
                                      validators=[Optional(), NumberRange(min=1, max=24 * 60)])
    opens_at = DateTimeLocalField(_l("Opens at"), format=LOCAL_FORMAT, validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes at"), format=LOCAL_FORMAT, validators=[Optional()])
    attempts_allowed = IntegerField(_l("Attempts allowed (0: unlimited)"), default=0,
                                    validators=[NumberRange(min=0, max=100)])
    grading_method = SelectField(_l("Grading method"), coerce=choice_value, choices=[
        SelectChoice("highest", _l("Highest grade")), SelectChoice("last", _l("Last attempt")),
        SelectChoice("first", _l("First attempt")), SelectChoice("average", _l("Average of attempts"))])
    pass_percent = FloatField(_l("Pass mark (%)"), default=50, validators=[NumberRange(min=0, max=100)])
    per_page = IntegerField(_l("Questions per page (0: all on one page)"), default=1,
                            validators=[NumberRange(min=0, max=100)])
    shuffle_questions = BooleanField(_l("Shuffle questions"))
    shuffle_choices = BooleanField(_l("Shuffle choices"), default=True)
    review_shows = SelectField(_l("After submitting, the cadre sees"), coerce=choice_value, choices=[
        SelectChoice("full", _l("The score, the answers and the explanations")),
        SelectChoice("score", _l("The score only"))])
    review_when = SelectField(_l("Answers and explanations are shown"), coerce=choice_value, choices=[
        SelectChoice("immediately", _l("Immediately after submitting")),
        SelectChoice("after_close", _l("After the quiz closes"))])

    # The fields that are the quiz's own columns, as they are (the times are shown in local time).
    STORED = ("intro_html", "time_limit_minutes", "attempts_allowed", "grading_method", "pass_percent", "per_page",
              "shuffle_questions", "shuffle_choices", "review_shows", "review_when")

    def settings(self) -> dict:
        return {
            "intro_html": self.intro_html.data or "",
            "time_limit_minutes": self.time_limit_minutes.data or None,
            "opens_at": to_utc(self.opens_at.data), "closes_at": to_utc(self.closes_at.data),
            "attempts_allowed": self.attempts_allowed.data or 0, "grading_method": self.grading_method.data,
            "pass_percent": float(self.pass_percent.data), "per_page": self.per_page.data or 0,
            "shuffle_questions": self.shuffle_questions.data, "shuffle_choices": self.shuffle_choices.data,
            "review_shows": self.review_shows.data, "review_when": self.review_when.data,
        }


class RandomSlotForm(Form):
    category_id = SelectField(_l("Category"), coerce=int)
    count = IntegerField(_l("Number of questions to draw"), default=5, validators=[NumberRange(min=1, max=200)])
    include_subcategories = BooleanField(_l("Include subcategories"), default=True)
