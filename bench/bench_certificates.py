"""Certificate PDFs: milliseconds per PDF, and peak memory while streaming a ZIP of many.

    .venv/bin/python bench/bench_certificates.py                 # 100 PDFs timed, ZIP of 1,000
    .venv/bin/python bench/bench_certificates.py --pdfs 20 --zip 200

No database: certificates are built in memory, one at a time, as the export's query yields them.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from courses.certificates import codes, pdf  # noqa: E402
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
                       template=TEMPLATE_SNAPSHOT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--zip", type=int, default=1000)
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="only ru_maxrss: tracemalloc makes rendering several times slower")
    args = parser.parse_args()

    start = time.perf_counter()
    pdf.render(certificate(0), BASE)  # cuts the font once per process
    print(f"first PDF (font cut once per process): {1000 * (time.perf_counter() - start):.0f} ms")
    times, cpu = [], []
    for i in range(args.pdfs):
        cert = certificate(i)
        start, start_cpu = time.perf_counter(), time.process_time()
        size = len(pdf.render(cert, BASE))
        times.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
    times.sort()
    # CPU time is the work itself; wall time also counts waiting for a core on a busy machine.
    print(f"PDF: {args.pdfs} renders, CPU median {statistics.median(cpu):.1f} ms; wall median "
          f"{statistics.median(times):.1f} ms, p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms; "
          f"{size / 1024:.0f} KiB each; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if not args.no_tracemalloc:
        tracemalloc.start()
    start = time.perf_counter()
    total = chunks = 0
    for chunk in pdf.stream_zip((certificate(i) for i in range(args.zip)), BASE):
        total += len(chunk)  # sent to the client and dropped, as the streaming response does
        chunks += 1
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"ZIP: {args.zip} certificates, {total / 1024 / 1024:.1f} MiB in {chunks} chunks, {elapsed:.1f} s "
          f"; Python peak (tracemalloc) {peak / 1024 / 1024:.1f} MiB; "
          f"ru_maxrss {rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
