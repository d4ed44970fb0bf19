"""The whole learner journey under load: one learner = one iteration of 13 steps, no think time.
Each iteration is a cadre who has not sat the quiz yet (``--same-cadre``: 20 or 50 accounts sit it
again and again, their attempts piling up on the quiz page).

    python bench/load/journey.py                          # SQLite, 20 then 50 learners, 60 s each
    python bench/load/journey.py --learners 20 --seconds 30
    DATABASE_URL=postgresql://postgres@127.0.0.1/elearn_load python bench/load/journey.py   # PostgreSQL (recreated)

Steps: login page, login POST (a real Argon2id check), home, my courses, course page, quiz page,
start POST, attempt page (20 single-choice questions on one page), save all 20 answers POST,
summary, submit POST, review, logout POST. Each page is read as a browser would: the CSRF token,
the submit key and the options' values (tokens) come from the HTML; the learner picks the option
labelled "Đúng", so every finished attempt must score 100 % (an answer lost would show).

Prints completed attempts/s, each step's p50/p95/p99, server CPU per attempt (all gunicorn
processes), the write lock's hold per endpoint (SQLite: wall and CPU, p50/p99/max), the
client's own CPU, failures (the run fails loudly on any) and the host line.
"""
from __future__ import annotations

import argparse
import itertools
import os
import re
import socket
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "_out" / "journey"

from bench import host  # noqa: E402
from bench.load.run import ServerCpu, fresh_database  # noqa: E402
from tests.servers import Server  # noqa: E402

QUESTIONS = 20
PASSWORD = "Mat-khau-hoc-tap-2023"
STEPS = ["login page", "login POST", "home", "my courses", "course page", "quiz page", "start POST",
         "attempt page", "save 20 answers POST", "summary", "submit POST", "review", "logout POST"]
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
SUBMIT_KEY = re.compile(r'name="submit_key" value="([0-9a-f]+)"')
OPTION = re.compile(r'name="q(\d+)" value="([^"]+)"[^>]*> <span class="content">([^<]*)</span>')


def prepare(database_url: str, learners: int) -> dict:
    """Learners (real Argon2id hashes) enrolled on a published course whose quiz has 20 questions."""
    from elearn.app import create_app
    from elearn.cli import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
                      "INSTANCE_PATH": str(OUT / "prepare")})
    with app.app_context():
        upgrade()
        from courses import enrolment, structure
        from courses import services as courses
        from courses.models import CourseStatus
        from elearn import db
        from elearn.accounts import services as accounts
        from elearn.accounts.models import User
        from elearn.permissions import Role
        from quizzes import services as quizzes
        from quizzes.bank import services as bank
        from quizzes.bank.models import QuestionKind

        db.set_write_intent(True)
        trainer, _ = accounts.create_user("journey.trainer", "Giảng viên Thử", unit=None, roles=[Role.TRAINER],
                                          password=PASSWORD, must_change_password=False)
        course = courses.create_course(trainer, "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh")
        module = structure.create_module(course, "Chuyên đề 2023")
        category = bank.create_category("Câu hỏi hành trình", owner=trainer)
        questions = [bank.create_question(
            category, QuestionKind.SINGLE, f"<p>Câu hỏi số {i + 1}: chọn đáp án đúng.</p>", user=trainer,
            data={"choices": [{"html": "Đúng", "fraction": 1.0}, {"html": "Sai", "fraction": 0.0},
                              {"html": "Chưa rõ", "fraction": 0.0}, {"html": "Không biết", "fraction": 0.0}],
                  "shuffle": True}) for i in range(QUESTIONS)]
        quiz = quizzes.create_quiz_item(module, trainer, "Bài kiểm tra cuối chuyên đề", attempts_allowed=0, per_page=0)
        quizzes.add_fixed_questions(quiz, questions)
        courses.set_status(course, CourseStatus.PUBLISHED, trainer)
        hashed = accounts.hash_password(PASSWORD)  # one real hash for all: each sign-in still checks it
        names = [f"hocvien{n:04d}" for n in range(learners)]
        for name in names:
            user = User(username=name, password_hash=hashed, must_change_password=False)
            user.set_full_name(f"Học viên {name[-4:]}")
            user.set_roles([Role.CADRE])
            db.session.add(user)
            db.session.flush()
            enrolment.enroll(user, course)
        db.session.commit()
        data = {"users": names, "slug": course.slug, "quiz": quiz.item_id}
    app.extensions["elearn.engine"].dispose()
    return data


