"""Statistics benchmarks on a seeded province: dashboard, summary export, detail CSV and XLSX.

    DATABASE_URL=sqlite:////tmp/stats.sqlite .venv/bin/python bench/seed_stats.py --cadres 100000 --courses 10
    DATABASE_URL=sqlite:////tmp/stats.sqlite .venv/bin/python bench/bench_stats.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/elearn_stats_bench .venv/bin/python bench/bench_stats.py
    ... bench_stats.py --only dashboard,summary      # skip the long exports
    ... bench_stats.py --only programme              # a programme of every course: dashboard, its two exports

Targets (100,000 cadres × 10 courses = 1,000,000 detail rows): detail CSV < 15 s and XLSX
< 90 s, each with peak memory < 200 MB; whole-province dashboard < 300 ms of server time;
summary-by-unit export < 2 s. The exports run as ``elearn stats export`` in a child process,
whose peak resident memory (ru_maxrss) is the figure reported.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import host  # noqa: E402


def make_app(url: str):
    from elearn.app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                       "INSTANCE_PATH": tempfile.mkdtemp(prefix="elearn-bench-"), "WTF_CSRF_ENABLED": False})


def bench_admin(app):
    from sqlalchemy import select

    from elearn import db
    from elearn.accounts.models import User
    from elearn.permissions import Role
    from elearn.units.models import OrgUnit

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "admin.bench"))
        if user is None:
            db.set_write_intent(True)
            root = db.session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
            user = User(username="admin.bench", password_hash="x", must_change_password=False, unit_id=root.id)
            user.set_full_name("Quản Trị Thử")
            user.set_roles([Role.ADMIN])
            db.session.add(user)
            db.session.commit()
            db.set_write_intent(False)
        return user.id


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def bench_dashboard(app, admin_id: int, repeat: int) -> None:
    from elearn import db
    from elearn.accounts.models import User
    from reports import filters, services

    client = app.test_client()
    with app.app_context():
        session_id = db.session.get(User, admin_id).get_id()  # "id.session_version" since sessions can be ended
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
        session["since"] = int(time.time())  # sessions end after SESSION_MAX_DAYS

    def service():
        with app.app_context():
            services.dashboard(filters.resolve(db.session.get(User, admin_id)))

    def page():
        response = client.get("/stats/")
        assert response.status_code == 200, response.status_code

    clear_rollup(app)
    cold = timed(service, 1)[0]
    print(f"{'dashboard service, rollup empty':<34} {cold * 1000:7.0f} ms   (first read ever: live, asks the worker)")
    t = time.perf_counter()
    wait_for_worker(app)
    print(f"{'first computation (job worker)':<34} {time.perf_counter() - t:7.1f} s")
    page()  # warm: imports, template compilation
    for label, fn in (("dashboard service (province)", service), ("dashboard page GET /stats/", page)):
        times = timed(fn, repeat)
        print(f"{label:<34} median {statistics.median(times) * 1000:7.0f} ms   "
              f"min {min(times) * 1000:.0f} ms   (n={repeat})")
    with app.app_context():
        from reports import rollup
        rollup.mark_changed(rollup.ALL)
        db.session.commit()
    app.config["STATS_REFRESH_SECONDS"] = 0
    stale = timed(service, 1)[0]
    print(f"{'dashboard service, all changed':<34} {stale * 1000:7.0f} ms   (answers, asks the worker)")
    t = time.perf_counter()
    wait_for_worker(app)
    print(f"{'recomputation (job worker)':<34} {time.perf_counter() - t:7.1f} s")
    app.config["STATS_REFRESH_SECONDS"] = 30


def wait_for_worker(app) -> None:
    """Until every course's figures are computed and none is marked or being computed."""
    from sqlalchemy import func, or_, select

    from elearn import db
    from reports.models import StatsState as S

    with app.app_context():
        while db.session.scalar(select(func.count()).where(or_(
                S.computed_at.is_(None), S.changed_at.is_not(None), S.refreshing_since.is_not(None)))) \
                or not db.session.scalar(select(func.count(S.course_id))):
            db.session.rollback()
            time.sleep(0.05)


def clear_rollup(app) -> None:
    from sqlalchemy import delete

    from elearn import db
    from reports.models import StatsState

    with app.app_context():
        db.set_write_intent(True)
        db.session.execute(delete(StatsState))
        db.session.commit()
        db.set_write_intent(False)


