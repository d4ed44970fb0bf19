"""Database: declarative base, a UTC datetime type, and a session per request.

Plain SQLAlchemy 2.0 rather than Flask-SQLAlchemy: we need control over SQLite's
transaction mode (``BEGIN IMMEDIATE`` for writes) and a session scoped to the
request, which are a few lines here and awkward to bend there.

One rule for every request: it begins as a reader; on SQLite its first write statement takes the
write lock (``on_first_write``), held to the commit. Views and services never say when: hashing,
grading and rendering happen before the first write or after the commit, and tests measure every
hold of the lock (``_record_hold``; tests/test_journey_write_lock.py).
"""
from __future__ import annotations

import contextvars
import enum
import fcntl
import os
import threading
import time
from datetime import UTC, datetime
from typing import Any

import click
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import DateTime, Enum, MetaData, String, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def BinaryString(length: int) -> String:
    """A string compared byte by byte, so that prefix ranges (materialized paths) use the index."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


# True while the current unit of work intends to write: SQLite then takes the write lock at
# BEGIN. Otherwise it begins as a reader and takes the lock at its first write (on_first_write).
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


def set_write_intent(value: bool = True) -> None:
    """Mark the current unit of work as writing. Inside a CLI command it lasts until the
    command ends, never beyond (tests and scripts run many commands in one thread)."""
    _write_intent.set(value)
    ctx = click.get_current_context(silent=True)
    if value and ctx is not None:
        ctx.find_root().call_on_close(lambda: _write_intent.set(False))


def writes(view):
    """Mark a view whose whole unit of work must run as a writer (SQLite: the write lock from
    BEGIN), when what it reads must not change before it writes. Others read first and take the
    lock at their first write (``on_first_write``)."""
    view._writes = True
    return view


def write_now(work=None):
    """Run ``work`` (if given) and commit what the request wrote so far now, not when it ends: the
    rest of the request (rendering a page, grading, streaming an export) must not hold SQLite's
    write lock. The one early commit point of a request; returns what ``work`` returned."""
    done = work() if work is not None else None
    session.commit()
    _run_after_commit()
    return done


def discard() -> None:
    """Drop what the request wrote so far: a refused form is shown again (a view that catches a
    ``DomainError`` to show it there); what is written next is committed as usual."""
    session.rollback()
    if has_request_context():
        g.pop("db_after_commit", None)


def after_commit(callback) -> None:
    """Run ``callback`` once the request's writes are committed (delete a file the rows no longer
    name: before the commit, a failure would leave rows pointing at nothing)."""
    if has_request_context():
        g.setdefault("db_after_commit", []).append(callback)
    else:
        callback()


def _run_after_commit() -> None:
    for callback in g.pop("db_after_commit", []) if has_request_context() else []:
        callback()


def keep() -> None:
    """Commit what the request wrote even though its response is an error (a refused import:
    its audit entry stays). Normally an error response writes nothing."""
    g.db_keep = True


def begin_write() -> None:
    """Outside requests (tests, scripts): end the read transaction, keeping what it loaded; the
    next statement begins as a writer. Requests need not call it: their first write does it."""
    current = session()
    if current.new or current.dirty or current.deleted:
        raise RuntimeError("begin_write() with unflushed changes: they would be written in a read transaction")
    current.commit()  # a read-only transaction: nothing is written, nothing expires (expire_on_commit=False)
    if has_request_context():
        g.db_write = True
    else:
        set_write_intent(True)


def end_write() -> None:
    """The writes are committed: what is read next runs in a read transaction."""
    if has_request_context():
        g.db_write = False
    else:
        set_write_intent(False)


def insert_or_ignore(model):
    """An INSERT that does nothing when a unique key already holds the row: of two requests
    creating the same row at once (two tabs, a retry), the second waits and keeps the first's."""
    return upsert_insert(model).on_conflict_do_nothing()


