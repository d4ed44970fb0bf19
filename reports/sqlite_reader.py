"""A read-only SQLite worker process: ``python -m reports.sqlite_reader DATABASE``.

Threads reading SQLite in one process do not run side by side (they contend inside the
library: two threads took 40 s of CPU for what one does in 26), so a long export on SQLite
reads with processes. The worker begins its read transaction, says ``ready`` on stdout,
then reads pickled SQL texts on stdin (``None`` ends them) and writes the first row of each,
pickled, in order (text as UTF-8 bytes); a failure is written as ``("error", message)``. Only
the standard library here: the worker starts in a few tens of milliseconds.
"""
from __future__ import annotations

import pickle
import sqlite3
import sys

READY = b"ready\n"


def serve(database: str, stdin=None, stdout=None) -> None:
    stdin, stdout = stdin or sys.stdin.buffer, stdout or sys.stdout.buffer
    conn = sqlite3.connect(database, isolation_level=None)
    conn.text_factory = bytes  # text as the UTF-8 it is stored in: the exports write it as it is
    conn.execute("PRAGMA query_only = ON")
    conn.execute("BEGIN")
    conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")  # the snapshot is taken here
    stdout.write(READY)
    stdout.flush()
    try:
        while (sql := pickle.load(stdin)) is not None:
            row = conn.execute(sql).fetchone()
            pickle.dump(("row", tuple(row)) if row is not None else ("error", "the statement returned no row"), stdout)
            stdout.flush()
    except BrokenPipeError:  # the reader stopped early
        return
    except Exception as error:  # noqa: BLE001 - reported to the parent, which raises it
        pickle.dump(("error", f"{type(error).__name__}: {error}"), stdout)
        stdout.flush()


if __name__ == "__main__":
    serve(sys.argv[1])
