"""What the course services announce, for whoever keeps figures about them (``reports``).

Every service that changes who is on a course, what they have done, their certificates, or which
items count, sends one of these with the ``course_ids`` it touched. The statistics listen, so that
``courses`` never imports them and no flush hook has to guess what a statement changed.
``tests/reports/test_freshness.py`` drives every public service and checks the dashboard figures.
"""
from __future__ import annotations

from collections.abc import Iterable

from blinker import Namespace

_signals = Namespace()

#: Enrolments of these courses were made, ended, completed or given another due date.
enrolments_changed = _signals.signal("enrolments-changed")
#: Cadres opened, completed or scored items of these courses.
progress_changed = _signals.signal("progress-changed")
#: Certificates of these courses were issued or revoked.
certificates_changed = _signals.signal("certificates-changed")
#: Items of these courses were added, deleted, or made required or optional.
items_changed = _signals.signal("items-changed")


def announce(signal, course_ids: Iterable[int]) -> None:
    ids = sorted(set(course_ids))
    if ids:
        signal.send(None, course_ids=ids)
