"""Fill a database fast with a realistic shape, for benchmarks (SQLAlchemy Core bulk inserts).

    .venv/bin/python bench/seed.py --cadres 100000 --courses 20                 # DATABASE_URL, else a temp SQLite file
    DATABASE_URL=sqlite:////tmp/elearn-bench.sqlite .venv/bin/python bench/seed.py --cadres 100000 --courses 20

The tree is the real one's shape: a province, 8 districts, communes under each, party cells under
each commune; cadres spread over the cells. Courses have modules of lessons; two courses are
assigned to the whole province and each other course to one district, so a cadre has a handful of
courses; progress covers every stage (not started, part done, complete with the completion stored).
One cadre, ``bench.cadre``, is enrolled in every course at every stage: the benchmarks sign in as them.

One function per table group (``seed_units``, ``seed_users``, ``seed_courses``, ``seed_assignments``,
``seed_enrollments``, ``seed_progress``): a benchmark of another domain adds its own after these.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

BENCH_USER = "bench.cadre"
BENCH_PASSWORD = "bench-password-1"
NOW = datetime(2023, 10, 1, tzinfo=UTC)
DISTRICTS, COMMUNES_PER_DISTRICT, CELLS_PER_COMMUNE = 8, 30, 10
MODULES, LESSONS_PER_MODULE = 3, 4
BATCH = 20_000

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Hải", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hằng", "Hoa", "Lan", "Long", "Mai", "Nam", "Ngọc", "Phương", "Quân",
         "Sơn", "Thảo", "Trang", "Tuấn", "Yến"]


@dataclass
class Seeded:
    """What the later table groups need from the earlier ones."""
    province: int = 0
    districts: list[int] = field(default_factory=list)
    cells: list[tuple[int, int]] = field(default_factory=list)      # (cell id, district index)
    cadres: list[tuple[int, int]] = field(default_factory=list)     # (user id, district index)
    bench_user: int = 0
    owner: int = 0
    courses: list[int] = field(default_factory=list)
    items: dict[int, list[int]] = field(default_factory=dict)        # course id -> required item ids in order
    assignments: list[tuple[int, int, int | None, datetime]] = field(default_factory=list)  # (id, course, district|None, due)
    enrollments: list[tuple[int, int]] = field(default_factory=list)  # (user id, course id)


def _chunks(rows, size=BATCH):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _bulk(conn, table, rows: list[dict]) -> None:
    """executemany straight to the driver: no per-value type processing, so millions of rows
    take seconds. Datetimes are written the way SQLAlchemy stores them (naive UTC)."""
    if not rows:
        return
    columns = list(rows[0])
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")

    def value(v):
        if isinstance(v, datetime):
            v = v.astimezone(UTC).replace(tzinfo=None)
            return v.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else v
        return getattr(v, "value", v)  # enums by value

    for chunk in _chunks(rows):
        conn.exec_driver_sql(sql, [tuple(value(r[c]) for c in columns) for r in chunk])


def _reset_sequence(conn, table) -> None:
    """Ids given by the seed: move PostgreSQL's sequence past them (SQLite needs nothing)."""
    if conn.dialect.name == "postgresql" and "id" in table.c:
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                             f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))")


def seed_units(conn, s: Seeded) -> None:
    from elearn.units.models import OrgUnit, UnitLevel

    rows: list[dict] = []

    def add(code, name, level, parent_id, parent_path):
        unit_id = len(rows) + 1  # ids given here: the path needs them, and one bulk insert is fast
        path = f"{parent_path}{unit_id}/"
        rows.append({"id": unit_id, "code": code, "name": name, "level": level, "parent_id": parent_id,
                     "path": path, "active": True, "created_at": NOW})
        return unit_id, path

    s.province, province_path = add("B", "Tỉnh ủy (bench)", UnitLevel.PROVINCE, None, "/")
    for d in range(DISTRICTS):
        district, d_path = add(f"B-{d}", f"Huyện ủy {d}", UnitLevel.DISTRICT, s.province, province_path)
        s.districts.append(district)
        for c in range(COMMUNES_PER_DISTRICT):
            commune, c_path = add(f"B-{d}-{c}", f"Đảng ủy xã {d}.{c}", UnitLevel.COMMUNE, district, d_path)
            for k in range(CELLS_PER_COMMUNE):
                cell, _ = add(f"B-{d}-{c}-{k}", f"Chi bộ {d}.{c}.{k}", UnitLevel.CELL, commune, c_path)
                s.cells.append((cell, d))
    _bulk(conn, OrgUnit.__table__, rows)
    _reset_sequence(conn, OrgUnit.__table__)


