"""Language and time: Vietnamese by default, English on request; Asia/Ho_Chi_Minh for display."""
from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import numbers as babel_numbers
from flask import Flask, g, has_request_context, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

LOCALES = {"vi": "Tiếng Việt", "en": "English"}
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("elearn", "courses", "quizzes", "reports")


def catalog_dirs() -> list[Path]:
    """Every ``translations`` folder in the packages: a package or sub-package keeps its own
    catalog (``courses/certificates/translations``), so teams do not edit one shared file."""
    return sorted(d for pkg in PACKAGES for d in (ROOT / pkg).rglob("translations") if d.is_dir())


def select_locale() -> str:
    if not has_request_context():
        return "vi"  # CLI, jobs and services outside a request speak Vietnamese
    wanted = session.get("locale")
    if not wanted and not g.get("db_down") and current_user and current_user.is_authenticated:
        wanted = current_user.locale
    return wanted if wanted in LOCALES else "vi"


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy in Vietnam time, the form every Vietnamese report uses."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    return "" if value is None else to_local(value).strftime("%d/%m/%Y %H:%M")


def vietnamese_date_line(place: str, value: date | datetime) -> str:
    """'Thái Bình, ngày 15 tháng 3 năm 2023' as certificates and reports write it."""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{place}, ngày {value.day} tháng {value.month} năm {value.year}"


def _install_template_gettext(app: Flask) -> None:
    """A page calls ``_()`` dozens of times; Flask-Babel looks the request's catalog up on every
    call. Here it is looked up once per render and read from the template context: 7.7 against
    0.12 µs a call (bench/bench_prebuilt.py, host 61 ms), ~0.4 ms of a page with 60 texts.
    ``_`` and ``gettext`` are one function, not Jinja's three nested calls (its alias, its
    new-style wrapper, the callable): ~6 → ~3 µs a text, ~300 texts a learner's journey."""
    @app.context_processor
    def request_translations():
        return {"_translations": get_translations()}

    def catalog(context):
        found = context.get("_translations")  # absent in macros imported without context
        return found if found is not None else get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda c, s: catalog(c).ugettext(s)),
        ngettext=pass_context(lambda c, s, p, n: catalog(c).ungettext(s, p, n)),
        newstyle=True,
        pgettext=pass_context(lambda c, ctx, s: catalog(c).upgettext(ctx, s)),
        npgettext=pass_context(lambda c, ctx, s, p, n: catalog(c).unpgettext(ctx, s, p, n)))

    @pass_context
    def gettext(context, string: str, **variables):
        text = catalog(context).ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables  # always a format string, as Jinja's new-style gettext ("%%" is "%")

    app.jinja_env.globals.update(_=gettext, gettext=gettext)


def format_thousands(value: int | None) -> str:
    """12345 -> '12.345' (the Vietnamese thousands separator)."""
    return f"{value or 0:,}".replace(",", ".")


def format_number(value: float | None, digits: int = 2) -> str:
    """5.5 -> '5,5', 83.94 -> '83,94' in Vietnamese (Babel's number format for the page's locale);
    no trailing zeros, at most ``digits`` decimals."""
    if value is None:
        return ""
    # Python formats, the locale's two marks swapped in: Babel's format_decimal cost ~20 µs a call,
    # twenty calls on a quiz page (bench/load/journey_profile.py); tests check both agree.
    text = f"{round(value, digits):,.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    group, decimal = _marks(str(get_locale() or "vi"))
    return text.translate({ord(","): group, ord("."): decimal})


@lru_cache(maxsize=8)
def _marks(locale: str) -> tuple[str, str]:
    return babel_numbers.get_group_symbol(locale), babel_numbers.get_decimal_symbol(locale)


def format_percent(value: float | None, digits: int = 1) -> str:
    """A percentage given as 0-100: 44.44 -> '44,4 %' (Vietnamese), '44.4%' (English)."""
    if value is None:
        return ""
    pattern = "#,##0." + "0" * digits + (" %" if str(get_locale()) == "vi" else "%")
    return babel_numbers.format_percent(value / 100, format=pattern, locale=get_locale())


def decimal_mark(locale=None) -> str:
    """The decimal mark of ``locale`` (the page's by default; Vietnamese outside a request):
    ',' in Vietnamese, '.' in English. Exports write numbers in text with it (issue 17.9)."""
    return babel_numbers.get_decimal_symbol(locale or get_locale() or "vi")


def init_app(app: Flask, babel) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(d) for d in catalog_dirs())
    babel.init_app(app, locale_selector=select_locale,
                   timezone_selector=lambda: "Asia/Ho_Chi_Minh")
    _install_template_gettext(app)
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["thousands"] = format_thousands
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.globals["LOCALES"] = LOCALES
    app.jinja_env.globals["get_locale"] = get_locale


