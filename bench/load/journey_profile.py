"""Where a journey's CPU goes: the 13 steps of ``journey.py`` run in one process, no HTTP server.

    python bench/load/journey_profile.py                       # CPU ms per step (p50 over the runs)
    python bench/load/journey_profile.py --runs 200 --profile  # and the top functions (cProfile)

The same steps, pages parsed the same way, through Flask's test client: what it prints is the
application's own CPU per request (no gunicorn, no socket), the figure issue 16's budget is about.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import host  # noqa: E402
from bench.load.journey import OUT, STEPS, journey, prepare  # noqa: E402


class TestBrowser:
    """``journey.Browser`` over Flask's test client: one cookie jar per learner."""

    def __init__(self, app):
        self.client = app.test_client()

    def go(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        response = self.client.open(path, method=method, data=form)
        location = response.headers.get("Location") or ""
        return response.status_code, urlsplit(location).path if location else "", response.get_data(as_text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--gc", default="default", help="default | freeze-threshold (as wsgi.py) | freeze | freeze-warm | freeze-warm-threshold")
    parser.add_argument("--step", help="profile only this step (a name from journey.STEPS)")
    parser.add_argument("--callers", help="print who calls the functions matching this pattern")
    parser.add_argument("--dump", help="write the profile to this file (pstats)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-writelock"):
        Path(f"{OUT}/profile.sqlite{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{OUT}/profile.sqlite"
    data = prepare(url, 10 + args.runs)  # a new cadre each journey, as journey.py

    from elearn.app import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "INSTANCE_PATH": str(OUT / "profile")})
    cpu: dict[str, list[float]] = defaultdict(list)

    profiler = None

    class Timed(TestBrowser):
        def go(self, method, path, form=None):
            watched = profiler is not None and self.step == args.step
            if watched:
                profiler.enable()
            t0 = time.process_time()
            try:
                return super().go(method, path, form)
            finally:
                cpu[self.step].append(time.process_time() - t0)
                if watched:
                    profiler.disable()

    def one(n: int) -> None:
        b = Timed(app)
        names = iter(STEPS)

        def go(method, path, form=None, _go=b.go):
            b.step = next(names)
            return _go(method, path, form)
        b.go = go
        journey(b, data["users"][n % len(data["users"])], data, defaultdict(list))

    if args.gc != "default":
        gc.collect()
        gc.freeze()
    for n in range(10):  # warm-up: caches, compiled SQL, templates
        one(n)
    if args.gc.startswith("freeze-warm"):
        gc.collect()
        gc.freeze()
    if args.gc.endswith("threshold"):
        gc.set_threshold(50_000, 20, 20)
    gc_time = [0.0, 0.0]

    def gc_watch(phase, _info):
        if phase == "start":
            gc_time[1] = time.process_time()
        else:
            gc_time[0] += time.process_time() - gc_time[1]
    gc.callbacks.append(gc_watch)
    cpu.clear()
    profiler = cProfile.Profile() if args.profile or args.step else None
    if profiler and not args.step:
        profiler.enable()
    for n in range(args.runs):
        one(10 + n)  # cadres the warm-up did not use
    if profiler and not args.step:
        profiler.disable()
    print(host.line(OUT))
    total = 0.0
    print(f"  {'step':<24}{'CPU p50 ms':>11}{'mean':>8}")
    for name in STEPS:
        ms = [t * 1000 for t in cpu[name]]
        total += statistics.mean(ms)
        print(f"  {name:<24}{statistics.median(ms):>11.2f}{statistics.mean(ms):>8.2f}")
    print(f"  {'journey (mean sum)':<24}{'':>11}{total:>8.1f}")
    print(f"  garbage collection: {gc_time[0] * 1000 / args.runs:.1f} ms a journey (--gc {args.gc})")
    if profiler:
        if args.dump:
            profiler.dump_stats(args.dump)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
        if args.callers:
            pstats.Stats(profiler).sort_stats("tottime").print_callers(args.callers)


if __name__ == "__main__":
    main()