class Browser:
    """One learner's browser: one keep-alive connection, a cookie jar, pages read as text.

    HTTP/1.1 over a plain socket, not http.client: the load generator shares the server's two cores,
    and http.client's header parsing (the email package) cost 5 ms of CPU an attempt, 6 % of the
    machine's (``client CPU`` in the report; ~2 ms with this)."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.address = (parts.hostname, parts.port)
        self.host = f"Host: {parts.hostname}:{parts.port}"
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def go(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        head = [f"{method} {path} HTTP/1.1", self.host]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        body = b""
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            head.append("Content-Type: application/x-www-form-urlencoded")
        if method != "GET":
            head.append(f"Content-Length: {len(body)}")
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=60)
            self.buffer = b""
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status, headers = self._head()
        location, length, chunked, close = "", None, False, False
        for name, value in headers:
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                cookie = rest.split(";", 1)[0]
                if cookie and "Expires=Thu, 01 Jan 1970" not in value:
                    self.cookies[key] = cookie
                else:
                    self.cookies.pop(key, None)
            elif name == "location":
                location = value
            elif name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = value.lower() == "close"
        text = (self._chunked() if chunked else self._read(length) if length is not None else self._rest()).decode()
        if close or length is None and not chunked:
            self.close()
        return status, urlsplit(location).path if location else "", text

    def _more(self) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("the server closed the connection mid-response")
        self.buffer += chunk

    def _line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            self._more()
        line, self.buffer = self.buffer[:end], self.buffer[end + 2:]
        return line

    def _head(self) -> tuple[int, list[tuple[str, str]]]:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._more()
        lines = self.buffer[:end].decode("latin-1").split("\r\n")
        self.buffer = self.buffer[end + 4:]
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.lower(), value.strip()))
        return int(lines[0].split(" ", 2)[1]), headers

    def _read(self, length: int) -> bytes:
        while len(self.buffer) < length:
            self._more()
        data, self.buffer = self.buffer[:length], self.buffer[length:]
        return data

    def _chunked(self) -> bytes:
        parts = []
        while size := int(self._line().split(b";")[0], 16):
            parts.append(self._read(size))
            self._line()
        while self._line():  # trailers, then the empty line
            pass
        return b"".join(parts)

    def _rest(self) -> bytes:
        try:
            while True:
                chunk = self.sock.recv(262144)
                if not chunk:
                    break
                self.buffer += chunk
        finally:
            self.close()
        data, self.buffer = self.buffer, b""
        return data


class JourneyError(AssertionError):
    pass


def _expect(step: str, got: tuple[int, str, str], status: int, location: str | None = None) -> str:
    code, where, text = got
    if code != status or (location is not None and not where.startswith(location)):
        raise JourneyError(f"{step}: {code} {where!r} (wanted {status} {location or ''})\n{text[:300]}")
    return text


def journey(b: Browser, user: str, data: dict, times: dict[str, list[float]]) -> int:
    """The 13 steps; returns the attempt id."""
    def step(name, method, path, form=None):
        t0 = time.perf_counter()
        got = b.go(method, path, form)
        times[name].append(time.perf_counter() - t0)
        return got

    page = _expect("login page", step("login page", "GET", "/login"), 200)
    token = CSRF.search(page).group(1)
    _expect("login POST", step("login POST", "POST", "/login",
                               {"csrf_token": token, "username": user, "password": PASSWORD}), 302, "/")
    _expect("home", step("home", "GET", "/"), 200)
    _expect("my courses", step("my courses", "GET", "/my-courses"), 200)
    _expect("course page", step("course page", "GET", f"/courses/{data['slug']}"), 200)
    page = _expect("quiz page", step("quiz page", "GET", f"/quizzes/item/{data['quiz']}"), 200)
    token = CSRF.search(page).group(1)
    _code, where, _text = step("start POST", "POST", f"/quizzes/item/{data['quiz']}/start", {"csrf_token": token})
    if not where.startswith("/quizzes/attempt/"):
        raise JourneyError(f"start POST: {_code} {where!r}\n{_text[:300]}")
    attempt_path = where
    page = _expect("attempt page", step("attempt page", "GET", attempt_path), 200)
    form = {"csrf_token": CSRF.search(page).group(1), "shown": [str(n) for n in range(1, QUESTIONS + 1)],
            "page": "1", "go": "summary"}
    for number, value, label in OPTION.findall(page):
        if label == "Đúng":
            form[f"q{number}"] = value
    if len(form) != 4 + QUESTIONS:
        raise JourneyError(f"attempt page: {len(form) - 4} right options found of {QUESTIONS}")
    _expect("save 20 answers POST", step("save 20 answers POST", "POST", attempt_path, form), 302,
            attempt_path + "/summary")
    page = _expect("summary", step("summary", "GET", attempt_path + "/summary"), 200)
    submit = {"csrf_token": CSRF.search(page).group(1), "submit_key": SUBMIT_KEY.search(page).group(1)}
    _expect("submit POST", step("submit POST", "POST", attempt_path + "/submit", submit), 302,
            attempt_path + "/review")
    page = _expect("review", step("review", "GET", attempt_path + "/review"), 200)
    _expect("logout POST", step("logout POST", "POST", "/logout", {"csrf_token": CSRF.search(page).group(1)}),
            302, "/login")
    return int(attempt_path.rstrip("/").split("/")[-1])


def run(server: Server, data: dict, learners: int, warmup: float, seconds: float,
        cadres: itertools.count | None = None) -> dict:
    """``cadres``: each iteration takes the next account (a new cadre); None: thread n is cadre n throughout."""
    times: dict[str, list[float]] = defaultdict(list)
    done: list[tuple[float, int]] = []  # (finish time, attempt id)
    errors: list[str] = []
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds

    def learner(n: int):
        user = data["users"][n % len(data["users"])]
        while time.perf_counter() < stop_at and not errors:
            if cadres is not None:  # the next cadre of the pool: one who has not sat the quiz yet
                user = data["users"][next(cadres) % len(data["users"])]
            b = Browser(server.url)
            local: dict[str, list[float]] = defaultdict(list)
            try:
                attempt = journey(b, user, data, local)
            except Exception as error:  # noqa: BLE001 - every failure is reported and ends the run
                errors.append(f"{user}: {type(error).__name__}: {error}")
                return
            finally:
                b.close()
            ended = time.perf_counter()
            # Attempts completed inside the window, as a throughput is counted: the server CPU measured
            # over the window is spent on them and on the ones begun in it, which balance in a steady run.
            if measure_from <= ended <= stop_at:
                done.append((ended, attempt))
                for k, v in local.items():
                    times[k].extend(v)

    threads = [threading.Thread(target=learner, args=(n,), daemon=True) for n in range(learners)]
    pgid = os.getpgid(server.proc.pid)
    client_cpu0 = time.process_time()
    for t in threads:
        t.start()
    time.sleep(max(0.0, measure_from - time.perf_counter()))
    _clear_lock_logs()
    with ServerCpu(pgid) as cpu:
        time.sleep(max(0.0, stop_at - time.perf_counter()))
    for t in threads:
        t.join(timeout=120)
    client_cpu = time.process_time() - client_cpu0
    n = len(done)
    return {"learners": learners, "seconds": seconds, "attempts": n, "rate": n / seconds,
            "server_cpu_ms": 1000 * (cpu.user + cpu.system) / n if n else None,
            "server_sys_ms": 1000 * cpu.system / n if n else None,
            "client_cpu_ms": 1000 * client_cpu / max(1, n), "times": times, "errors": errors,
            "attempt_ids": [a for _t, a in done], "locks": _read_lock_logs(), "cpu": _read_cpu_logs()}


def _lock_log_base() -> Path:
    return OUT / "locks" / "hold"


def _clear_lock_logs() -> None:
    for f in _lock_log_base().parent.glob("hold.*"):
        f.unlink()
    for f in _cpu_log_base().parent.glob("cpu.*"):
        f.unlink()


def _cpu_log_base() -> Path:
    return OUT / "locks" / "cpu"


# Which step a logged request was (gunicorn.conf.py writes "METHOD /path"): its path with numbers as N.
_STEP_OF = {("GET", "/login"): "login page", ("POST", "/login"): "login POST", ("GET", "/"): "home",
            ("GET", "/my-courses"): "my courses", ("GET", "/courses/S"): "course page",
            ("GET", "/quizzes/item/N"): "quiz page", ("POST", "/quizzes/item/N/start"): "start POST",
            ("GET", "/quizzes/attempt/N"): "attempt page", ("POST", "/quizzes/attempt/N"): "save 20 answers POST",
            ("GET", "/quizzes/attempt/N/summary"): "summary", ("POST", "/quizzes/attempt/N/submit"): "submit POST",
            ("GET", "/quizzes/attempt/N/review"): "review", ("POST", "/logout"): "logout POST"}


def _read_cpu_logs() -> dict[str, list[float]]:
    """Server CPU ms of each request in the window, by step (requests begun before it are in too)."""
    cpu: dict[str, list[float]] = defaultdict(list)
    for f in _cpu_log_base().parent.glob("cpu.*"):
        for line in f.read_text().splitlines():
            request, ms = line.split("\t")
            method, path = request.split(" ", 1)
            path = re.sub(r"/\d+", "/N", path)
            path = re.sub(r"^/courses/[^/]+$", "/courses/S", path)
            cpu[_STEP_OF.get((method, path), f"other: {method} {path}")].append(float(ms))
    return cpu


def _read_lock_logs() -> dict[str, list[tuple[float, float]]]:
    holds: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for f in _lock_log_base().parent.glob("hold.*"):
        for line in f.read_text().splitlines():
            endpoint, wall, cpu = line.split("\t")
            holds[endpoint].append((float(wall), float(cpu)))
    return holds


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def verify(database_url: str, attempt_ids: list[int]) -> int:
    """How many of the measured attempts are not finished at 100 % (answers lost or misgraded)."""
    from sqlalchemy import create_engine, text

    from elearn.config import normalize_db_url
    engine = create_engine(normalize_db_url(database_url))
    bad = 0
    with engine.connect() as conn:
        for chunk in range(0, len(attempt_ids), 500):
            ids = attempt_ids[chunk:chunk + 500]
            rows = conn.execute(text(f"SELECT state, percent FROM quiz_attempt WHERE id IN ({','.join(map(str, ids))})"))
            bad += sum(1 for state, percent in rows if state != "finished" or round(percent or 0) != 100)
            bad += len(ids) - len(set(ids))
    engine.dispose()
    return bad


def report(r: dict, bad: int) -> None:
    print(f"\n{r['learners']} learners, {r['seconds']:.0f} s measured: {r['attempts']} attempts, "
          f"{r['rate']:.2f} completed attempts/s; server CPU {r['server_cpu_ms']:.0f} ms per attempt "
          f"({r['server_sys_ms']:.0f} in the kernel); "
          f"client CPU {r['client_cpu_ms']:.0f} ms per attempt; failures {len(r['errors'])}; "
          f"attempts not at 100 %: {bad}")
    print(f"  {'step':<24}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}   server CPU: p50 ms  mean")
    for name in STEPS:
        ms = [t * 1000 for t in r["times"].get(name, [])]
        cpu = r["cpu"].get(name, [])
        print(f"  {name:<24}{_pct(ms, .5):>9.1f}{_pct(ms, .95):>9.1f}{_pct(ms, .99):>9.1f}"
              f"{_pct(cpu, .5):>20.2f}{statistics.mean(cpu) if cpu else float('nan'):>6.2f}")
    others = sorted(k for k in r["cpu"] if k not in STEPS)
    if others:
        print("  requests outside the journey:", ", ".join(f"{k} ({len(r['cpu'][k])})" for k in others))
    if r["locks"]:
        print(f"  write lock held, per endpoint    {'n':>6} {'wall p50':>9} {'p99':>7} {'max':>7} "
              f"{'CPU p50':>8} {'p99':>7} {'max':>7}   (ms)")
        for endpoint, holds in sorted(r["locks"].items(), key=lambda kv: -sum(w for w, _c in kv[1])):
            wall, cpu = [w for w, _c in holds], [c for _w, c in holds]
            print(f"  {endpoint:<32} {len(holds):>6} {statistics.median(wall):>9.2f} {_pct(wall, .99):>7.2f} "
                  f"{max(wall):>7.2f} {statistics.median(cpu):>8.2f} {_pct(cpu, .99):>7.2f} {max(cpu):>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", default="20,50", help="comma-separated: one run each")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 1)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", 1)))
    parser.add_argument("--cadres", type=int, default=0,
                        help="accounts in the pool (default: enough for every iteration to be a new cadre)")
    parser.add_argument("--same-cadre", action="store_true",
                        help="each simulated learner repeats as one cadre (attempts pile up on 20 or 50 accounts)")
    args = parser.parse_args()
    counts = [int(n) for n in args.learners.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "locks").mkdir(exist_ok=True)
    url = os.environ.get("DATABASE_URL")
    database_url = fresh_database(url) if url else _fresh_sqlite()
    # Each iteration a cadre who has not sat the quiz yet, as in the hour a province's cadres sit it;
    # the pool is sized for ~40 attempts/s over every run (it wraps round if a run goes faster).
    pool = max(counts) if args.same_cadre else (args.cadres or int(40 * (args.warmup + args.seconds) * len(counts)))
    data = prepare(database_url, max(pool, max(counts)))
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite (WAL, synchronous=FULL)"
    print(f"journey: {engine}, gunicorn {args.workers} workers x {args.threads} threads, "
          f"warm-up {args.warmup:.0f} s")
    print(host.line(OUT))
    failed = False
    cadres = itertools.count()  # shared by the runs: no cadre sits twice unless the pool wraps round
    for learners in counts:
        server = Server(database_url, OUT / "server", port=None, workers=args.workers, threads=args.threads,
                        RATELIMIT_ENABLED="0", SQLITE_SYNCHRONOUS="FULL", GUNICORN_MAX_REQUESTS="0",
                        ELEARN_LOCK_LOG=str(_lock_log_base()), ELEARN_REQUEST_CPU_LOG=str(_cpu_log_base()))
        server.start(timeout=60)
        try:
            r = run(server, data, learners, args.warmup, args.seconds, None if args.same_cadre else cadres)
        finally:
            server.stop()
        bad = verify(database_url, r["attempt_ids"])
        report(r, bad)
        for error in r["errors"][:5]:
            print("  FAILED:", error)
        failed = failed or bool(r["errors"]) or bad > 0 or r["attempts"] == 0
    print(host.line(OUT))
    if failed:
        sys.exit("journey: FAILED (see above)")


def _fresh_sqlite() -> str:
    for suffix in ("", "-wal", "-shm", "-writelock"):
        Path(f"{OUT}/journey.sqlite{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{OUT}/journey.sqlite"


if __name__ == "__main__":
    main()
