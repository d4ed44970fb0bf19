"""What the question bank announces: which questions are live, and what they say, changed.

Sent by every bank service that adds, edits, archives or moves questions or categories, so that whoever
keeps a copy of a pool (``quizzes.contests.paper``, a round's question pool kept a few seconds) drops
it at once in this process, without a flush hook guessing from the objects a statement touched.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Questions were added, edited (a new version), archived or brought back, or categories moved or deleted.
bank_changed = _signals.signal("bank-changed")


def announce() -> None:
    bank_changed.send(None)
