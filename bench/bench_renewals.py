"""The daily renewal pass over a province whose cadres all completed last year's programme.

    .venv/bin/python bench/bench_renewals.py                   # 100,000 cadres, new SQLite file
    .venv/bin/python bench/bench_renewals.py --cadres 20000    # smaller
    .venv/bin/python bench/bench_renewals.py --db /tmp/ren.sqlite  # seed once, then reuse the file

Seeded with ``bench/seed_stats.py`` (3 courses); the old programme (course 1, valid 12 months) is
completed by every cadre 11.5 months before "now", and its renewal edition holds courses 2 (required)
and 3 (optional), whose seeded enrolments are removed first: the pass puts every cadre on the edition
and enrols them in both courses (``courses.programmes.renewal.renewal_pass``: one SELECT, one batched
INSERT of places, one INSERT .. SELECT of enrolments per edition). Printed: seconds, cadres renewed,
then the same pass again (nothing left to do). Before it was set-based it enrolled cadre by cadre.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import host  # noqa: E402

NOW = datetime(2024, 9, 1, 1, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--db", help="an SQLite file: seeded when it does not exist, reused when it does")
    args = parser.parse_args()
    print(host.line())
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="elearn-ren-")) / "ren.sqlite"
    url = f"sqlite:///{path}"
    if not path.exists():
        from bench.seed_stats import seed

        t0 = time.perf_counter()
        seed(url, args.cadres, 3)
        print(f"seeded {args.cadres:,} cadres x 3 courses in {time.perf_counter() - t0:.0f} s: {path}")

    from sqlalchemy import delete, func, insert, literal, select

    from courses.models import Enrollment
    from courses.programmes.models import Programme, ProgrammeCourse, ProgrammeEnrollment
    from courses.programmes.renewal import renewal_pass
    from elearn import db
    from elearn.accounts.models import User
    from elearn.app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SQLITE_SYNCHRONOUS": "NORMAL",
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="elearn-ren-")})
    with app.app_context():
        db.set_write_intent(True)
        for model in (ProgrammeEnrollment, ProgrammeCourse, Programme):
            db.session.execute(delete(model))
        courses = sorted(db.session.scalars(select(Enrollment.course_id).distinct()))[:3]
        db.session.execute(delete(Enrollment).where(Enrollment.course_id.in_(courses[1:])))
        owner = db.session.scalar(select(User.id).where(User.username == "giangvien.bench"))
        old = Programme(title="Học tập Nghị quyết 2023", owner_id=owner, validity_months=12)
        db.session.add(old)
        db.session.flush()
        edition = Programme(title="Học tập Nghị quyết 2024", owner_id=owner, validity_months=12, renews_id=old.id)
        db.session.add(edition)
        db.session.flush()
        db.session.add_all([ProgrammeCourse(programme_id=old.id, course_id=courses[0], position=1),
                            ProgrammeCourse(programme_id=edition.id, course_id=courses[1], position=1),
                            ProgrammeCourse(programme_id=edition.id, course_id=courses[2], position=2, required=False)])
        done = NOW - timedelta(days=350)
        db.session.execute(insert(ProgrammeEnrollment).from_select(
            ["user_id", "programme_id", "enrolled_at", "completed_at"],
            select(User.id, literal(old.id), literal(done, ProgrammeEnrollment.enrolled_at.type),
                   literal(done, ProgrammeEnrollment.completed_at.type))
            .where(User.username != "giangvien.bench")))
        db.session.commit()
        for label in ("renewal pass", "renewal pass (again)"):
            db.set_write_intent(True)
            t0 = time.perf_counter()
            result = renewal_pass(NOW)
            db.session.commit()
            print(f"{label}: {time.perf_counter() - t0:.2f} s, {result['renewed']:,} cadres renewed")
        enrolled = db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.course_id.in_(courses[1:])))
        print(f"enrolments in the edition's courses: {enrolled:,}")


if __name__ == "__main__":
    main()