def seed_users(conn, s: Seeded, cadres: int) -> None:
    from werkzeug.security import generate_password_hash

    from elearn.accounts.models import User, UserRole
    from elearn.text import name_sort_key

    password_hash = generate_password_hash(BENCH_PASSWORD, method="pbkdf2:sha256:1000")
    users, keys = [], {}
    for n in range(cadres + 2):
        full = f"{FAMILY[n % 10]} {MIDDLE[(n // 10) % 8]} {GIVEN[(n // 80) % 18]}"
        if full not in keys:
            keys[full] = name_sort_key(full)
        cell, district = s.cells[n % len(s.cells)]
        username = BENCH_USER if n == 0 else ("bench.trainer" if n == 1 else f"cb{n:06d}")
        users.append({"username": username, "full_name": full, "sort_name": keys[full], "position": "",
                      "unit_id": cell, "password_hash": password_hash, "must_change_password": False,
                      "active": True, "created_at": NOW})
    _bulk(conn, User.__table__, users)
    ids = dict(conn.execute(select(User.__table__.c.username, User.__table__.c.id)).all())
    district_of = {cell: d for cell, d in s.cells}
    s.bench_user, s.owner = ids[BENCH_USER], ids["bench.trainer"]
    s.cadres = [(ids[u["username"]], district_of[u["unit_id"]]) for u in users if u["username"] != "bench.trainer"]
    roles = [{"user_id": uid, "role": "cadre"} for uid, _ in s.cadres] + [{"user_id": s.owner, "role": "trainer"}]
    _bulk(conn, UserRole.__table__, roles)


def seed_courses(conn, s: Seeded, courses: int) -> None:
    from courses.models import Course, Item, Lesson, Module
    from elearn.text import fold

    body = "<p>" + "Nội dung bài học dùng để đo hiệu năng. " * 40 + "</p>"
    rows: dict[str, list[dict]] = {"course": [], "module": [], "item": [], "lesson": []}
    for n in range(courses):
        title = f"Khóa học số {n + 1}: chuyên đề năm 2023"
        course_id = n + 1
        rows["course"].append({"id": course_id, "slug": f"bench-{n + 1}", "title": title,
                               "search_text": fold(title), "theme": "Chuyên đề 2023", "year": 2023,
                               "summary": "Khóa học mẫu.", "status": "published", "self_enroll": True,
                               "owner_id": s.owner, "created_at": NOW, "updated_at": NOW})
        s.courses.append(course_id)
        s.items[course_id] = []
        for m in range(MODULES):
            module_id = len(rows["module"]) + 1
            rows["module"].append({"id": module_id, "course_id": course_id, "title": f"Phần {m + 1}", "position": m})
            for k in range(LESSONS_PER_MODULE):
                item_id = len(rows["item"]) + 1
                rows["item"].append({"id": item_id, "course_id": course_id, "module_id": module_id, "kind": "lesson",
                                     "title": f"Bài {m + 1}.{k + 1}", "position": k,
                                     "required": k != LESSONS_PER_MODULE - 1 or m == 0, "created_at": NOW})
                rows["lesson"].append({"item_id": item_id, "body_html": body, "minutes": 10,
                                       "complete_on_open": False})
                s.items[course_id].append(item_id)
    for model, key in ((Course, "course"), (Module, "module"), (Item, "item"), (Lesson, "lesson")):
        _bulk(conn, model.__table__, rows[key])
        _reset_sequence(conn, model.__table__)


