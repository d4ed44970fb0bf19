"""How fast this host is, printed beside a benchmark's figures.

The same code measured two to three times apart on this workplace's machines from one session to
the next (the lesson page: 5.4-6.8 ms of CPU a request in one session, 1.8 ms in another), so a
figure means little without the host's own speed beside it.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path


def python_ms() -> float:
    """Best of three runs of a fixed pure-Python workload (integers, strings, a dict), in ms."""
    def work() -> int:
        seen: dict[int, str] = {}
        for i in range(300_000):
            seen[i % 1000] = f"{i}:{i * 7 % 13}"
        return len(seen)

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def fsync_ms(folder: Path | None = None, rounds: int = 50) -> float:
    """Median time to write 4 KB and fsync it: what an SQLite commit with synchronous=FULL waits for."""
    times = []
    with tempfile.NamedTemporaryFile(dir=folder) as f:
        for _ in range(rounds):
            start = time.perf_counter()
            f.write(os.urandom(4096))
            f.flush()
            os.fsync(f.fileno())
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def line(folder: Path | None = None) -> str:
    return (f"host: pure-Python workload {python_ms():.0f} ms, fsync {fsync_ms(folder):.2f} ms (median), "
            f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")


if __name__ == "__main__":
    print(line())
