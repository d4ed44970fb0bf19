"""Import a generated 100,000-row cadre CSV through the real service (read, validate, hash, write).

    .venv/bin/python bench/bench_import_users.py                     # SQLite, a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/elearn_bench .venv/bin/python bench/bench_import_users.py
    .venv/bin/python bench/bench_import_users.py --rows 10000        # a smaller run

Runs the import twice: into an empty table (every row created, each with a temporary password
hashed), then the same file again (every row compared, nothing changed). PostgreSQL: the database
named in DATABASE_URL is dropped and recreated (its name must contain 'bench' or 'test').
Prints rows/s, total seconds and the CPU seconds used (all threads; the load average at start and
end shows how busy the machine was); the target is under 60 s for 100,000 rows.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Hải", "Ngọc", "Anh", "Thanh"]
GIVEN = ["Hằng", "Tuấn", "Lan", "Hùng", "Ngọc", "Khoa", "Yến", "Thắng", "Dũng", "Hương", "Nam", "Linh"]
POSITIONS = ["Bí thư chi bộ", "Phó Bí thư chi bộ", "Cán bộ tuyên giáo", "Đảng viên", ""]


def generate(rows: int, unit_codes: list[str]) -> bytes:
    rng = random.Random(2023)
    lines = ["username,full_name,unit_code,position,roles,email"]
    for n in range(rows):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        roles = "trainer, cadre" if n % 50 == 0 else ""
        email = f"cb{n}@thaibinh.dcs.vn" if n % 10 == 0 else ""
        lines.append(f"cb{n:06d},{name},{rng.choice(unit_codes)},{rng.choice(POSITIONS)},\"{roles}\",{email}")
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from elearn import db
    from elearn.accounts.importing import import_users
    from elearn.accounts.models import User
    from elearn.app import create_app
    from elearn.cli import upgrade
    from elearn.demo import load_units

    url = os.environ.get("DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    if url:
        from tests.conftest import _recreate_pg_database
        if "bench" not in url and "test" not in url:
            sys.exit("DATABASE_URL must name a database with 'bench' or 'test' in it: it is recreated")
        url = _recreate_pg_database(url)
    else:
        url = f"sqlite:///{tmp.name}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp.name, "SECRET_KEY": "bench",
                      "IMPORT_MAX_ROWS": max(args.rows, 200_000), "IMPORT_MAX_MB": 100})
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    with app.app_context():
        upgrade()
        db.set_write_intent(True)
        codes = sorted(load_units())  # the demo tree of Tỉnh ủy Thái Bình
        db.session.commit()
        content = generate(args.rows, codes)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"{engine}: {args.rows} rows, {len(content) / 1024 / 1024:.1f} MB CSV, {len(codes)} units")
        for label in ("first import (all created)", "same file again (nothing changes)"):
            started, cpu = time.perf_counter(), time.process_time()
            result = import_users(content, "bench.csv", None, via="bench")
            db.session.commit()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert not result.errors, result.errors[:3]
            # CPU seconds (all threads of this process) tell the cost apart from a busy machine's waits.
            print(f"  {label:<36} {seconds:6.2f} s  {args.rows / seconds:8.0f} rows/s  CPU {cpu:6.2f} s  "
                  f"(created {result.created}, updated {result.updated}; target < 60 s)")
        stored = db.session.scalar(select(func.count()).select_from(User))
        print(f"  accounts stored: {stored}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    app.extensions["elearn.engine"].dispose()


if __name__ == "__main__":
    main()
