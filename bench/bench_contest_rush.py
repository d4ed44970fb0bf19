"""The round-opening rush: 500 entrants register or sign in, start an entry and submit, at once.

    .venv/bin/python bench/bench_contest_rush.py                         # gunicorn + a fresh SQLite file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/elearn_bench_contests .venv/bin/python bench/bench_contest_rush.py
    .venv/bin/python bench/bench_contest_rush.py --entrants 100 --concurrency 20    # a smaller run

What runs: a fresh database (SQLite file in a temporary folder, or the PostgreSQL database named in
DATABASE_URL, dropped and recreated: its name must contain 'bench' or 'test'), migrated and seeded
with a published contest whose round is open (20 questions drawn from 40, one entry each), and
half as many cadre accounts as entrants. gunicorn serves it on 127.0.0.1 (``gunicorn.conf.py``:
gthread workers; ``--workers``/``--threads`` here, 4 x 8 by default on 2 cores). Rate limits are off
(RATELIMIT_ENABLED=0): every simulated entrant comes from 127.0.0.1, which the per-address
registration limit exists to stop.

Each simulated entrant is one thread-pool task with its own cookies, doing what a browser does,
CSRF tokens included: a member of the public opens the registration form, answers the check
question, registers, opens the contest, starts the round, reads the questions and submits; a cadre
signs in instead of registering. The whole rush is bounded to --seconds (60). Printed: entrants
done, errors, throughput, latency p50/p95/p99 per request, and the check that every entry the
server acknowledged is in the ranking (counted by the ranking service, after the round closes).
"""
from __future__ import annotations

import argparse
import email
import email.policy
import html
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_contest_ranking import _database  # noqa: E402

WORDS = {"không": 0, "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
         "chín": 9, "mười": 10}
PASSWORD = "Rush@2023pass"


def seed(url: str, tmp: str, cadres: int) -> tuple[int, int]:
    from elearn import db
    from elearn.accounts.services import create_user, hash_temporary_password
    from elearn.app import create_app
    from elearn.cli import upgrade
    from elearn.db import utcnow
    from elearn.permissions import Role
    from elearn.units.models import UnitLevel
    from elearn.units.services import create_unit
    from quizzes.bank import services as bank
    from quizzes.contests import services
    from quizzes.contests.models import ContestStatus

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        db.set_write_intent(True)
        province = create_unit("TB", "Tỉnh ủy Thái Bình", UnitLevel.PROVINCE)
        districts = [create_unit(f"D{i}", f"Huyện ủy {i}", UnitLevel.DISTRICT, province) for i in range(8)]
        organiser, _ = create_user("btg", "Ban Tổ chức", unit=province, roles=[Role.TRAINER], password="x" * 12)
        for i in range(cadres):
            user, _ = create_user(f"canbo{i}", f"Cán Bộ {i}", unit=districts[i % 8], must_change_password=False)
            user.password_hash = hash_temporary_password(PASSWORD)  # light hash: the bench measures the contest
        category = bank.create_category("Rush", owner=organiser)
        for i in range(40):
            bank.create_question(category, "single", f"<p>Câu hỏi {i}?</p>", user=organiser, data={
                "shuffle": True, "choices": [{"html": "Đúng", "fraction": 1}, {"html": "Sai", "fraction": 0},
                                             {"html": "Sai nữa", "fraction": 0}, {"html": "Cũng sai", "fraction": 0}]})
        now = utcnow()
        contest = services.create_contest(organiser, {
            "title": "Rush", "starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=1),
            "status": ContestStatus.PUBLISHED, "allow_public": True, "min_age": 16, "entries_per_round": 1})
        r = services.add_round(contest, organiser, {
            "opens_at": now - timedelta(seconds=5), "closes_at": now + timedelta(hours=2), "question_count": 20,
            "time_limit_minutes": 10, "category_ids": [category.id]})
        db.session.commit()
        ids = contest.id, r.id
    app.extensions["elearn.engine"].dispose()
    return ids


