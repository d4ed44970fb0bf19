"""Load benchmarks of the learner journey through the real app (gunicorn, sessions, CSRF, ORM).

    python bench/load/run.py                       # SQLite, every scenario
    python bench/load/run.py --scenarios lesson,save
    DATABASE_URL=postgresql://postgres@127.0.0.1/elearn_load python bench/load/run.py   # PostgreSQL (recreated)

Needs wrk (apt-get install wrk). Loopback only, every run bounded in time. Prints, per scenario:
throughput, p50/p95/p99 latency, errors, peak RSS of all gunicorn processes, and the database
check (acknowledged == stored).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "_out" / "load"
HERE = Path(__file__).resolve().parent

from bench import host  # noqa: E402
from tests.servers import Server, csrf_token  # noqa: E402


def fresh_database(url: str | None) -> str:
    if url is None:
        OUT.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT}/load.sqlite{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{OUT}/load.sqlite"
    from sqlalchemy import create_engine, make_url, text

    from elearn.config import normalize_db_url
    parsed = make_url(normalize_db_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


class RssSampler(threading.Thread):
    """Peak total RSS of a process group (gunicorn master + workers), sampled every 0.2 s."""

    def __init__(self, pgid: int):
        super().__init__(daemon=True)
        self.pgid, self.peak, self.stop_flag = pgid, 0, threading.Event()

    def run(self):
        while not self.stop_flag.is_set():
            total = 0
            for status in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = status.read_text().rsplit(")", 1)[1].split()
                    if int(fields[2]) == self.pgid:  # field 5: process group
                        total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # field 24: rss pages
                except (OSError, IndexError, ValueError):
                    continue
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def stop(self) -> int:
        self.stop_flag.set()
        self.join()
        return self.peak


def group_cpu_seconds(pgid: int) -> tuple[float, float]:
    """User and system CPU time of a process group (gunicorn master + workers) so far, workers that
    ended included: the master has reaped them (``max_requests``), so their time is in its
    cutime/cstime, where it would otherwise vanish from the sum."""
    user = system = 0
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:  # fields 14-17: utime, stime, cutime, cstime
                user, system = user + int(fields[11]) + int(fields[13]), system + int(fields[12]) + int(fields[14])
        except (OSError, IndexError, ValueError):
            continue
    tick = os.sysconf("SC_CLK_TCK")
    return user / tick, system / tick


class ServerCpu:
    """CPU ms per request of the server processes during one scenario: unlike req/s and latency,
    it does not grow when other work shares the machine."""

    def __init__(self, pgid: int):
        self.pgid = pgid

    def __enter__(self):
        self.start = group_cpu_seconds(self.pgid)
        return self

    def __exit__(self, *_exc):
        end = group_cpu_seconds(self.pgid)
        self.user, self.system = end[0] - self.start[0], end[1] - self.start[1]

    def per_request(self, result: dict) -> dict:
        n = result["requests"]
        result["server_cpu_ms"] = round(1000 * (self.user + self.system) / n, 2) if n else None
        result["server_sys_ms"] = round(1000 * self.system / n, 2) if n else None  # kernel: sockets, fsync, locks
        return result


def sign_in_all(base: str, usernames: list[str], password: str, csrf_page: str) -> dict[str, tuple[str, str]]:
    """Real sign-ins over HTTP; returns username -> (Cookie header, CSRF token)."""

    def one(username: str):
        s = requests.Session()
        token = csrf_token(s, base + "/login")
        r = s.post(base + "/login", data={"username": username, "password": password, "csrf_token": token},
                   allow_redirects=False, timeout=30)
        assert r.status_code == 302, (username, r.status_code)
        token = csrf_token(s, base + "/")
        return username, ("session=" + s.cookies.get("session"), token)

    with ThreadPoolExecutor(8) as pool:
        return dict(pool.map(one, usernames))


def run_wrk(script: str, base: str, connections: int, seconds: int, env: dict) -> dict:
    threads = 2
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-s", str(HERE / script), base]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env, "THREADS": str(threads)},
                         timeout=seconds + 60).stdout
    def ms(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not m:
            return None
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    m = re.search(r"(\d+) requests in ([\d.]+)(s|m)", out)
    errors = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    acked = re.search(r"ACKED (\d+)", out)
    return {"requests": int(m.group(1)) if m else 0, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": ms(50), "p90_ms": ms(90), "p99_ms": ms(99), "non_2xx_3xx": errors,
            "socket_errors": sum(map(int, socket.groups())) if socket else 0,
            "acked": int(acked.group(1)) if acked else None, "raw": out}


def stampede(base: str, slots: list[tuple[str, str, int]], connections: int) -> dict:
    """1,000 submissions from ``connections`` keep-alive connections at once; latency per request.
    The client (``stampede.py``) is one event loop in its own process: see its docstring."""
    slots_file, out = OUT / "stampede.tsv", OUT / "stampede.json"
    slots_file.write_text("".join(f"{c}\t{t}\t{a}\n" for c, t, a in slots))
    subprocess.run([sys.executable, str(HERE / "stampede.py"), "--url", base, "--slots", str(slots_file),
                    "--connections", str(connections), "-o", str(out)], check=True, timeout=600)
    return json.loads(out.read_text())


def _engine(database_url: str):
    from sqlalchemy import create_engine

    from elearn.config import normalize_db_url
    return create_engine(normalize_db_url(database_url))


def stored_answers(database_url: str) -> set[str]:
    """'attempt:position' of every stored answer."""
    from sqlalchemy import text

    engine = _engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT attempt_id, position FROM quiz_attempt_question "
                                 "WHERE response IS NOT NULL AND CAST(response AS TEXT) != 'null'")).all()
    engine.dispose()
    return {f"{a}:{p}" for a, p in rows}


def finished_attempts(database_url: str) -> set[str]:
    from sqlalchemy import text

    engine = _engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id FROM quiz_attempt WHERE state = 'finished'")).scalars().all()
    engine.dispose()
    return {str(r) for r in rows}


def check(acked: set[str], before: set[str], after: set[str]) -> dict:
    """Every acknowledged write must be stored; more may be stored (requests in flight at the cut)."""
    new = after - before
    return {"acked": len(acked), "stored": len(new), "lost": len(acked - after), "in_flight_extra": len(new - acked)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default="lesson,save,submit,stampede")
    # gunicorn.conf.py's defaults: one worker per core, 4 threads each
    parser.add_argument("--workers", type=int, default=int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 1)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", 2)))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--submit-quizzes", type=int, default=16,
                        help="attempts to submit per cadre: 47,000 in all, enough for --seconds 60 at ~780 submits/s")
    parser.add_argument("--save-attempts", type=int, default=2500,
                        help="attempts with 30 empty answers each (one per cadre): enough for 60 s at ~1,250 saves/s")
    parser.add_argument("--reuse", action="store_true",
                        help="SQLite: keep the prepared database (bench/_out/load/pristine-USERS-SAVES-QUIZZES.*) "
                             "and start each run from a copy of it (preparing 3,000 cadres takes minutes)")
    args = parser.parse_args()
    scenarios = args.scenarios.split(",")

    database_url = fresh_database(os.environ.get("DATABASE_URL"))
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    data_file = OUT / "load.json"
    OUT.mkdir(parents=True, exist_ok=True)
    pristine = OUT / f"pristine-{args.users}-{args.save_attempts}-{args.submit_quizzes}"
    reuse = args.reuse and database_url.startswith("sqlite")
    if reuse and Path(f"{pristine}.sqlite").exists():
        shutil.copy(f"{pristine}.sqlite", f"{OUT}/load.sqlite")
        shutil.copy(f"{pristine}.json", data_file)
        subprocess.run([sys.executable, "-c", "from elearn.app import create_app; from elearn.cli import upgrade; "
                        "app = create_app(); app.app_context().push(); upgrade()"],
                       env=env, check=True)  # migrations added since the copy was made
    else:
        subprocess.run([sys.executable, str(HERE / "prepare.py"), "--users", str(args.users),
                        "--save-attempts", str(args.save_attempts), "--submit-quizzes", str(args.submit_quizzes),
                        "-o", str(data_file)], env=env, check=True)
        if reuse:
            import sqlite3
            conn = sqlite3.connect(f"{OUT}/load.sqlite")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one file to copy
            conn.close()
            shutil.copy(f"{OUT}/load.sqlite", f"{pristine}.sqlite")
            shutil.copy(data_file, f"{pristine}.json")
    data = json.loads(data_file.read_text())
    settings = {"database": "PostgreSQL" if database_url.startswith("postgres") else "SQLite (WAL, synchronous=FULL)",
                "gunicorn": f"{args.workers} workers x {args.threads} threads (gthread)"}
    print("settings:", json.dumps(settings, ensure_ascii=False))
    print(host.line(OUT))

    server = Server(database_url, OUT / "server", port=None, workers=args.workers, threads=args.threads,
                    RATELIMIT_ENABLED="0", SQLITE_SYNCHRONOUS="FULL", GUNICORN_MAX_REQUESTS="0")
    server.start(timeout=60)
    results = {}
    try:
        sessions = sign_in_all(server.url, data["users"], data["password"], data["lesson_url"])
        sessions_file = OUT / "sessions.tsv"
        sessions_file.write_text("".join(f"{u}\t{c}\t{t}\n" for u, (c, t) in sessions.items()))
        rss = RssSampler(os.getpgid(server.proc.pid))
        rss.start()

        pgid = os.getpgid(server.proc.pid)
        if "lesson" in scenarios:
            with ServerCpu(pgid) as cpu:
                r = run_wrk("lesson.lua", server.url, 16, min(args.seconds, 30),
                            {"SESSIONS_FILE": str(sessions_file), "LESSON_PATH": data["lesson_url"]})
            results["lesson page (16 connections)"] = cpu.per_request(r)
        if "save" in scenarios:
            slots = OUT / "save.tsv"
            slots.write_text("".join(f"{sessions[s['user']][0]}\t{sessions[s['user']][1]}\t{s['attempt']}\t"
                                     f"{s['questions']}\t{s['choice']}\n" for s in data["save_slots"]))
            before = stored_answers(database_url)
            acked_file = OUT / "save.acked"
            with ServerCpu(pgid) as cpu:
                r = run_wrk("save.lua", server.url, 50, args.seconds,
                            {"SLOTS_FILE": str(slots), "ACKED_FILE": str(acked_file)})
            cpu.per_request(r)
            time.sleep(1)
            r.update(check(set(acked_file.read_text().split()), before, stored_answers(database_url)),
                     prepared=sum(s["questions"] for s in data["save_slots"]), option="--save-attempts")
            results["answer saving (50 connections)"] = r
        submit_slots = [(sessions[s["user"]][0], sessions[s["user"]][1], s["attempt"]) for s in data["submit_slots"]]
        if "submit" in scenarios:
            pool, submit_slots = submit_slots[:-1000], submit_slots[-1000:]
            slots = OUT / "submit.tsv"
            slots.write_text("".join(f"{c}\t{t}\t{a}\n" for c, t, a in pool))
            before = finished_attempts(database_url)
            acked_file = OUT / "submit.acked"
            with ServerCpu(pgid) as cpu:
                r = run_wrk("submit.lua", server.url, 50, args.seconds,
                            {"SLOTS_FILE": str(slots), "ACKED_FILE": str(acked_file)})
            cpu.per_request(r)
            time.sleep(1)
            r.update(check(set(acked_file.read_text().split()), before, finished_attempts(database_url)),
                     prepared=len(pool), option="--submit-quizzes")
            results["quiz submission (50 connections)"] = r
        if "stampede" in scenarios:
            before = finished_attempts(database_url)
            with ServerCpu(pgid) as cpu:
                r = stampede(server.url, submit_slots[-1000:], 200)
            cpu.per_request(r)
            r.update(check(set(r.pop("acked_ids")), before, finished_attempts(database_url)))
            results["deadline stampede (1,000 submits, 200 connections)"] = r
        peak = rss.stop()
    finally:
        server.stop()
    log = (OUT / "server" / f"server-{server.port}.log").read_text(errors="replace")
    locked = log.count("database is locked")
    server_errors = len(re.findall(r"Traceback|\[ERROR\]|ERROR in ", log))

    (OUT / "results.json").write_text(json.dumps({"settings": settings, "results": {
        k: {kk: vv for kk, vv in v.items() if kk != "raw"} for k, v in results.items()}, "peak_rss_mb": peak / 2**20,
        "locked": locked}, indent=2, ensure_ascii=False))
    print(f"\n{'scenario':<52} {'req/s':>8} {'p50 ms':>8} {'p90/95':>8} {'p99 ms':>8} {'errors':>7} {'acked':>7} "
          f"{'stored':>7} {'lost':>5} {'CPU ms/req':>10} {'(system)':>8}")
    for name, r in results.items():
        errors = r.get("errors", r.get("non_2xx_3xx", 0) + r.get("socket_errors", 0))
        p9x = r.get("p95_ms", r.get("p90_ms"))
        def fmt(v):
            return f"{v:.1f}" if isinstance(v, (int, float)) else "-"
        def show(v):
            return "-" if v is None else str(v)
        print(f"{name:<52} {r['rps']:>8.1f} {fmt(r['p50_ms']):>8} {fmt(p9x):>8} {fmt(r['p99_ms']):>8} {errors:>7} "
              f"{show(r.get('acked')):>7} {show(r.get('stored')):>7} {show(r.get('lost')):>5} "
              f"{show(r.get('server_cpu_ms')):>10} {show(r.get('server_sys_ms')):>8}")
    for name, r in results.items():
        if r.get("prepared") and r["stored"] >= r["prepared"]:
            print(f"NOTE: {name} used up its {r['prepared']:,} prepared writes before the time was up: its req/s "
                  f"is a lower bound (wrk divides by the whole run); raise {r['option']}")
    print(f"\npeak RSS of all gunicorn processes: {peak / 2**20:.0f} MB; 'database is locked' in server log: {locked}; "
          f"server errors logged: {server_errors}")


if __name__ == "__main__":
    main()
