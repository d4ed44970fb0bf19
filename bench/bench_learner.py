"""CPU time and SQL per request of the learner's hot requests: the lesson page and quiz submission.

    .venv/bin/python bench/bench_learner.py                          # both, 300 requests each
    .venv/bin/python bench/bench_learner.py --only lesson --profile  # cProfile of the lesson page, top 30
    .venv/bin/python bench/bench_learner.py --reseed                 # rebuild the pristine database
    .venv/bin/python bench/bench_learner.py --only submit --answered # submits that grade 10 answers and pass

The dataset is ``bench/load/prepare.py``'s (a course with a 12-section lesson and quizzes of 10
questions, cadres with one attempt in progress per quiz), built once into
``/tmp/elearn-bench-learner.sqlite`` and copied fresh for every run (submits use attempts up).
Through the real app (Flask test client, real sign-ins, CSRF on, SQLite WAL with synchronous=FULL,
the in-process cache as in production), each request is timed from before_request to teardown:
this thread's CPU time (which other work on a busy machine does not inflate) and wall time, the
SQL statements (BEGIN/COMMIT not counted), and for writes the time the SQLite write lock was held (BEGIN IMMEDIATE to the
connection's return to the pool) — the time every other writer waits.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "load"))

PRISTINE = Path("/tmp/elearn-bench-learner.sqlite")
WORK = Path("/tmp/elearn-bench-learner-run.sqlite")


def _files(path: Path) -> list[Path]:
    return [Path(f"{path}{s}") for s in ("", "-wal", "-shm", "-writelock")]


def _app(path: Path):
    from elearn.app import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "RATELIMIT_ENABLED": False,
                       "SECRET_KEY": "bench", "INSTANCE_PATH": "/tmp/elearn-bench-learner-instance"})


def prepare(users: int, reseed: bool) -> dict:
    import json

    meta = PRISTINE.with_suffix(".json")
    if reseed or not PRISTINE.exists() or not meta.exists():
        for f in _files(PRISTINE):
            f.unlink(missing_ok=True)
        import prepare as load_prepare

        from elearn.cli import upgrade

        app = _app(PRISTINE)
        with app.app_context():
            upgrade()
            data = load_prepare.build(app, users, save_attempts=0, submit_quizzes=4)
        app.extensions["elearn.engine"].dispose()
        import sqlite3
        conn = sqlite3.connect(PRISTINE)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one file to copy
        conn.close()
        meta.write_text(json.dumps(data))
        print(f"built {PRISTINE}: {users} cadres in {data['seconds']} s")
    return json.loads(meta.read_text())


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Meter:
    """Per request, around the whole WSGI call (session cookie, sign-in, view, template, teardown):
    thread CPU, wall, SQL statements, write-lock hold (wall and CPU)."""

    def __init__(self, app):
        from sqlalchemy import event

        self.rows: list[dict] = []
        self.local = threading.local()
        engine = app.extensions["elearn.engine"]
        inner = app.wsgi_app

        def measured(environ, start_response):
            row = {"cpu": time.thread_time(), "wall": time.perf_counter(), "sql": 0, "lock": 0.0, "lock_cpu": 0.0}
            self.local.current = row
            try:
                iterable = inner(environ, start_response)
                try:
                    body = list(iterable)
                finally:
                    getattr(iterable, "close", lambda: None)()
            finally:
                row["cpu"] = (time.thread_time() - row["cpu"]) * 1000
                row["wall"] = (time.perf_counter() - row["wall"]) * 1000
                self.rows.append(row)
                self.local.current = None
            return body

        app.wsgi_app = measured

        @event.listens_for(engine, "before_cursor_execute")
        def count(_conn, _cursor, statement, *_args):
            current = getattr(self.local, "current", None)
            if current is not None and not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
                current["sql"] += 1

        @event.listens_for(engine, "begin")
        def began(conn):
            if conn.connection.info.get("elearn.write_lock"):  # set by elearn.db's own begin listener
                conn.connection.info["bench.lock"] = (time.perf_counter(), time.thread_time())

        @event.listens_for(engine, "checkin", insert=True)
        def returned(_dbapi, record):
            started = record.info.pop("bench.lock", None)
            current = getattr(self.local, "current", None)
            if started is not None and current is not None:
                current["lock"] += (time.perf_counter() - started[0]) * 1000
                current["lock_cpu"] += (time.thread_time() - started[1]) * 1000

    def report(self, name: str) -> None:
        rows, n = self.rows, len(self.rows)
        cpu, wall = [r["cpu"] for r in rows], [r["wall"] for r in rows]
        line = (f"{name:<14} n={n:<4} CPU p50 {statistics.median(cpu):6.2f} ms  p95 {_percentile(cpu, 95):6.2f} ms"
                f" | wall p50 {statistics.median(wall):6.2f} ms | {sum(r['sql'] for r in rows) / n:.1f} SQL/request")
        if any(r["lock"] for r in rows):
            lock, lock_cpu = [r["lock"] for r in rows], [r["lock_cpu"] for r in rows]
            line += (f" | write lock held p50 {statistics.median(lock):6.2f} ms"
                     f" (CPU {statistics.median(lock_cpu):5.2f} ms)")
        print(line, flush=True)


def sign_in(app, username: str, password: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, f"sign-in of {username} failed"
    page = client.get("/").get_data(as_text=True)
    return client, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def answer_all(attempt_ids: list[int], app) -> None:
    """Save the right answer (the first choice: prepare.py's questions) to every question."""
    from elearn import db
    from quizzes import answering
    from quizzes.models import QuizAttempt

    with app.app_context():
        db.set_write_intent(True)
        for attempt_id in attempt_ids:
            attempt = db.session.get(QuizAttempt, attempt_id)
            answering.save_answers(attempt, attempt.user, {
                q.position: {"choice": q.version.data["choices"][0]["id"]} for q in attempt.questions})
        db.session.commit()
        db.set_write_intent(False)


def _profiled(enabled: bool, run) -> None:
    if not enabled:
        run()
        return
    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    stats = pstats.Stats(profile).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="lesson,submit")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--users", type=int, default=400)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--answered", action="store_true",
                        help="submit: every answer saved and right first (grading, completing the item)")
    args = parser.parse_args()
    data = prepare(args.users, args.reseed)
    for f in _files(WORK):
        f.unlink(missing_ok=True)
    shutil.copy(PRISTINE, WORK)
    app = _app(WORK)
    from elearn.cli import upgrade
    with app.app_context():
        upgrade()  # migrations added since the pristine copy was made
    meter = Meter(app)
    only = args.only.split(",")

    if "lesson" in only:
        clients = [sign_in(app, u, data["password"])[0] for u in data["users"][:20]]
        for c in clients:  # warm up: first opening, statement and template caches
            for _ in range(3):
                assert c.get(data["lesson_url"]).status_code == 200

        def read(client):
            # As a reader does: the previous lesson page was opened a minute ago, so this visit
            # also credits that minute (one UPDATE). The cookie is rewritten outside the timing.
            with client.session_transaction() as s:
                s["studying"] = [data["lesson_item"], time.time() - 60]
            assert client.get(data["lesson_url"]).status_code == 200

        meter.rows.clear()
        _profiled(args.profile, lambda: [read(clients[i % len(clients)]) for i in range(args.requests)])
        meter.report("lesson page")

    if "submit" in only:
        slots = data["submit_slots"]
        need = min(args.requests, len(slots) - 20)
        by_user: dict[str, tuple] = {}
        plan = []
        for slot in slots[:need + 20]:
            if slot["user"] not in by_user:
                by_user[slot["user"]] = sign_in(app, slot["user"], data["password"])
            plan.append((by_user[slot["user"]], slot["attempt"]))

        def submit(entry):
            (client, token), attempt = entry
            response = client.post(f"/quizzes/attempt/{attempt}/submit",
                                   data={"csrf_token": token, "submit_key": f"b{attempt}"})
            assert response.status_code == 302 and "/review" in response.headers["Location"], response.status_code

        if args.answered:
            answer_all([attempt for _, attempt in plan], app)
        for entry in plan[:20]:  # warm up
            submit(entry)
        meter.rows.clear()
        _profiled(args.profile, lambda: [submit(e) for e in plan[20:]])
        meter.report("quiz submit")
    app.extensions["elearn.engine"].dispose()


if __name__ == "__main__":
    main()
