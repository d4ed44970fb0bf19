"""The reminder pass and the managers' weekly digest over a seeded province.

    .venv/bin/python bench/bench_reminders.py                      # 100,000 cadres x 1 course, new SQLite file
    .venv/bin/python bench/bench_reminders.py --cadres 20000       # smaller
    .venv/bin/python bench/bench_reminders.py --db /tmp/rem.sqlite # seed once, then reuse the file

Issue 20's targets: the reminder pass over 100,000 assignments <= 60 s, the digest for a province of
100,000 cadres <= 30 s, in the worker. Seeded with ``bench/seed_stats.py`` (every cadre assigned every
course, ~45 % of the enrolments unfinished), every cadre given an e-mail address (each reminder is
queued for mail), one manager per district and per commune (288) and one for the province. The pass
runs "now" a week after the due date of course 1 (every unfinished enrolment gets its overdue
reminder), then again the same hour (every reminder is there already: nothing is made twice), then
the digest. Printed: seconds for each, enrolments looked at, notifications made.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import host  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=1)
    parser.add_argument("--db", help="an SQLite file: seeded when it does not exist, reused when it does")
    args = parser.parse_args()
    print(host.line())
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="elearn-rem-")) / "rem.sqlite"
    url = f"sqlite:///{path}"
    if not path.exists():
        from bench.seed_stats import seed

        t0 = time.perf_counter()
        seed(url, args.cadres, args.courses)
        _add_managers_and_addresses(url)
        print(f"seeded {args.cadres:,} cadres x {args.courses} course(s) in {time.perf_counter() - t0:.0f} s: {path}")

    from sqlalchemy import delete, func, select

    from courses.reminders import digest_pass, reminder_pass
    from elearn import db
    from elearn.app import create_app
    from elearn.notifications.models import Notification

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SQLITE_SYNCHRONOUS": "NORMAL",
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="elearn-rem-")})
    now = datetime(2023, 10, 7, 2, 0, tzinfo=UTC)  # course 1 was due on 30/09/2023: a week overdue
    with app.app_context():
        db.session.execute(delete(Notification))
        db.session.commit()
        for label in ("reminder pass (first)", "reminder pass (again, same hour)"):
            db.set_write_intent(True)
            t0 = time.perf_counter()
            result = reminder_pass(now)
            db.session.commit()
            print(f"{label}: {time.perf_counter() - t0:.2f} s, {result['seen']:,} enrolments looked at, "
                  f"{result['new']:,} reminders made")
        t0 = time.perf_counter()
        result = digest_pass(now)
        db.session.commit()
        print(f"digest: {time.perf_counter() - t0:.2f} s, {result['overdue_cadres']:,} overdue cadres, "
              f"{result['managers']:,} managers, {result['new']:,} digests made")
        total = db.session.scalar(select(func.count(Notification.id)))
        print(f"notifications in the table: {total:,}")


def _add_managers_and_addresses(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE user_account SET email = username || '@example.vn'"))
        units = conn.execute(text("SELECT id FROM org_unit WHERE level IN ('province', 'district', 'commune')")).scalars()
        first = conn.execute(text("SELECT max(id) FROM user_account")).scalar() + 1
        for n, unit_id in enumerate(units.all()):
            uid = first + n
            conn.execute(text("INSERT INTO user_account (id, username, full_name, sort_name, position, unit_id, email, "
                              "password_hash, must_change_password, active, created_at, session_version, search_name) "
                              "VALUES (:id, :u, :n, :n, 'Trưởng ban', :unit, :e, 'x', 0, 1, '2023-01-01', 0, '')"),
                         {"id": uid, "u": f"quanly{uid}", "n": f"Quản lý {uid}", "unit": unit_id,
                          "e": f"quanly{uid}@example.vn"})
            conn.execute(text("INSERT INTO user_role (user_id, role) VALUES (:id, 'manager')"), {"id": uid})
    engine.dispose()


if __name__ == "__main__":
    main()
