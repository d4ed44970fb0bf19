"""Numbers in the page's language (issue 17.9): 44,4 %, 5,5 / 7 in Vietnamese; 44.4%, 5.5 in English."""
from flask import session
from flask_babel import refresh

from elearn.i18n import format_number, format_percent


def test_vietnamese_and_english_number_forms(app):
    with app.test_request_context("/"):
        assert (format_percent(44.444), format_number(5.5), format_number(83.94), format_number(7.0)) == \
            ("44,4 %", "5,5", "83,94", "7")
        assert format_number(1234.5) == "1.234,5" and format_percent(None) == "" and format_number(None) == ""
    with app.test_request_context("/"):
        session["locale"] = "en"
        refresh()  # the locale is cached for the app context the fixture keeps
        assert (format_percent(44.444), format_number(5.5), format_number(1234.5)) == ("44.4%", "5.5", "1,234.5")


def test_number_filter_agrees_with_babel(app):
    """``format_number`` formats with Python for speed; Babel's own pattern is the reference."""
    from babel.numbers import format_decimal

    values = [0, 0.004, 0.005, 0.5, 1, 2.25, 3.333333, -1.5, -0.001, 999.995, 1000, 12345.678, 1e7, 83.94]
    for locale in ("vi", "en"):
        with app.test_request_context("/"):
            session["locale"] = locale
            refresh()
            for digits in (0, 1, 2):
                for value in values:
                    expected = format_decimal(round(value, digits), format="#,##0." + "#" * digits, locale=locale)
                    expected = "0" if expected == "-0" else expected  # Babel writes a rounded -0.001 as "-0"
                    assert format_number(value, digits) == expected, (locale, digits, value)
