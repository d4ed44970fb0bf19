"""Where a contest entry's CPU goes: the sustained benchmark's steps in one process, no HTTP server.

    python bench/load/contest_profile.py                        # CPU ms per request (p50, mean), SQLite
    DATABASE_URL=postgresql://.../elearn_bench_profile python bench/load/contest_profile.py --runs 300
    python bench/load/contest_profile.py --profile [--step "POST start"]   # and the top functions

A returning entrant (registered earlier, personal code) through Flask's test client: identify form,
identify, contest page, start, question paper, submit, receipt — the seven requests of
``bench_contest_sustained.py``'s entry. What it prints is the application's own CPU per request
(no gunicorn, no socket; the database server's CPU is not in it), and the statements each runs.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import host  # noqa: E402
from bench.bench_contest_ranking import _database  # noqa: E402
from bench.bench_contest_sustained import CODE, phone_of, seed  # noqa: E402

REQUESTS = ("GET identify form", "POST identify", "GET contest page", "POST start", "GET paper",
            "POST submit", "GET receipt")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_CHOICE = re.compile(r'name="(q\d+)" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--step", help="profile only this request (a name from REQUESTS)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="contest-profile-")
    url = _database(tmp)
    contest_id, round_id = seed(url, tmp, args.runs + 20)

    from elearn.app import create_app
    from tests.sql import statements
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "INSTANCE_PATH": tmp,
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": True})
    cpu: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = {}
    profiler = cProfile.Profile() if args.profile or args.step else None
    watching = [False]

    def go(client, name, method, path, data=None):
        watched = profiler is not None and watching[0] and (args.step in (None, name))
        with statements(app, queries_only=True) as run:
            if watched:
                profiler.enable()
            t0 = time.process_time()
            response = client.open(path, method=method, data=data)
            cpu[name].append(time.process_time() - t0)
            if watched:
                profiler.disable()
        counts[name] = len(run)
        if response.status_code >= 400:
            raise SystemExit(f"{name}: {response.status_code}")
        location = response.headers.get("Location") or ""
        return urlsplit(location).path, response.get_data(as_text=True)

    def entry(n: int) -> None:
        c = app.test_client()
        _l, page = go(c, REQUESTS[0], "GET", f"/contests/{contest_id}/identify")
        to, _p = go(c, REQUESTS[1], "POST", f"/contests/{contest_id}/identify",
                    {"csrf_token": _CSRF.search(page).group(1), "phone": phone_of(n), "code": CODE})
        assert to == f"/contests/{contest_id}", to
        _l, page = go(c, REQUESTS[2], "GET", to)
        to, _p = go(c, REQUESTS[3], "POST", f"/contests/{contest_id}/rounds/{round_id}/start",
                    {"csrf_token": _CSRF.search(page).group(1)})
        assert to.startswith("/contests/entries/"), to
        _l, page = go(c, REQUESTS[4], "GET", to)
        choices: dict[str, list[str]] = {}
        for name, value in _CHOICE.findall(page):
            choices.setdefault(name, []).append(value)
        data = [("csrf_token", _CSRF.search(page).group(1)), ("prediction", "42")]
        data += [(name, random.choice(values)) for name, values in choices.items()]
        done, _p = go(c, REQUESTS[5], "POST", to, MultiDict(data))
        assert done.endswith("/done"), done
        go(c, REQUESTS[6], "GET", done)

    for n in range(10):  # warm-up: compiled SQL, templates
        entry(n)
    cpu.clear()
    watching[0] = True
    for n in range(10, 10 + args.runs):
        entry(n)
    print(host.line())
    print(f"database: {url.split('://')[0]}; {args.runs} entries")
    total = 0.0
    print(f"  {'request':<20}{'CPU p50 ms':>11}{'mean':>8}{'statements':>12}")
    for name in REQUESTS:
        ms = [t * 1000 for t in cpu[name]]
        total += statistics.mean(ms)
        print(f"  {name:<20}{statistics.median(ms):>11.2f}{statistics.mean(ms):>8.2f}{counts[name]:>12}")
    print(f"  {'entry (mean sum)':<20}{'':>11}{total:>8.1f}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(50)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
