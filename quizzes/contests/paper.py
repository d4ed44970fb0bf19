"""What a round's entries are drawn from and shown with, kept by the app (each process) between
requests: the round's question pool (a few seconds) and the drawn question versions (a version never
changes once written, an edit adds one). The entry path of a round's peak hour reads them on every
start, paper and submit (``bench/load/contest_profile.py``); ``services`` draws and grades with them.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import or_, select

from elearn import db
from elearn.units.models import subtree_of
from quizzes.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from quizzes.bank.signals import bank_changed
from quizzes.contests.models import ContestRound

CONTEST_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def question_pool(category_ids: list[int]) -> list[tuple[int, int]]:
    """(question id, current version id) of live single/multiple choice questions in the categories."""
    paths = list(db.session.scalars(select(QuestionCategory.path).where(QuestionCategory.id.in_(category_ids or [0]))))
    if not paths:
        return []
    where = [subtree_of(p, QuestionCategory.path) for p in paths]
    stmt = (select(Question.id, Question.current_version_id)
            .join(QuestionCategory, QuestionCategory.id == Question.category_id)
            .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
            .where(or_(*where), Question.archived.is_(False), QuestionVersion.kind.in_(CONTEST_KINDS))
            .order_by(Question.id))
    return list(db.session.execute(stmt))


POOL_SECONDS = 5.0


def round_pool(r: ContestRound) -> list[tuple[int, int]]:
    """``question_pool`` of a round's categories, kept by the app (each process) for at most
    CONTEST_POOL_SECONDS (5): a round's peak starts thousands of entries a minute from one pool.
    A change of the round's categories is a new key; a question, version or category written in
    this process empties the cache at once (``quizzes.bank.signals``); another process's edit shows here
    within the seconds."""
    cache: dict[tuple, tuple[float, list]] = current_app.extensions.setdefault("contests.pools", {})
    key = (r.id, tuple(r.category_ids or ()))
    now = time.monotonic()
    held = cache.get(key)
    if held is None or now - held[0] > current_app.config.get("CONTEST_POOL_SECONDS", POOL_SECONDS):
        held = cache[key] = (now, question_pool(r.category_ids))
    return held[1]


@bank_changed.connect
def _forget_pools(_sender, **_kw) -> None:
    """A question or category written in this process: its pools are read again at the next draw."""
    if has_app_context():
        current_app.extensions.pop("contests.pools", None)


@dataclass(frozen=True, slots=True)
class Version:
    """What an entry needs of a drawn question version: a version never changes once written
    (``quizzes.bank``: an edit adds one), so each process keeps the ones it has read."""
    id: int
    kind: QuestionKind
    text_html: str
    data: dict[str, Any]


VERSIONS_MAX = 20_000  # a few rounds' pools; then the cache starts again (a dict, not an LRU: rounds are few)


def drawn_versions(ids: list[int], also: list[int] = ()) -> dict[int, Version]:
    """The versions of ``ids``: from the app's cache (one per process and app, so one per database),
    the missing ones in one SELECT, with those of ``also`` (a draw reads its whole pool at once)."""
    cache: dict[int, Version] = current_app.extensions.setdefault("contests.versions", {})
    found = {i: v for i in ids if (v := cache.get(i)) is not None}  # another thread may empty the cache
    missing = [i for i in ids if i not in found]
    if missing:
        missing = list(dict.fromkeys(missing + [i for i in also if i not in cache]))
        if len(cache) + len(missing) > VERSIONS_MAX:
            cache.clear()
        rows = db.session.execute(select(QuestionVersion.id, QuestionVersion.kind, QuestionVersion.text_html,
                                         QuestionVersion.data).where(QuestionVersion.id.in_(missing)))
        for row in rows:
            found[row.id] = cache[row.id] = Version(row.id, QuestionKind(row.kind), row.text_html, row.data)
    return {i: found[i] for i in ids}
