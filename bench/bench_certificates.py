"""Certificate PDFs: milliseconds per PDF (unsigned, and signed with the QR payload as issued),
against the bare stack's certificate (``../shared/bench-baseline/cert.py reportlab_qr``) in the
same run; the QR payload check; peak memory while streaming a ZIP of many signed PDFs.

    .venv/bin/python bench/bench_certificates.py                 # 100 PDFs timed, ZIP of 1,000
    .venv/bin/python bench/bench_certificates.py --pdfs 20 --zip 200

No database: certificates are built in memory, one at a time, as the export's query yields them;
the signing keys are a throwaway keyring in a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from courses.certificates import codes, keys, pdf, tokens  # noqa: E402
from courses.certificates.demo import TEMPLATE  # noqa: E402
from courses.certificates.models import Certificate, CertificateTemplate  # noqa: E402

BASE = "https://daotao.thaibinh.example"
NAMES = ["Nguyễn Thị Thu Hằng", "Trần Đức Lưỡng", "Vũ Anh Tuấn", "Đỗ Thị Ngọc", "Hoàng Minh Khoa", "Ngô Hải Yến"]
TEMPLATE_SNAPSHOT = CertificateTemplate(**{k: v for k, v in TEMPLATE.items()}).snapshot()


def certificate(i: int) -> Certificate:
    return Certificate(code=codes.new_code(), full_name=f"{NAMES[i % len(NAMES)]} {i}",
                       unit_name="Chi bộ thôn Tân Thành, Đảng ủy xã Tân Hòa",
                       course_title="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2023",
                       theme="Phát huy sức mạnh giá trị văn hóa, con người, phát triển Thái Bình nhanh, bền vững",
                       completed_at=datetime(2023, 3, 15, 3, tzinfo=UTC), score=90.0,
                       template=TEMPLATE_SNAPSHOT, expires_on=date(2024, 3, 15))


BASELINE = Path(os.environ.get("ELEARN_BENCH_BASELINE", Path(__file__).resolve().parents[2] / "shared"
                               / "bench-baseline" / "cert.py"))


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def baseline(n: int) -> float | None:
    """CPU ms per certificate of the bare stack (reportlab + its QR), run now on this machine: its
    script prints wall time, which a busy shared machine inflates, so its CPU is taken from two
    runs (few and n more certificates: start-up and font parsing cancel out)."""
    if not BASELINE.exists():
        print(f"baseline: {BASELINE} not found")
        return None
    cpu = []
    for count in (5, 5 + n):
        before = _child_cpu()
        out = subprocess.run([sys.executable, str(BASELINE), "reportlab_qr", str(count)], capture_output=True,
                             text=True, cwd=tempfile.gettempdir())
        cpu.append(_child_cpu() - before)
        if out.returncode != 0:
            print(f"baseline failed: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
            return None
    per_cert = 1000 * (cpu[1] - cpu[0]) / n
    print(f"{out.stdout.strip()}\nreportlab_qr CPU: {per_cert:.1f} ms each")
    return per_cert


def timed(label: str, n: int, make) -> float:
    times, cpu = [], []
    for i in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        size = len(make(i))
        times.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
    times.sort()
    # CPU time is the work itself; wall time also counts waiting for a core on a busy machine.
    print(f"{label}: {n} renders, CPU median {statistics.median(cpu):.1f} ms; wall median "
          f"{statistics.median(times):.1f} ms, p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms; "
          f"{size / 1024:.0f} KiB each; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--zip", type=int, default=1000)
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="only ru_maxrss: tracemalloc makes rendering several times slower")
    args = parser.parse_args()

    ring = keys.load(Path(tempfile.mkdtemp(prefix="elearn-bench-keys-")))
    start = time.perf_counter()
    pdf.render(certificate(0), BASE, ring)  # cuts the font once per process, loads pyHanko
    print(f"first PDF (font cut once per process): {1000 * (time.perf_counter() - start):.0f} ms")
    reference = baseline(args.pdfs)
    unsigned = timed("PDF unsigned", args.pdfs, lambda i: pdf.render(certificate(i), BASE))
    signed = timed("PDF signed (PAdES + QR payload)", args.pdfs, lambda i: pdf.render(certificate(i), BASE, ring))
    if reference:
        print(f"ratio to the bare stack (CPU median / its CPU per certificate): unsigned {unsigned / reference:.2f}x, "
              f"signed {signed / reference:.2f}x (target <= 1.5x)")

    token = tokens.for_certificate(certificate(0), ring)
    runs = 2000
    start = time.perf_counter()
    for _ in range(runs):
        result = tokens.check(token, ring, date(2023, 6, 1))
    assert result.status is tokens.TokenStatus.VALID
    print(f"QR payload: {len(token)} characters; check {1000 * (time.perf_counter() - start) / runs:.3f} ms "
          f"(target <= 5 ms)")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if not args.no_tracemalloc:
        tracemalloc.start()
    start, start_cpu = time.perf_counter(), time.process_time()
    total = chunks = 0
    for chunk in pdf.stream_zip((certificate(i) for i in range(args.zip)), BASE, ring):
        total += len(chunk)  # sent to the client and dropped, as the streaming response does
        chunks += 1
    elapsed, cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
    peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"ZIP: {args.zip} certificates, {total / 1024 / 1024:.1f} MiB in {chunks} chunks, {elapsed:.1f} s (CPU {cpu_s:.1f} s) "
          f"; Python peak (tracemalloc) {peak / 1024 / 1024:.1f} MiB; "
          f"ru_maxrss {rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
