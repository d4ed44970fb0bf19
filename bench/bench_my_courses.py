"""Server time of "My courses" and the course outline for a cadre with 20 courses, through the real app.

    .venv/bin/python bench/bench_my_courses.py                       # seeds /tmp/elearn-bench-courses.sqlite once
    .venv/bin/python bench/bench_my_courses.py --cadres 100000 --courses 20 --requests 300
    .venv/bin/python bench/bench_my_courses.py --db /tmp/other.sqlite --reseed

Seeds (or reuses) a SQLite database with ``bench/seed.py``'s shape, signs in as ``bench.cadre``
(enrolled in every course, at every stage) with the Flask test client, and times each request
from before_request to teardown (session, sign-in check, queries, template, commit). Prints
p50/p95 in ms per page (wall clock, and this thread's CPU time, which a busy machine does not
inflate) and the SQL statements per request. Target: under 20 ms each.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import seed  # noqa: E402
from flask import g  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402


def _prepare(path: Path, cadres: int, courses: int, reseed: bool):
    url = f"sqlite:///{path}"
    if reseed:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = seed.make_app(url)
    from elearn import db
    from elearn.accounts.models import User

    with app.app_context():
        have = db.session.scalar(select(func.count(User.id)))
    if have == 0:
        print(f"seeding {path}: {cadres} cadres, {courses} courses", flush=True)
        seed.seed(app.extensions["elearn.engine"], cadres, courses)
        with app.extensions["elearn.engine"].connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        print(f"reusing {path} ({have} accounts)")
    return app


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="/tmp/elearn-bench-courses.sqlite")
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    app = _prepare(Path(args.db), args.cadres, args.courses, args.reseed)

    timings: list[float] = []
    cpu: list[float] = []
    statements = [0]

    @app.before_request
    def clock_in():
        g.bench_started, g.bench_cpu = time.perf_counter(), time.thread_time()

    @app.teardown_request
    def clock_out(_exc):
        timings.append(time.perf_counter() - g.bench_started)
        cpu.append(time.thread_time() - g.bench_cpu)  # without waiting for a busy machine's other work

    @event.listens_for(app.extensions["elearn.engine"], "before_cursor_execute")
    def count(*_args):
        statements[0] += 1

    client = app.test_client()
    response = client.post("/login", data={"username": seed.BENCH_USER, "password": seed.BENCH_PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    page = client.get("/my-courses").get_data(as_text=True)
    slugs = sorted(set(part.split('"')[0] for part in page.split('href="/courses/')[1:] if "/" not in part.split('"')[0]))
    assert len(slugs) == args.courses, f"expected {args.courses} courses on the page, found {len(slugs)}"
    pages = {"my courses": "/my-courses", "course outline": f"/courses/{slugs[0]}"}
    for name, url in pages.items():
        for _ in range(20):  # warm up caches and the statement cache
            assert client.get(url).status_code == 200
        timings.clear()
        cpu.clear()
        statements[0] = 0
        for _ in range(args.requests):
            client.get(url)
        ms, cpu_ms = [t * 1000 for t in timings], [t * 1000 for t in cpu]
        print(f"{name:<15} {url:<22} server p50 {statistics.median(ms):6.2f} ms  p95 {_percentile(ms, 95):6.2f} ms"
              f"  | CPU p50 {statistics.median(cpu_ms):6.2f} ms  p95 {_percentile(cpu_ms, 95):6.2f} ms"
              f"  | {statements[0] / args.requests:.0f} SQL/request")


if __name__ == "__main__":
    main()
