"""Long reads (the million-row exports) computed ahead of their consumer by threads that
each have their own connection and all see one snapshot of the database.

A detail export spends most of its time in the database, which lets go of Python's lock
while it works (SQLite's driver around every step; PostgreSQL in its own backend), so two
readers use both cores. They must read the same committed state, or a cadre moved between
units during the export could be listed twice or not at all:

- PostgreSQL: the first reader exports its snapshot (``pg_export_snapshot``), the others
  import it (``SET TRANSACTION SNAPSHOT``) before their first query;
- SQLite (WAL): the readers start their transactions while a connection holds the write
  lock (``BEGIN IMMEDIATE``), so no commit can fall between them; it is let go as soon as
  all have started (milliseconds for threads, about a tenth of a second for processes).

``first_rows`` runs a list of statements that way; on SQLite its readers are processes
(``reports.sqlite_reader``), because threads contend inside the library.
"""
from __future__ import annotations

import contextlib
import pickle
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from flask import current_app
from sqlalchemy import text

from elearn import db
from reports import sqlite_reader

T = TypeVar("T")
R = TypeVar("R")

_DONE = object()
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


class _Snapshot:
    """Puts each reader's transaction on one snapshot (see the module's docstring)."""

    def __init__(self, dialect: str):
        self.dialect = dialect
        self.exported: str | None = None
        self.exported_event = threading.Event()
        self.lock_conn = None

    def hold(self) -> None:
        if self.dialect == "sqlite":
            self.lock_conn = db.engine().raw_connection()
            self.lock_conn.cursor().execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.lock_conn is not None:
            self.lock_conn.cursor().execute("ROLLBACK")
            self.lock_conn.close()
            self.lock_conn = None

    def join(self, reader: int) -> None:
        """Begin this thread's transaction (``db.session``) on the shared snapshot."""
        if self.dialect == "sqlite":
            db.session.execute(text("SELECT 1 FROM sqlite_master LIMIT 1"))  # the read starts here
        elif self.dialect == "postgresql":
            db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            if reader == 0:
                self.exported = db.session.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                self.exported_event.set()
            else:
                if not self.exported_event.wait(30) or not _SNAPSHOT_ID.match(self.exported or ""):
                    raise RuntimeError("the first reader exported no snapshot")
                db.session.execute(text(f"SET TRANSACTION SNAPSHOT '{self.exported}'"))
            # The readers are the parallelism: no worker processes of the planner's besides them,
            # and no JIT compiling each batch's big expression anew (it cost more than it saved).
            db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
            db.session.execute(text("SET LOCAL jit = off"))
            # Tables read by an export are in memory: with the default cost of a random page (4)
            # the planner scanned all enrolments for every batch instead of following the index.
            db.session.execute(text("SET LOCAL random_page_cost = 1.1"))
            db.session.execute(text("SET LOCAL work_mem = '64MB'"))  # a batch's sort stays in memory
        else:
            db.session.connection()


def read_ahead(fn: Callable[[T], R], inputs: Iterable[T], depth: int = 2, workers: int = 1) -> Iterator[R]:
    """``fn(x)`` for each input, in input order, computed by ``workers`` threads (input i by
    thread i mod workers, each up to ``depth`` results ahead) on one snapshot. ``fn`` reads
    through ``db.session``, which is the thread's own. Closing the iterator early stops them."""
    app = current_app._get_current_object()
    inputs = list(inputs)
    workers = max(1, min(workers, len(inputs)))
    results = [queue.Queue(maxsize=depth) for _ in range(workers)]
    stop = threading.Event()
    started = threading.Barrier(workers + 1)
    snapshot = _Snapshot(db.engine().dialect.name if workers > 1 else "")

    def put(reader: int, item) -> bool:
        while not stop.is_set():
            try:
                results[reader].put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work(reader: int) -> None:
        try:
            with app.app_context():
                try:
                    snapshot.join(reader)
                except BaseException:
                    snapshot.exported_event.set()  # a reader waiting for the snapshot gives up now
                    started.abort()                # and one waiting to start raises
                    raise
                started.wait()
                for x in inputs[reader::workers]:
                    if not put(reader, fn(x)):
                        return
                db.session.rollback()
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            put(reader, error)
            return
        put(reader, _DONE)

    threads = [threading.Thread(target=work, args=(k,), name=f"elearn-read-ahead-{k}", daemon=True)
               for k in range(workers)]
    snapshot.hold()
    try:
        for thread in threads:
            thread.start()
        try:
            started.wait()
        except threading.BrokenBarrierError:
            pass  # the failing reader's error comes through its queue
    finally:
        snapshot.release()
    try:
        for i in range(len(inputs)):
            item = results[i % workers].get()
            if isinstance(item, threading.BrokenBarrierError):
                item = _first_error(results) or item
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _first_error(results: list[queue.Queue]) -> BaseException | None:
    """The error that broke the start (another reader's), rather than the broken barrier."""
    for q in results:
        for item in list(q.queue):
            if isinstance(item, BaseException) and not isinstance(item, threading.BrokenBarrierError):
                return item
    return None


