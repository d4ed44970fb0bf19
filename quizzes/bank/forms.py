"""Category and question forms. A question form is one form for every kind; the template
shows the rows its kind uses. Rows are a fixed number of blank lines, and "more rows"
reloads the page with more: it all works without JavaScript."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from elearn.forms import Form, SubForm
from elearn.html import rich_text
from quizzes.bank.models import QuestionKind, QuestionVersion
from quizzes.bank.types import format_number, parse_number

K = QuestionKind
# Blank rows a new form starts with, and how many "more rows" adds.
ROWS = {"choices": 5, "answers": 3, "numbers": 2, "pairs": 4}
MORE = 3
MAX_ROWS = 50
ROWS_OF_KIND = {K.SINGLE: "choices", K.MULTIPLE: "choices", K.SHORTANSWER: "answers", K.NUMERICAL: "numbers",
                K.MATCHING: "pairs"}


class FormDataError(ValueError):
    """A number in the form that cannot be read; the message names the row."""


class CategoryForm(Form):
    name = StringField(_l("Name"), [DataRequired(), Length(max=255)])
    description = TextAreaField(_l("Description"), [Length(max=2000)], render_kw={"rows": 2})
    parent = SelectField(_l("Parent category"), coerce=str, validate_choice=True)
    submit = SubmitField(_l("Save"))


class ChoiceRow(SubForm):
    id = HiddenField()
    html = TextAreaField(_l("Choice"), render_kw={"rows": 2})
    percent = StringField(_l("Weight (percent)"), render_kw={"inputmode": "decimal", "size": 6})
    feedback = TextAreaField(_l("Feedback"), render_kw={"rows": 1})


class AnswerRow(SubForm):
    text = StringField(_l("Accepted answer"))
    percent = StringField(_l("Weight (percent)"), default="100", render_kw={"inputmode": "decimal", "size": 6})
    feedback = TextAreaField(_l("Feedback"), render_kw={"rows": 1})


class NumberRow(SubForm):
    value = StringField(_l("Value"), render_kw={"inputmode": "decimal"})
    tolerance = StringField(_l("Tolerance (±)"), default="0", render_kw={"inputmode": "decimal"})
    percent = StringField(_l("Weight (percent)"), default="100", render_kw={"inputmode": "decimal", "size": 6})
    feedback = TextAreaField(_l("Feedback"), render_kw={"rows": 1})


class PairRow(SubForm):
    id = HiddenField()
    prompt = TextAreaField(_l("Prompt"), render_kw={"rows": 1})
    answer = StringField(_l("Matching answer"))


class QuestionForm(Form):
    name = StringField(_l("Short name (optional)"), [Length(max=255)])
    text_html = TextAreaField(_l("Question text"), [DataRequired()], render_kw=rich_text(5))
    points = StringField(_l("Points"), default="1", render_kw={"inputmode": "decimal", "size": 6})
    general_feedback_html = TextAreaField(_l("Explanation (general feedback)"), render_kw=rich_text(3))
    tags = StringField(_l("Tags (comma-separated)"), [Length(max=500)])
    choices = FieldList(FormField(ChoiceRow), max_entries=MAX_ROWS)
    shuffle = BooleanField(_l("Shuffle the choices in each attempt"), default=True)
    all_or_nothing = BooleanField(_l("All or nothing (no partial credit)"))
    answer = RadioField(_l("The statement is"), choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
                        validate_choice=False)
    feedback_true = TextAreaField(_l("Feedback for the answer “true”"), render_kw={"rows": 1})
    feedback_false = TextAreaField(_l("Feedback for the answer “false”"), render_kw={"rows": 1})
    answers = FieldList(FormField(AnswerRow), max_entries=MAX_ROWS)
    case_sensitive = BooleanField(_l("Case matters"))
    accent_insensitive = BooleanField(_l("Accept answers typed without Vietnamese accents"))
    wildcards = BooleanField(_l("* in an answer stands for any text (as in Moodle)"))
    numbers = FieldList(FormField(NumberRow), max_entries=MAX_ROWS)
    pairs = FieldList(FormField(PairRow), max_entries=MAX_ROWS)
    more = SubmitField(_l("More rows"))
    save = SubmitField(_l("Save"))

    def pad_rows(self, kind: QuestionKind, extra: int = 0) -> None:
        """Blank rows up to the kind's default, plus ``extra`` ("more rows")."""
        key = ROWS_OF_KIND.get(kind)
        if key is None:
            return
        rows = getattr(self, key)
        target = min(MAX_ROWS, max(ROWS[key], len(rows)) + extra)
        while len(rows) < target:
            rows.append_entry()


def _percent(text: str, label: str, default: float = 0.0) -> float:
    text = (text or "").strip().rstrip("%")
    if not text:
        return default
    value = parse_number(text)
    if value is None:
        raise FormDataError(_("%(label)s: the weight must be a number.", label=label))
    return value / 100