def close_and_rank(url: str, tmp: str, round_id: int):
    """Close the round now and rank it: the ranking, and the ids of the submitted entries (the rush
    and ``bench_contest_sustained.py`` both check every acknowledged entry against them)."""
    from sqlalchemy import select

    from elearn import db
    from elearn.app import create_app
    from elearn.db import utcnow
    from quizzes.contests.models import ContestEntry, ContestRound
    from quizzes.contests.ranking import rank_round

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench"})
    with app.app_context():
        db.set_write_intent(True)
        r = db.session.get(ContestRound, round_id)
        r.closes_at = utcnow()
        db.session.commit()
        ranking = rank_round(r)
        submitted = list(db.session.scalars(select(ContestEntry.id).where(
            ContestEntry.round_id == round_id, ContestEntry.submitted_at.is_not(None))))
    app.extensions["elearn.engine"].dispose()
    return ranking, submitted


class Client:
    """One browser: cookies, CSRF tokens from pages, and the latency of every request."""

    def __init__(self, base: str, latencies: list, lock: threading.Lock):
        self.base, self.latencies, self.lock = base, latencies, lock
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def request(self, path: str, data: dict | list | None = None, kind: str = "") -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        t0 = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                status, url, text = response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            status, url, text = error.code, path, ""
        with self.lock:
            self.latencies.append((kind or path, time.perf_counter() - t0))
        if status >= 400:
            raise RuntimeError(f"{status} on {path}")
        return status, url, text


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def solve(page: str) -> tuple[str, str]:
    token = re.search(r'name="challenge_token" type="hidden" value="([^"]+)"', page).group(1)
    hint = html.unescape(re.search(r'<small class="hint">([^<]*cộng[^<]*)</small>', page).group(1))
    words = re.findall(r"\w+", hint.lower())
    return token, str(sum(WORDS[w] for w in words[:words.index("cộng") + 2] if w in WORDS))