def first_rows(statements: list, workers: int = 2) -> Iterator[tuple]:
    """The first row of each statement, in order, read ahead on one snapshot by ``workers``
    threads (on PostgreSQL a backend each) or, on an SQLite file, worker processes.
    Text values come back as UTF-8 bytes: what is read this way is written to a file as it is."""
    engine = db.engine()
    if engine.dialect.name == "postgresql":
        yield from read_ahead(_pg_first_row, statements, depth=1, workers=workers)
        return
    if engine.dialect.name != "sqlite" or workers < 2 or engine.url.database in (None, "", ":memory:"):
        # one result ahead per reader: a batch of an export is megabytes
        yield from read_ahead(lambda stmt: _text_as_bytes(db.session.connection().execute(stmt).one()), statements,
                              depth=1, workers=workers)
        return
    workers = min(workers, len(statements))
    procs: list[subprocess.Popen] = []
    feeder: _Feeder | None = None
    snapshot = _Snapshot("sqlite")
    try:
        snapshot.hold()
        try:
            procs = [subprocess.Popen([sys.executable, "-m", "reports.sqlite_reader", engine.url.database],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE) for _ in range(workers)]
            if any(p.stdout.readline() != sqlite_reader.READY for p in procs):
                raise RuntimeError("an export reader process did not start")
        finally:
            snapshot.release()
        feeder = _Feeder(engine.dialect, statements, procs)
        feeder.start()
        for i in range(len(statements)):
            try:
                kind, value = pickle.load(procs[i % workers].stdout)
            except EOFError:
                kind, value = "error", "the process ended"
            if kind == "error":
                raise feeder.error or RuntimeError(f"export reader: {value}")
            yield value
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        if feeder is not None:
            feeder.join()  # it ends once the processes have: its writes fail or are done
        for proc in procs:
            proc.stdout.close()
            with contextlib.suppress(OSError, ValueError):  # closing flushes: the process may be gone
                proc.stdin.close()


def _text_as_bytes(row) -> tuple:
    return tuple(value.encode() if isinstance(value, str) else value for value in row)


def _sql(stmt, dialect) -> str:
    """The statement as SQL text, its values rendered by SQLAlchemy's literal processors (a value
    no type can render fails here, loudly)."""
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _pg_first_row(stmt) -> tuple:
    """The statement's first row on this thread's connection (and snapshot), text as bytes."""
    from reports import pg_reader  # here: psycopg is loaded only where PostgreSQL is used

    conn = db.session.connection()
    return pg_reader.first_row(conn.connection.driver_connection, _sql(stmt, conn.dialect))


class _Feeder(threading.Thread):
    """Compiles the statements to SQL text (literal values rendered by SQLAlchemy) and hands
    statement i to process i mod n while the main thread reads results: pipes have room for a
    few statements, so writing from the main thread could wait on a process that waits on it."""

    def __init__(self, dialect, statements: list, procs: list[subprocess.Popen]):
        super().__init__(name="elearn-sqlite-feeder", daemon=True)
        self.dialect, self.statements, self.procs = dialect, statements, procs
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for i, stmt in enumerate(self.statements):
                self._send(self.procs[i % len(self.procs)], _sql(stmt, self.dialect))
        except (BrokenPipeError, ValueError):  # the processes were stopped: the read ended early
            pass
        except BaseException as error:  # noqa: BLE001 - raised by the reader in the main thread
            self.error = error
        finally:
            for proc in self.procs:  # the end of the statements (an unfinished read ends with EOF)
                try:
                    self._send(proc, None)
                    proc.stdin.close()
                except (BrokenPipeError, ValueError, OSError):
                    pass

    @staticmethod
    def _send(proc: subprocess.Popen, sql: str | None) -> None:
        pickle.dump(sql, proc.stdin)
        proc.stdin.flush()