def upsert_insert(model):
    """The INSERT of this database's dialect, which has ``on_conflict_do_nothing`` and
    ``on_conflict_do_update`` (the same on SQLite and PostgreSQL)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if engine().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def _wants_write() -> bool:
    if has_request_context():
        return bool(g.get("db_write"))
    return _write_intent.get()


def _scope() -> object:
    # One session per request, else per app context (CLI, tests). A request reuses an app context
    # already pushed (a test's), so the request's own token lives in its WSGI environ.
    if has_request_context():
        return request.environ.setdefault("elearn.db_scope", object())
    return g.setdefault("elearn_db_scope", object())


def _make_session() -> Session:
    return Session(bind=current_app.extensions["elearn.engine"], expire_on_commit=False)


session: scoped_session[Session] = scoped_session(_make_session, scopefunc=_scope)


_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")


def _configure_sqlite(engine: Engine, synchronous: str, flock: bool = True, lock_log: str | None = None) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    lock = _WriteLock(engine.url.database, flock, lock_log)

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        if not _wants_write():
            conn.exec_driver_sql("BEGIN")
            return
        lock.acquire()
        conn.connection.info["elearn.write_lock"] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            conn.connection.info.pop("elearn.write_lock", None)
            lock.release()
            raise

    @event.listens_for(engine, "before_cursor_execute")
    def on_first_write(conn, _cursor, statement, *_args):
        """A unit of work that began as a reader and now writes: end its read transaction, take
        the write lock, begin again as a writer (a WAL read transaction cannot safely become a
        write one). So every request reads without the lock and holds it from its first write to
        its commit only. What it read is not locked, as under PostgreSQL's READ COMMITTED: the
        writes must hold whatever another writer committed in between (conditional UPDATEs,
        increments, unique indexes)."""
        info = conn.connection.info
        if info.get("elearn.write_lock") or not statement.lstrip()[:9].upper().startswith(_WRITE_VERBS):
            return
        raw = conn.connection.dbapi_connection
        if raw.in_transaction:
            raw.execute("COMMIT")  # a read-only transaction: nothing is written
        lock.acquire()
        info["elearn.write_lock"] = True
        try:
            raw.execute("BEGIN IMMEDIATE")
        except BaseException:
            info.pop("elearn.write_lock", None)
            lock.release()
            raise

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_conn, record):
        # Back in the pool means committed or rolled back: the write lock is free again.
        if record.info.pop("elearn.write_lock", False):
            lock.release()


class _WriteLock:
    """Writers queue here before asking SQLite for its write lock.

    SQLite's own busy handler polls with sleeps of up to 100 ms, so under load a waiting
    writer can lose the race again and again (seconds of tail latency). Here, threads of
    one process wait on a lock and processes on ``flock`` of a file beside the database:
    the kernel wakes a waiter the moment the lock is free. ``busy_timeout`` still covers
    writers outside the app (a CLI command).
    """

    def __init__(self, database: str | None, flock: bool = True, log: str | None = None):
        self._thread_lock = threading.RLock()  # re-entry falls through to busy_timeout, never hangs
        self._path = f"{database}-writelock" if flock and database and database != ":memory:" else None
        self._log = log
        self._fd: int | None = None
        self._taken = (time.perf_counter(), time.thread_time())  # when and at what CPU time it was taken

    def acquire(self) -> None:
        self._thread_lock.acquire()
        if self._path is not None:
            try:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._thread_lock.release()
                raise
        self._taken = (time.perf_counter(), time.thread_time())

    def release(self) -> None:
        if self._path is not None and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        _record_hold(*self._taken, self._log)
        try:
            self._thread_lock.release()
        except RuntimeError:  # not held by this thread (a connection collected elsewhere)
            pass


# Every hold of the write lock is measured: nothing CPU-heavy may run while other writers wait.
# Tests put a list in ``app.extensions["elearn.lock_holds"]``; the journey benchmark sets
# ELEARN_LOCK_LOG (config LOCK_LOG) to collect them from every server process.
def _record_hold(wall_started: float, cpu_started: float, log_path: str | None = None) -> None:
    wall, cpu = time.perf_counter() - wall_started, time.thread_time() - cpu_started
    endpoint = request.endpoint if has_request_context() else None
    holds = current_app.extensions.get("elearn.lock_holds") if has_app_context() else None
    if holds is not None:
        holds.append((endpoint, wall, cpu))
    if log_path:
        with open(f"{log_path}.{os.getpid()}", "a") as log:
            log.write(f"{endpoint or '-'}\t{wall * 1000:.3f}\t{cpu * 1000:.3f}\n")


def make_engine(url: str, config: dict) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine, config.get("SQLITE_SYNCHRONOUS", "FULL"), config.get("SQLITE_WRITE_FLOCK", True),
                          config.get("LOCK_LOG"))
        return engine
    return create_engine(
        url,
        pool_size=config.get("DB_POOL_SIZE", 5),
        max_overflow=config.get("DB_MAX_OVERFLOW", 5),
        pool_pre_ping=True,
        pool_recycle=1800,
    )


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["SQLALCHEMY_DATABASE_URI"], app.config)
    app.extensions["elearn.engine"] = engine

    @app.before_request
    def mark_write_intent():
        # Every request reads first; on SQLite the write lock is taken at its first write
        # (``on_first_write``). ``@writes`` asks for it from the start (a view that must not
        # read anything another writer could change before it writes).
        view = app.view_functions.get(request.endpoint or "")
        g.db_write = getattr(view, "_writes", False)

    @app.after_request
    def commit_unit_of_work(response):
        """The request's commit point: what a view wrote is committed before its response leaves
        (the view need not commit), and an error response writes nothing. An exception never gets
        here: the session is removed, and so rolled back, at teardown."""
        if session.registry.has():
            if response.status_code < 400 or g.get("db_keep"):
                session.commit()
                _run_after_commit()
            else:
                session.rollback()
        return response

    @app.teardown_request
    def remove_request_session(_exc):
        session.remove()

    @app.teardown_appcontext
    def remove_context_session(_exc):
        session.remove()


def engine() -> Engine:
    return current_app.extensions["elearn.engine"]


def ping() -> bool:
    try:
        with engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "unreachable" to a health check
        return False


def str_enum(enum_cls: type[enum.Enum], length: int = 16) -> Enum:
    """Store an enum by value as a plain string (portable, readable in SQL)."""
    return Enum(enum_cls, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda cls: [m.value for m in cls])