def bench_summary(app, repeat: int) -> None:
    from elearn.exports import write_csv
    from reports import export, filters

    def run():
        with app.app_context():
            f = filters.resolve(None)
            columns, rows, _ = export.table(f, "summary")
            write_csv(os.devnull, columns, rows)

    clear_rollup(app)
    cold = timed(run, 1)[0]
    print(f"{'summary-by-unit export, rollup empty':<34} {cold:7.2f} s")
    times = timed(run, repeat)
    print(f"{'summary-by-unit export (CSV), warm':<34} median {statistics.median(times):7.2f} s    (n={repeat})")


def bench_programme(app, admin_id: int, repeat: int) -> None:
    """A programme of every seeded course assigned to the province (made once): the dashboard with it
    chosen (by unit, and the cadres of the province's own unit) and its two exports, by cadre and by unit."""
    from sqlalchemy import select

    from courses.models import Course
    from courses.programmes import services as programmes
    from courses.programmes import structure as programme_structure
    from courses.programmes.models import Programme
    from elearn import db
    from elearn.accounts.models import User
    from reports import export, filters

    with app.app_context():
        programme_id = db.session.scalar(select(Programme.id).where(Programme.title == "Chương trình bench"))
        if programme_id is None:
            admin = db.session.get(User, admin_id)
            programme = programmes.create_programme(admin, "Chương trình bench")
            for course in db.session.scalars(select(Course).order_by(Course.id)).all():
                programme_structure.add_course(programme, course, admin)
            programme_id = programme.id
            t = time.perf_counter()
            programmes.assign(programme, filters.root_unit(), None, admin)
            db.session.commit()
            print(f"{'programme assigned to the province':<34} {time.perf_counter() - t:7.1f} s")
    client = app.test_client()
    with app.app_context():
        session_id = db.session.get(User, admin_id).get_id()
    with client.session_transaction() as session:
        session.update({"_user_id": session_id, "_fresh": True, "since": int(time.time())})

    def page():
        assert client.get(f"/stats/?programme={programme_id}").status_code == 200

    def table(kind):
        def run():
            with app.app_context():
                f = filters.resolve(db.session.get(User, admin_id), programme_id=programme_id)
                columns, rows, _n = export.table(f, kind, "csv")
                write_csv(os.devnull, columns, rows)
        return run

    from elearn.exports import write_csv

    page()
    for label, fn, unit in (("dashboard GET, programme chosen", page, "ms"),
                            ("programme by cadre export (CSV)", table("programme"), "s"),
                            ("programme by unit export (CSV)", table("programme_units"), "s")):
        times = timed(fn, repeat)
        value = statistics.median(times) * (1000 if unit == "ms" else 1)
        print(f"{label:<34} median {value:7.{0 if unit == 'ms' else 2}f} {unit}   (n={repeat})")


def _cli() -> list[str]:
    """The ``elearn`` command of this checkout's environment, or this interpreter running the CLI."""
    script = ROOT / ".venv/bin/elearn"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from elearn.cli import main; main()"]


def bench_export(url: str, fmt: str) -> None:
    out = Path(tempfile.mkdtemp(prefix="elearn-bench-")) / f"detail.{fmt}"
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    t = time.perf_counter()
    result = subprocess.run([*_cli(), "stats", "export", "--format", fmt, "-o", str(out)],
                            env=env, capture_output=True, text=True, cwd=out.parent)
    elapsed = time.perf_counter() - t
    if result.returncode:
        raise SystemExit(result.stderr)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    note = "" if peak > before else " (peak of an earlier child)"
    print(f"{'detail export ' + fmt.upper():<34} {elapsed:7.1f} s wall, {cpu:.1f} s CPU   peak RSS {peak / 1024:.0f} MB{note}   "
          f"{out.stat().st_size / 1e6:.0f} MB file   {result.stdout.strip()}")
    out.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="dashboard,summary,programme,csv,xlsx")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/elearn-stats-bench.sqlite"
    only = set(args.only.split(","))
    app = make_app(url)
    admin_id = bench_admin(app)
    print(f"database: {url}")
    print(host.line())
    if "dashboard" in only:
        bench_dashboard(app, admin_id, args.repeat)
    if "summary" in only:
        bench_summary(app, args.repeat)
    if "programme" in only:
        bench_programme(app, admin_id, args.repeat)
    app.extensions["elearn.engine"].dispose()
    for fmt in ("csv", "xlsx"):
        if fmt in only:
            bench_export(url, fmt)


if __name__ == "__main__":
    main()