def seed_assignments(conn, s: Seeded) -> None:
    """Two courses to the whole province, every other course to one district."""
    from courses.models import Assignment

    for n, course_id in enumerate(s.courses):
        district = None if n < 2 else n % DISTRICTS
        unit = s.province if district is None else s.districts[district]
        due = NOW + timedelta(days=(n % 5) * 20 - 30)  # some already overdue
        assignment_id = n + 1
        _bulk(conn, Assignment.__table__, [{"id": assignment_id, "course_id": course_id, "unit_id": unit,
                                            "due_at": due, "created_by_id": s.owner, "created_at": NOW}])
        s.assignments.append((assignment_id, course_id, district, due))
    _reset_sequence(conn, Assignment.__table__)


def _stage(user_id: int, course_id: int, n_items: int) -> int:
    """How many items this cadre has done on this course: a spread over every stage."""
    h = (user_id * 2654435761 + course_id * 40503) % 100
    if h < 30:
        return 0
    if h < 65:
        return 1 + h % (n_items - 1)
    return n_items


def seed_enrollments(conn, s: Seeded) -> None:
    from courses.models import Enrollment

    rows = []
    for assignment_id, course_id, district, due in s.assignments:
        n_items = len(s.items[course_id])
        for user_id, user_district in s.cadres:
            if user_id == s.bench_user or district is None or district == user_district:
                done = n_items if user_id == s.bench_user and course_id % 3 == 0 else _stage(user_id, course_id, n_items)
                if user_id == s.bench_user and course_id % 3 == 1:
                    done = 0
                rows.append({"user_id": user_id, "course_id": course_id, "source": "assignment",
                             "assignment_id": assignment_id, "enrolled_at": NOW - timedelta(days=60), "due_at": due,
                             "completed_at": NOW - timedelta(days=done) if done == n_items else None})
                s.enrollments.append((user_id, course_id, done))
    _bulk(conn, Enrollment.__table__, rows)


def seed_progress(conn, s: Seeded) -> None:
    from courses.models import Progress

    rows = []
    for user_id, course_id, done in s.enrollments:
        for k, item_id in enumerate(s.items[course_id][:done]):
            at = NOW - timedelta(days=30 - k)
            rows.append({"user_id": user_id, "item_id": item_id, "course_id": course_id, "first_opened_at": at,
                         "completed_at": at, "time_spent_seconds": 300 + k})
        if len(rows) >= BATCH * 5:
            _bulk(conn, Progress.__table__, rows)
            rows = []
    _bulk(conn, Progress.__table__, rows)


def seed(engine, cadres: int, courses: int) -> Seeded:
    s = Seeded()
    steps = [("units", lambda c: seed_units(c, s)), ("users", lambda c: seed_users(c, s, cadres)),
             ("courses", lambda c: seed_courses(c, s, courses)), ("assignments", lambda c: seed_assignments(c, s)),
             ("enrollments", lambda c: seed_enrollments(c, s)), ("progress", lambda c: seed_progress(c, s))]
    for name, step in steps:
        started = time.perf_counter()
        with engine.begin() as conn:
            step(conn)
        print(f"  {name:<12} {time.perf_counter() - started:6.1f} s", flush=True)
    return s


def make_app(url: str):
    """An app on ``url``, migrated, tuned for loading (no fsync on SQLite)."""
    from elearn.app import create_app
    from elearn.cli import upgrade

    instance = Path(tempfile.mkdtemp(prefix="elearn-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
                      "SQLITE_SYNCHRONOUS": "OFF", "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='elearn-seed-')}/bench.sqlite"
    app = make_app(url)
    print(f"seeding {url}: {args.cadres} cadres, {args.courses} courses")
    s = seed(app.extensions["elearn.engine"], args.cadres, args.courses)
    print(f"done: {len(s.cadres)} cadres, {len(s.enrollments)} enrolments")


if __name__ == "__main__":
    main()