def mailed_code(outbox: str, address: str, seconds: float = 10) -> str:
    """The personal code in the message the server kept for ``address`` (no MAIL_SERVER: .eml files)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        for path in Path(outbox).glob("*.eml"):
            text = path.read_bytes().decode("utf-8", "replace")
            if f"To: {address}" in text:
                body = email.message_from_string(text, policy=email.policy.default).get_content()
                found = re.search(r": ([A-Z2-9]{8})\n", body)
                if found:
                    return found.group(1)
        time.sleep(0.05)
    raise RuntimeError("no personal code mailed")


def entrant(n: int, base: str, contest_id: int, round_id: int, cadres: int, latencies, lock, outbox: str) -> str:
    c, rng = Client(base, latencies, lock), random.Random(n)
    if n < cadres:
        _s, _u, page = c.request("/login", kind="GET sign-in form")
        _s, url, _t = c.request("/login", {"csrf_token": csrf(page), "username": f"canbo{n}", "password": PASSWORD},
                                kind="POST sign in")
        if url.rstrip("/").endswith("/login"):
            raise RuntimeError("sign-in refused")
    else:
        _s, _u, page = c.request(f"/contests/{contest_id}/register", kind="GET registration form")
        token, answer = solve(page)
        _s, url, _t = c.request(f"/contests/{contest_id}/register", {
            "csrf_token": csrf(page), "full_name": f"Người Dân {chr(65 + n % 26)}", "birth_date": "1990-05-19",
            "phone": f"09{n:08d}", "email": f"dan{n}@example.vn", "address": "Thái Bình", "unit_id": "0",
            "unit_text": "Tự do", "challenge_token": token, "challenge_answer": answer}, kind="POST register")
        if not url.endswith("/registered"):
            raise RuntimeError("registration refused")
        # The personal code goes by e-mail (issue 15.7): read it from the outbox, come back with it.
        code = mailed_code(outbox, f"dan{n}@example.vn")
        _s, _u, page = c.request(f"/contests/{contest_id}/identify", kind="GET identify form")
        _s, url, _t = c.request(f"/contests/{contest_id}/identify", {
            "csrf_token": csrf(page), "phone": f"09{n:08d}", "code": code}, kind="POST identify")
        if url.endswith("/identify"):
            raise RuntimeError("personal code refused")
    _s, _u, page = c.request(f"/contests/{contest_id}", kind="GET contest page")
    _s, url, page = c.request(f"/contests/{contest_id}/rounds/{round_id}/start", {"csrf_token": csrf(page)},
                              kind="POST start (+ GET questions)")
    if "/contests/entries/" not in url:
        raise RuntimeError("start refused")
    answers: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="(q\d+)" value="([^"]+)"', page):
        answers.setdefault(name, []).append(value)
    data = [("csrf_token", csrf(page)), ("prediction", str(rng.randrange(0, 600)))]
    data += [(name, rng.choice(values)) for name, values in answers.items()]
    _s, url, _t = c.request(url.removeprefix(base), data, kind="POST submit (+ GET receipt)")
    if not url.endswith("/done"):
        raise RuntimeError("submit refused")
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entrants", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=100, help="simulated browsers at the same time")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    cadres = args.entrants // 2

    with tempfile.TemporaryDirectory() as tmp:
        url = _database(tmp)
        contest_id, round_id = seed(url, tmp, cadres)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret", RATELIMIT_ENABLED="0",
                   GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(args.workers),
                   GUNICORN_THREADS=str(args.threads), ELEARN_UPLOAD_DIR=f"{tmp}/uploads",
                   DB_POOL_SIZE=str(args.threads), DB_MAX_OVERFLOW="2", ELEARN_MAIL_OUTBOX=f"{tmp}/outbox")
        env.pop("MAIL_SERVER", None)
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        log = open(f"{tmp}/gunicorn.log", "w")
        proc = subprocess.Popen([gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "--pythonpath", str(ROOT),
                                 "wsgi:app"], cwd=tmp, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            wait_ready(base, proc)
            for _ in range(args.workers * 4):  # warm every worker up (imports, templates, first connection)
                urllib.request.urlopen(base + "/login", timeout=30).read()
            latencies: list[float] = []
            lock = threading.Lock()
            done, errors = 0, {}
            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                futures = [pool.submit(entrant, n, base, contest_id, round_id, cadres, latencies, lock,
                                       f"{tmp}/outbox")
                           for n in range(args.entrants)]
                try:
                    for future in as_completed(futures, timeout=args.seconds):
                        try:
                            future.result()
                            done += 1
                        except Exception as error:  # noqa: BLE001 - every failure is counted and shown
                            key = str(error)[:80]
                            errors[key] = errors.get(key, 0) + 1
                except TimeoutError:
                    errors["not finished within the time bound"] = sum(1 for f in futures if not f.done())
                    for f in futures:
                        f.cancel()
            elapsed = time.perf_counter() - t0
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # the process group we started, nothing else
            proc.wait(timeout=30)
            log.close()
        ranking, submitted_ids = close_and_rank(url, tmp, round_id)
        ranked, submitted = ranking.entries, len(submitted_ids)

    lat = sorted(t for _k, t in latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0] * 99
    print(f"database: {url.split('://')[0]}; gunicorn {args.workers} workers x {args.threads} threads; "
          f"{args.entrants} entrants ({cadres} cadres sign in, {args.entrants - cadres} register), "
          f"{args.concurrency} at a time")
    print(f"entrants done: {done}/{args.entrants} in {elapsed:.1f} s -> {done / elapsed:.1f} entrants/s, "
          f"{len(lat) / elapsed:.1f} requests/s ({len(lat)} requests)")
    print(f"latency per request: p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
          f"max {lat[-1] * 1000:.0f} ms")
    for kind in dict.fromkeys(k for k, _t in latencies):
        times = sorted(t for k, t in latencies if k == kind)
        print(f"  {kind:<32} n={len(times):<5} p50 {times[len(times) // 2] * 1000:6.0f} ms   "
              f"p95 {times[int(len(times) * 0.95)] * 1000:6.0f} ms")
    print(f"errors: {sum(errors.values())} {errors if errors else ''}")
    print(f"submitted entries acknowledged: {done}; in the database: {submitted}; in the ranking: {ranked} -> "
          f"{'no entry lost' if ranked == submitted == done else 'MISMATCH'}")


if __name__ == "__main__":
    main()
