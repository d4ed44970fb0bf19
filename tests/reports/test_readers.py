"""Readers ahead of an export: in order, on one snapshot, errors raised, stopped when closed."""
import threading

import pytest
from sqlalchemy import func, insert, literal, select

from elearn import db
from elearn.audit import AuditLog
from elearn.db import utcnow
from reports import readers


def count_entries(_x=None) -> int:
    return db.session.scalar(select(func.count(AuditLog.id)))


def add_entry() -> None:
    with db.engine().begin() as conn:
        conn.execute(insert(AuditLog).values(action="test.write", target="", details={}, at=utcnow()))


def test_results_come_in_input_order(app):
    assert list(readers.read_ahead(lambda x: x * 2, range(9), workers=2)) == [x * 2 for x in range(9)]
    assert list(readers.read_ahead(lambda x: x, [], workers=2)) == []


def test_two_readers_see_one_snapshot_though_a_write_commits_between_their_starts(app, monkeypatch):
    add_entry()
    before = count_entries()
    first_started = threading.Event()
    join = readers._Snapshot.join
    writer = threading.Thread(target=lambda: app.app_context().push() or add_entry())

    def join_with_a_write_between(self, reader):
        if reader == 0:
            join(self, reader)
            first_started.set()
            return
        assert first_started.wait(10)
        writer.start()
        writer.join(1.0)  # PostgreSQL commits now; SQLite waits for the lock held until both have started
        join(self, reader)

    monkeypatch.setattr(readers._Snapshot, "join", join_with_a_write_between)
    assert list(readers.read_ahead(count_entries, [0, 1], workers=2)) == [before, before]
    writer.join(10)
    db.session.rollback()  # end this test's own read
    assert count_entries() == before + 1  # the write was delayed or unseen, never lost


def test_an_error_in_a_reader_reaches_the_consumer(app):
    def fn(x):
        if x == 3:
            raise ValueError("batch 3")
        return x

    got = []
    with pytest.raises(ValueError, match="batch 3"):
        for x in readers.read_ahead(fn, range(6), workers=2):
            got.append(x)
    assert got == [0, 1, 2]


def test_closing_early_stops_the_readers(app):
    results = readers.read_ahead(count_entries, range(50), depth=1, workers=2)
    next(results)
    results.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("elearn-read-ahead")]


def test_a_reader_that_cannot_start_fails_the_read_at_once(app, monkeypatch):
    join = readers._Snapshot.join

    def failing_join(self, reader):
        if reader == 1:
            raise RuntimeError("no connection")
        join(self, reader)

    monkeypatch.setattr(readers._Snapshot, "join", failing_join)
    with pytest.raises(RuntimeError, match="no connection"):
        list(readers.read_ahead(count_entries, range(4), workers=2))



def test_text_comes_back_as_utf8_bytes_and_the_connections_are_left_as_they_were(app):
    name = "Nguyễn, \"Thị\""
    statement = select(literal(name).label("t"), literal(7).label("n"))
    assert list(readers.first_rows([statement, statement], workers=2)) == [(name.encode(), 7)] * 2
    assert list(readers.first_rows([statement], workers=1)) == [(name.encode(), 7)]
    if db.engine().dialect.name == "postgresql":  # its readers use a loader of their own cursor
        assert readers._pg_first_row(statement) == (name.encode(), 7)
    # the same connection through SQLAlchemy afterwards: text is a string again
    assert db.session.execute(statement).one() == (name, 7)


def test_values_with_percent_signs_quotes_and_dates_reach_the_readers_unchanged(app):
    at = utcnow().replace(microsecond=0)
    value = "100% 'đạt' %s %(x)s \\ ;"
    statement = select(literal(value).label("t"), literal(at).label("at"))
    text_value, at_value = list(readers.first_rows([statement, statement], workers=2))[1]
    assert text_value == value.encode()
    at_text = at_value.decode() if isinstance(at_value, bytes) else str(at_value)  # SQLite keeps dates as text
    assert at_text.startswith(at.strftime("%Y-%m-%d %H:%M:%S"))
