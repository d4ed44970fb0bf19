"""Contest forms. Datetimes are typed in Vietnam time and stored in UTC."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from elearn.forms import Form
from elearn.i18n import LOCAL_TZ
from quizzes.contests.models import RANKING_ORDERS, ContestStatus, CountedEntry, PredictionKind

DT_FORMAT = "%Y-%m-%dT%H:%M"


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def to_local_naive(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)


class ContestForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    organiser_name = StringField(_l("Organised by"), validators=[Optional(), Length(max=255)])
    rules_html = TextAreaField(_l("Rules"), validators=[Optional(), Length(max=100_000)])
    starts_at = DateTimeLocalField(_l("Starts"), format=DT_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=DT_FORMAT, validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=[SelectChoice(ContestStatus.DRAFT.value, _l("Draft (organisers only)")),
                                               SelectChoice(ContestStatus.PUBLISHED.value, _l("Published to entrants"))])
    allow_public = BooleanField(_l("Members of the public may register"))
    require_phone = BooleanField(_l("Require phone verification (a code sent by text message)"))
    min_age = IntegerField(_l("Minimum age"), validators=[InputRequired(), NumberRange(0, 100)])
    entries_per_round = IntegerField(_l("Entries per round (0 = unlimited)"),
                                     validators=[InputRequired(), NumberRange(0, 10_000)])
    counted_entry = SelectField(_l("Entry that counts"), choices=[
        SelectChoice(CountedEntry.BEST.value, _l("The best (the earliest among equals)")),
        SelectChoice(CountedEntry.FIRST.value, _l("The first submitted"))])
    prediction_kind = SelectField(_l("Prediction question"), choices=[
        SelectChoice(PredictionKind.ALL_CORRECT.value, _l("How many entrants will answer every question correctly?")),
        SelectChoice(PredictionKind.ENTRIES.value, _l("How many entries will the round receive?"))])
    ranking_order = SelectField(_l("Ranking order"), choices=[
        SelectChoice(RANKING_ORDERS[0], _l("Correct answers, then closeness of the prediction, then time")),
        SelectChoice(RANKING_ORDERS[1], _l("Correct answers, then time, then closeness of the prediction"))])
    prizes_first = IntegerField(_l("First prizes"), validators=[InputRequired(), NumberRange(0, 10_000)])
    prizes_second = IntegerField(_l("Second prizes"), validators=[InputRequired(), NumberRange(0, 10_000)])
    prizes_third = IntegerField(_l("Third prizes"), validators=[InputRequired(), NumberRange(0, 10_000)])
    prizes_consolation = IntegerField(_l("Consolation prizes"), validators=[InputRequired(), NumberRange(0, 10_000)])
    unit_depth = SelectField(_l("Collective ranking by"), coerce=int, choices=[
        SelectChoice(1, _l("District-level units")), SelectChoice(2, _l("Commune-level units")), SelectChoice(3, _l("Party cells"))])
    unit_sizes = TextAreaField(_l("Member counts (one line per unit: code = number)"),
                               validators=[Optional(), Length(max=20_000)])

    def values(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "title", "organiser_name", "rules_html", "allow_public", "require_phone", "min_age", "entries_per_round",
            "ranking_order", "prizes_first", "prizes_second", "prizes_third", "prizes_consolation", "unit_depth")}
        data["organiser_name"] = data["organiser_name"] or ""
        data["starts_at"], data["ends_at"] = to_utc(self.starts_at.data), to_utc(self.ends_at.data)
        data["status"] = ContestStatus(self.status.data)
        data["counted_entry"] = CountedEntry(self.counted_entry.data)
        data["prediction_kind"] = PredictionKind(self.prediction_kind.data)
        return data


class RoundForm(Form):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=255)])
    opens_at = DateTimeLocalField(_l("Opens"), format=DT_FORMAT, validators=[DataRequired()])
    closes_at = DateTimeLocalField(_l("Closes"), format=DT_FORMAT, validators=[DataRequired()])
    question_count = IntegerField(_l("Questions drawn (10 to 35)"), validators=[InputRequired(), NumberRange(10, 35)])
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), validators=[InputRequired(), NumberRange(1, 180)])
    category_ids = SelectMultipleField(_l("Question categories"), coerce=int, validators=[DataRequired()])

    def values(self) -> dict:
        return {"title": self.title.data or "", "opens_at": to_utc(self.opens_at.data),
                "closes_at": to_utc(self.closes_at.data), "question_count": self.question_count.data,
                "time_limit_minutes": self.time_limit_minutes.data, "category_ids": list(self.category_ids.data)}


class RegistrationForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)],
                            render_kw={"autocomplete": "name"})
    birth_date = DateField(_l("Date of birth"), validators=[DataRequired()])
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=32)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    email = StringField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=255)],
                        render_kw={"autocomplete": "email"})
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=255)])
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[Optional()])
    unit_text = StringField(_l("Or type your organisation"), validators=[Optional(), Length(max=255)])
    challenge_token = HiddenField()
    challenge_answer = StringField(_l("Check question"), validators=[DataRequired(), Length(max=8)],
                                   render_kw={"inputmode": "numeric", "autocomplete": "off"})


class IdentifyForm(Form):
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=32)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    code = StringField(_l("Personal code"), validators=[DataRequired(), Length(max=16)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters"})


class RecoverForm(Form):
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=32)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})


class PhoneCodeForm(Form):
    """Ask for a code (``phone``: a cadre's number; members of the public verify their registered one)."""

    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=32)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})


class PhoneCheckForm(Form):
    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class EntryForm(Form):
    """CSRF and the prediction; the answers are read from the ``q<version id>`` fields by the view."""

    prediction = StringField(_l("Your prediction"), render_kw={"inputmode": "numeric", "autocomplete": "off"})


class ActionForm(Form):
    """A button that posts (publish results, start an entry): CSRF only."""
