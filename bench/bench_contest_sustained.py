"""A week's peak hour, sustained: returning entrants identify, open the contest, start and submit.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/elearn_bench_sustained \
        .venv/bin/python bench/bench_contest_sustained.py                       # 1,000 entrants at once, 600 s
    ... bench/bench_contest_sustained.py --seconds 60 --concurrency 300         # a quick run

Who enters: people who registered in an earlier week of a ten-week contest (``--pool`` of them, bulk
inserted with a personal code each), so no registration, no mailed code. What their browser has: no
session from last week (the signed session cookie ends after ``PERMANENT_SESSION_LIFETIME``, 8 hours
without a request), so each identifies again with phone and personal code, as the contest page asks.

Each of ``--concurrency`` simulated browsers (asyncio + aiohttp in this one process, cheap on CPU
beside the server, which shares the cores) takes the next entrant and does, with its own cookies and
the pages' CSRF tokens:

    identify form    GET  /contests/<c>/identify
    identify         POST /contests/<c>/identify         -> GET the contest page it redirects to
    start            POST /contests/<c>/rounds/<r>/start -> GET the question paper
    submit           POST /contests/entries/<e>          -> GET the receipt

with a person's pauses between them (``--think`` seconds in all, spread over the steps: typing the
code, reading the page, answering the paper), then the next entrant. 1,000 browsers x ~10 s an entry
offer ~100 entries/s; a server that cannot keep up shows it in the latencies and a lower rate.

Printed: entries/s over the measured window (after ``--warmup``), each step's p50/p95/p99, the
server's CPU per entry (user + system time of gunicorn's master and workers from /proc over the
window, divided by the entries done in it), the generator's own CPU, errors, and the check that every
acknowledged entry is submitted in the database and in the ranking once: 0 lost, 0 doubled.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import host  # noqa: E402
from bench.bench_contest_ranking import _database  # noqa: E402
from bench.bench_contest_rush import close_and_rank, free_port, wait_ready  # noqa: E402

CODE = "BENCH234"
STEPS = ("identify form", "identify (+ contest page)", "start (+ paper)", "submit (+ receipt)")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_CHOICE = re.compile(r'name="(q\d+)" value="([^"]+)"')


def phone_of(n: int) -> str:
    return f"08{n:08d}"


def seed(url: str, tmp: str, pool: int) -> tuple[int, int]:
    """The rush's contest (one open round, 20 questions of 40, one entry each) and ``pool`` entrants
    registered earlier, each with the personal code CODE (one hash computed, stored for all)."""
    from sqlalchemy import insert

    from bench.bench_contest_rush import seed as rush_seed
    from elearn import db
    from elearn.app import create_app
    from quizzes.contests.models import ContestEntrant
    from quizzes.contests.registration import _hash_code

    contest_id, round_id = rush_seed(url, tmp, 0)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench"})
    with app.app_context():
        db.set_write_intent(True)
        code_hash = _hash_code(CODE)
        for start in range(0, pool, 10_000):
            db.session.execute(insert(ContestEntrant), [
                {"contest_id": contest_id, "full_name": f"Người Dân {n}", "sort_name": f"nguoi dan {n}",
                 "phone": phone_of(n), "email": f"dan{n}@example.vn", "address": "Thái Bình",
                 "unit_text": "Tự do", "code_hash": code_hash} for n in range(start, min(pool, start + 10_000))])
        db.session.commit()
    app.extensions["elearn.engine"].dispose()
    return contest_id, round_id


def check(url: str, tmp: str, round_id: int, acknowledged: list[int]) -> dict[str, int]:
    """Close the round, rank it, and compare with the entries the server acknowledged."""
    ranking, submitted = close_and_rank(url, tmp, round_id)
    ranked = [row.entry_id for row in ranking.rows]
    acked = set(acknowledged)
    return {"acknowledged": len(acknowledged), "acknowledged twice": len(acknowledged) - len(acked),
            "submitted in the database": len(submitted), "ranked": len(ranked),
            "ranked twice": len(ranked) - len(set(ranked)),
            "lost (acknowledged, not ranked)": len(acked - set(ranked)),
            "submitted, not acknowledged": len(set(submitted) - acked)}


def cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's master and its live workers (workers' exits are added by the caller)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in [master] + children(master):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def postgres_seconds() -> float:
    """User + system CPU of every process named postgres on this machine (other databases' too)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


class Run:
    def __init__(self, args, base: str, contest_id: int, round_id: int):
        self.args, self.base, self.contest_id, self.round_id = args, base, contest_id, round_id
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.retried: dict[str, int] = defaultdict(int)
        self.acknowledged: list[int] = []
        self.done_at: list[float] = []
        self.next_entrant = 0
        self.measuring = False
        self.stop_at = 0.0

    async def think(self, share: float) -> None:
        pause = self.args.think * share * random.uniform(0.5, 1.5)
        if pause > 0:
            await asyncio.sleep(pause)

    async def step(self, session, name: str, method: str, path: str, data=None) -> tuple[str, str]:
        """One step: the request and the page its redirect leads to, timed together."""
        import aiohttp

        t0 = time.perf_counter()
        for attempt in (1, 2):
            try:
                async with session.request(method, self.base + path, data=data, allow_redirects=True) as response:
                    text = await response.text()
                    status, final = response.status, response.url.path
                break
            except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError):
                # The server closed the kept-alive connection as the request left (gunicorn's keepalive,
                # 5 s, against a person's pause): a browser sends it again once on a new connection,
                # POSTs included; a replayed start or submit is answered, not doubled.
                if attempt == 2:
                    raise
                self.retried[name] += 1
        if self.measuring:
            self.latencies[name].append(time.perf_counter() - t0)
        if status >= 400:
            raise RuntimeError(f"{status} on {name}")
        return final, text

    async def entry(self, session, n: int) -> int:
        c = self.contest_id
        _u, page = await self.step(session, STEPS[0], "GET", f"/contests/{c}/identify")
        await self.think(0.1)
        url, page = await self.step(session, STEPS[1], "POST", f"/contests/{c}/identify", {
            "csrf_token": _CSRF.search(page).group(1), "phone": phone_of(n), "code": CODE})
        if url != f"/contests/{c}":
            raise RuntimeError("personal code refused")
        await self.think(0.1)
        url, page = await self.step(session, STEPS[2], "POST", f"/contests/{c}/rounds/{self.round_id}/start",
                                    {"csrf_token": _CSRF.search(page).group(1)})
        if not url.startswith("/contests/entries/"):
            raise RuntimeError("start refused")
        choices: dict[str, list[str]] = {}
        for name, value in _CHOICE.findall(page):
            choices.setdefault(name, []).append(value)
        if len(choices) != 20:
            raise RuntimeError(f"{len(choices)} questions on the paper")
        await self.think(0.8)
        data = [("csrf_token", _CSRF.search(page).group(1)), ("prediction", str(random.randrange(600)))]
        data += [(name, random.choice(values)) for name, values in choices.items()]
        done, _page = await self.step(session, STEPS[3], "POST", url, data)
        if not done.endswith("/done"):
            raise RuntimeError("submit refused")
        return int(url.rsplit("/", 1)[1])

    async def browser(self) -> None:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=1, force_close=False)
        jar = aiohttp.CookieJar(unsafe=True)  # cookies of 127.0.0.1 (an address, which aiohttp refuses by default)
        async with aiohttp.ClientSession(connector=connector, cookie_jar=jar,
                                         timeout=aiohttp.ClientTimeout(total=60)) as http:
            while time.perf_counter() < self.stop_at:
                n = self.next_entrant
                self.next_entrant += 1
                if n >= self.args.pool:
                    self.errors["the pool of entrants ran out (raise --pool)"] += 1
                    return
                http.cookie_jar.clear()  # the next person: a browser of their own
                try:
                    entry_id = await self.entry(http, n)
                except Exception as error:  # noqa: BLE001 - every failure is counted and shown
                    self.errors[f"{type(error).__name__}: {str(error)[:70]}"] += 1
                    continue
                # Acknowledged entries are all checked, the warm-up's too; the rate counts the window's.
                self.acknowledged.append(entry_id)
                if self.measuring:
                    self.done_at.append(time.perf_counter())

    async def main(self, master: int) -> dict:
        self.stop_at = time.perf_counter() + self.args.warmup + self.args.seconds
        tasks = []
        for i in range(self.args.concurrency):  # ramp up over a few seconds, not 1,000 at the same instant
            tasks.append(asyncio.create_task(self.browser()))
            if i % 50 == 49:
                await asyncio.sleep(self.args.think / 20 * 50 / self.args.concurrency)
        await asyncio.sleep(max(0.0, self.stop_at - self.args.seconds - time.perf_counter()))
        self.measuring = True
        cpu0, pg0, own0, t0 = cpu_seconds(master), postgres_seconds(), time.process_time(), time.perf_counter()
        await asyncio.sleep(max(0.0, self.stop_at - time.perf_counter()))
        cpu1, pg1, own1, t1 = cpu_seconds(master), postgres_seconds(), time.process_time(), time.perf_counter()
        self.measuring = False
        await asyncio.gather(*tasks)  # entries under way finish (not counted in the rate)
        return {"server_cpu": cpu1 - cpu0, "pg_cpu": pg1 - pg0, "own_cpu": own1 - own0, "elapsed": t1 - t0,
                "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=600, help="the measured window")
    parser.add_argument("--warmup", type=float, default=20, help="seconds before the window (not counted)")
    parser.add_argument("--concurrency", type=int, default=1000, help="entrants entering at the same time")
    parser.add_argument("--think", type=float, default=9.0, help="a person's pauses in one entry, seconds in all")
    parser.add_argument("--pool", type=int, default=0, help="registered entrants (default: enough for 150/s)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    args.pool = args.pool or int((args.seconds + args.warmup + 60) * 150)
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass

    with tempfile.TemporaryDirectory() as tmp:
        url = _database(tmp)
        t_seed = time.perf_counter()
        contest_id, round_id = seed(url, tmp, args.pool)
        print(f"seeded {args.pool} registered entrants in {time.perf_counter() - t_seed:.0f} s", flush=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret", RATELIMIT_ENABLED="0",
                   GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(args.workers),
                   GUNICORN_THREADS=str(args.threads), ELEARN_UPLOAD_DIR=f"{tmp}/uploads",
                   DB_POOL_SIZE=str(args.threads), DB_MAX_OVERFLOW="2", ELEARN_MAIL_OUTBOX=f"{tmp}/outbox",
                   GUNICORN_MAX_REQUESTS="0")  # no worker recycled inside the window: its CPU would vanish
        env.pop("MAIL_SERVER", None)
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        log = open(f"{tmp}/gunicorn.log", "w")
        proc = subprocess.Popen([gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "--pythonpath", str(ROOT),
                                 "--backlog", "2048", "wsgi:app"], cwd=tmp, env=env, stdout=log, stderr=log,
                                start_new_session=True)
        try:
            wait_ready(base, proc)
            run = Run(args, base, contest_id, round_id)
            figures = asyncio.run(run.main(proc.pid))
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # the process group we started, nothing else
            proc.wait(timeout=30)
            log.close()
        found = check(url, tmp, round_id, run.acknowledged)

    entries = len(run.done_at)
    elapsed = figures["elapsed"]
    print(host.line())
    print(f"database: {url.split('://')[0]}; gunicorn {args.workers} workers x {args.threads} threads; "
          f"{args.concurrency} entrants at once, {args.think:.0f} s of pauses an entry; "
          f"window {elapsed:.0f} s after {args.warmup:.0f} s of warm-up")
    print(f"entries done in the window: {entries} -> {entries / elapsed:.1f} entries/s "
          f"({sum(len(v) for v in run.latencies.values()) / elapsed:.0f} steps/s)")
    print(f"server CPU: {figures['server_cpu']:.1f} s over the window = {figures['server_cpu'] / elapsed:.2f} cores, "
          f"{figures['server_cpu'] * 1000 / max(1, entries):.1f} ms an entry; "
          f"generator CPU {figures['own_cpu'] * 1000 / max(1, entries):.1f} ms an entry "
          f"({figures['own_cpu'] / elapsed:.2f} cores)")
    if url.startswith("postgresql"):
        print(f"PostgreSQL CPU (every postgres process on the machine): {figures['pg_cpu'] * 1000 / max(1, entries):.1f} "
              f"ms an entry ({figures['pg_cpu'] / elapsed:.2f} cores); load average at the window's end "
              f"{figures['load']:.1f}")
    for name in STEPS:
        times = sorted(run.latencies[name])
        if len(times) < 2:
            continue
        q = statistics.quantiles(times, n=100)
        print(f"  {name:<28} n={len(times):<7} p50 {q[49] * 1000:6.0f} ms   p95 {q[94] * 1000:6.0f} ms   "
              f"p99 {q[98] * 1000:6.0f} ms")
    print(f"errors: {sum(run.errors.values())} {dict(run.errors) if run.errors else ''}; sent again once on a new "
          f"connection (the kept-alive one closed by the server): {sum(run.retried.values())} {dict(run.retried)}")
    lost = found["lost (acknowledged, not ranked)"] + found["submitted, not acknowledged"]
    doubled = found["acknowledged twice"] + found["ranked twice"]
    print("check: " + ", ".join(f"{k} {v}" for k, v in found.items())
          + f" -> {'0 lost, 0 doubled' if not lost and not doubled else 'MISMATCH'}")


if __name__ == "__main__":
    main()
