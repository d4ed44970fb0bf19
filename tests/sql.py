"""The SQL a block of test code runs: to prove a request reads only, or how many queries it needs."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

WRITES = ("UPDATE", "INSERT", "DELETE", "BEGIN IMMEDIATE")
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")


@contextmanager
def statements(app, queries_only: bool = False) -> Iterator[list[str]]:
    """Yields a list that fills with every statement run in the block (``queries_only``: without
    transaction control, for counting)."""
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        if not (queries_only and statement.lstrip().upper().startswith(_CONTROL)):
            seen.append(statement)

    engine = app.extensions["elearn.engine"]
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def writes(seen: list[str]) -> list[str]:
    """The statements that write, or take SQLite's write lock."""
    return [s for s in seen if " ".join(s.split()[:2]).upper().startswith(WRITES)]
