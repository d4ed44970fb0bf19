"""The one exception a service raises when a rule is broken.

Each domain has its subclass (``AccountError``, ``CourseError``, ``QuizError`` …). A view that has
nothing better to do with one lets it go: the request's unit of work rolls back and the user sees
the message (``elearn.app``: a flash and back to the page the form was on; JSON for the page's
scripts). A view that shows it in a form catches it instead.
"""
from __future__ import annotations


class DomainError(ValueError):
    """A rule was broken; the message is shown to the user as it is."""

    status = 400