def _num(text: str, label: str) -> float | str:
    value = parse_number(text or "")
    if value is None:
        raise FormDataError(_("%(label)s must be a number.", label=label))
    return value


def _blank(row: dict[str, Any], *keys: str) -> bool:
    return not any((row.get(k) or "").strip() for k in keys)


def form_to_fields(form: QuestionForm, kind: QuestionKind) -> dict[str, Any]:
    """Keyword arguments for ``services.create_question`` / ``update_question`` (blank rows dropped)."""
    points = parse_number(form.points.data or "")
    if points is None:
        raise FormDataError(_("The points must be a number."))
    return {"name": form.name.data or "", "text_html": form.text_html.data or "", "points": points,
            "general_feedback_html": form.general_feedback_html.data or "", "tags": form.tags.data or "",
            "data": _form_data(form, kind)}


def _form_data(form: QuestionForm, kind: QuestionKind) -> dict[str, Any]:
    if kind in (K.SINGLE, K.MULTIPLE):
        rows = [r for r in form.choices.data if not _blank(r, "html", "feedback")]
        return {"choices": [{"id": r["id"] or None, "html": r["html"], "feedback": r["feedback"],
                             "fraction": _percent(r["percent"], _("Choice %(n)d", n=i + 1))}
                            for i, r in enumerate(rows)],
                "shuffle": form.shuffle.data, "all_or_nothing": form.all_or_nothing.data}
    if kind == K.TRUEFALSE:
        answer = {"true": True, "false": False}.get(form.answer.data or "")
        return {"answer": answer, "feedback_true": form.feedback_true.data or "",
                "feedback_false": form.feedback_false.data or ""}
    if kind == K.SHORTANSWER:
        rows = [r for r in form.answers.data if not _blank(r, "text")]
        return {"answers": [{"text": r["text"], "feedback": r["feedback"],
                             "fraction": _percent(r["percent"], _("Answer %(n)d", n=i + 1), 1.0)}
                            for i, r in enumerate(rows)],
                "case_sensitive": form.case_sensitive.data, "accent_insensitive": form.accent_insensitive.data,
                "wildcards": form.wildcards.data}
    if kind == K.NUMERICAL:
        rows = [r for r in form.numbers.data if not _blank(r, "value")]
        answers = []
        for i, r in enumerate(rows):
            label = _("Answer %(n)d", n=i + 1)
            answers.append({"value": _num(r["value"], label), "tolerance": _num(r["tolerance"] or "0", label),
                            "fraction": _percent(r["percent"], label, 1.0), "feedback": r["feedback"]})
        return {"answers": answers}
    if kind == K.MATCHING:
        rows = [r for r in form.pairs.data if not _blank(r, "prompt", "answer")]
        return {"pairs": [{"id": r["id"] or None, "prompt": r["prompt"], "answer": r["answer"]} for r in rows],
                "shuffle": form.shuffle.data}
    return {}


def version_to_formdata(version: QuestionVersion) -> dict[str, Any]:
    """The form's initial data from a stored version (for editing)."""
    data, kind = version.data, version.kind

    def pct(fraction: float) -> str:
        return format_number(round(fraction * 100, 5))

    initial: dict[str, Any] = {"name": version.name, "text_html": version.text_html,
                               "points": format_number(version.points),
                               "general_feedback_html": version.general_feedback_html,
                               "shuffle": data.get("shuffle", True)}
    if kind in (K.SINGLE, K.MULTIPLE):
        initial["choices"] = [{"id": c["id"], "html": c["html"], "percent": pct(c["fraction"]),
                               "feedback": c.get("feedback", "")} for c in data["choices"]]
        initial["all_or_nothing"] = data.get("all_or_nothing", False)
    elif kind == K.TRUEFALSE:
        initial.update(answer="true" if data["answer"] else "false", feedback_true=data.get("feedback_true", ""),
                       feedback_false=data.get("feedback_false", ""))
    elif kind == K.SHORTANSWER:
        initial["answers"] = [{"text": a["text"], "percent": pct(a["fraction"]), "feedback": a.get("feedback", "")}
                              for a in data["answers"]]
        initial.update(case_sensitive=data.get("case_sensitive", False),
                       accent_insensitive=data.get("accent_insensitive", False),
                       wildcards=data.get("wildcards", False))
    elif kind == K.NUMERICAL:
        initial["numbers"] = [{"value": format_number(a["value"]), "tolerance": format_number(a["tolerance"]),
                               "percent": pct(a["fraction"]), "feedback": a.get("feedback", "")}
                              for a in data["answers"]]
    elif kind == K.MATCHING:
        initial["pairs"] = [{"id": p["id"], "prompt": p["prompt"], "answer": p["answer"]} for p in data["pairs"]]
    return initial
