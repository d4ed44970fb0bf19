"""Fill a database with a realistic province for the statistics benchmarks.

    DATABASE_URL=sqlite:////tmp/stats.sqlite .venv/bin/python bench/seed_stats.py --cadres 100000 --courses 10
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/elearn_stats_bench .venv/bin/python bench/seed_stats.py

The database must be new (it is migrated here; a PostgreSQL database whose name contains
'bench' or 'test' is dropped and recreated first). The tree has the real shape of a province:
8 districts, ~35 communes each, ~10 party cells per commune; cadres mostly in cells. Every
cadre is enrolled (by assignment) in every course, at every stage: not started, started,
lessons read, quiz failed, complete with a certificate, some overdue. Quiz rows and finished
attempts are written when the quizzes tables exist; certificates when that table exists.

Each part is a function over one connection (``seed_units``, ``seed_cadres``, ``seed_courses``,
``seed_learning``), so a general ``bench/seed.py`` can call them. Rows go in with explicit ids
through Core ``executemany`` in batches: no ORM objects, memory flat.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Table, create_engine, make_url, text  # noqa: E402

from elearn.db import Base  # noqa: E402
from elearn.text import name_sort_key  # noqa: E402

BATCH = 20_000
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ",
            "Ngô", "Hồ", "Dương", "Đinh", "Lương", "Đào", "Tạ", "Mai"]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Quang", "Ngọc", "Thanh", "Hoài", "Xuân", "Hải"]
GIVEN = ["Anh", "Bình", "Chi", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hằng", "Hiếu", "Hoa", "Hùng", "Hương",
         "Khoa", "Lan", "Linh", "Long", "Mai", "Nam", "Ngọc", "Nhung", "Phúc", "Phương", "Quân", "Sơn",
         "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Uyên", "Vân", "Việt", "Xuân", "Yến", "Ánh", "Ơn"]
POSITIONS = ["Bí thư Chi bộ", "Phó Bí thư Chi bộ", "Cán bộ tuyên giáo", "Đảng viên", "Báo cáo viên",
             "Tuyên truyền viên", "Chi ủy viên"]
START = datetime(2023, 1, 3, 1, 0, tzinfo=UTC)
FAST_HASH = "pbkdf2:sha256:1$seed$0000"  # nobody signs in as a seeded cadre


def table(name: str) -> Table | None:
    return Base.metadata.tables.get(name)


def insert(conn, name: str, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        conn.execute(table(name).insert(), rows[i:i + BATCH])


# Column order of the rows that seed_learning writes through the driver.
COLUMNS = {
    "enrollment": ("id", "user_id", "course_id", "source", "assignment_id", "enrolled_at", "due_at",
                   "completed_at", "unenrolled_at"),
    "progress": ("id", "user_id", "item_id", "course_id", "first_opened_at", "completed_at",
                 "time_spent_seconds", "best_score"),
    "quiz_attempt": ("id", "quiz_id", "user_id", "number", "state", "started_at", "deadline", "finished_at",
                     "auto_submitted", "submit_key", "score", "max_score", "percent", "passed"),
    "certificate": ("id", "code", "user_id", "course_id", "full_name", "unit_name", "course_title", "theme",
                    "completed_at", "score", "template", "issued_at", "revoked_at", "revoked_reason",
                    "revoked_by_id"),
}


class Batched:
    """Collect row tuples (``COLUMNS`` order) per table and write every BATCH rows straight
    through the driver (``executemany`` on SQLite, ``COPY`` on PostgreSQL): ORM or Core per-row
    work would dominate at millions of rows. Datetimes are naive UTC, as the models store them."""

    def __init__(self, conn):
        self.conn, self.rows, self.counts = conn, {}, {}
        self.pg = conn.dialect.name == "postgresql"
        if not self.pg:
            import sqlite3
            sqlite3.register_adapter(datetime, lambda v: v.isoformat(" "))

    def add(self, name: str, row: tuple) -> None:
        bucket = self.rows.setdefault(name, [])
        bucket.append(row)
        if len(bucket) >= BATCH:
            self.flush(name)

    def flush(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.rows):
            rows = self.rows.get(key)
            if not rows:
                continue
            cols = ", ".join(f'"{c}"' for c in COLUMNS[key])
            if self.pg:
                with self.conn.connection.driver_connection.cursor() as cur:
                    with cur.copy(f'COPY "{key}" ({cols}) FROM STDIN') as copy:
                        for row in rows:
                            copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in COLUMNS[key])
                self.conn.connection.driver_connection.executemany(
                    f'INSERT INTO "{key}" ({cols}) VALUES ({marks})', rows)
            self.counts[key] = self.counts.get(key, 0) + len(rows)
            self.rows[key] = []


def seed_units(conn, districts: int = 8, communes: int = 35, cells: int = 10) -> list[tuple[int, str, str]]:
    """The tree; returns (id, path, level) of every unit, province first."""
    rows, out, next_id = [], [], 1

    def add(code, name, level, parent):
        nonlocal next_id
        uid, next_id = next_id, next_id + 1
        path = (parent[1] if parent else "/") + f"{uid}/"
        rows.append({"id": uid, "code": code, "name": name, "level": level,
                     "parent_id": parent[0] if parent else None, "path": path, "active": True,
                     "created_at": START})
        out.append((uid, path, level))
        return uid, path

    province = add("TB", "Tỉnh ủy Thái Bình", "province", None)
    for d in range(1, districts + 1):
        district = add(f"TB-D{d:02d}", f"Huyện ủy số {d}", "district", province)
        for c in range(1, communes + 1):
            commune = add(f"TB-D{d:02d}-C{c:02d}", f"Đảng ủy xã số {c} huyện {d}", "commune", district)
            for k in range(1, cells + 1):
                add(f"TB-D{d:02d}-C{c:02d}-K{k:02d}", f"Chi bộ thôn số {k}", "cell", commune)
    insert(conn, "org_unit", rows)
    return out


def seed_cadres(conn, count: int, units: list[tuple[int, str, str]], rng: random.Random,
                first_id: int = 1) -> list[tuple[int, int]]:
    """``count`` cadres, 90% in cells, the rest in communes and districts; returns (user id, unit id)."""
    cells = [u[0] for u in units if u[2] == "cell"]
    upper = [u[0] for u in units if u[2] in ("commune", "district")]
    users, roles, out = [], [], []
    for n in range(count):
        uid = first_id + n
        unit_id = rng.choice(cells) if rng.random() < 0.9 else rng.choice(upper)
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"
        users.append({"id": uid, "username": f"cb{uid:06d}", "full_name": name, "sort_name": name_sort_key(name),
                      "position": rng.choice(POSITIONS), "unit_id": unit_id, "email": None,
                      "password_hash": FAST_HASH, "must_change_password": False, "active": True,
                      "locale": None, "created_at": START, "last_login_at": None})
        roles.append({"user_id": uid, "role": "cadre"})
        out.append((uid, unit_id))
        if len(users) >= BATCH:
            insert(conn, "user_account", users)
            insert(conn, "user_role", roles)
            users, roles = [], []
    insert(conn, "user_account", users)
    insert(conn, "user_role", roles)
    return out


def seed_courses(conn, count: int, owner_id: int, province_id: int) -> list[dict]:
    """``count`` published courses (3 lessons and a quiz each), assigned to the whole province."""
    courses, modules, items, lessons, quizzes, assignments = [], [], [], [], [], []
    out, item_id = [], 1
    for c in range(1, count + 1):
        due = datetime(2023, 3 + (c % 2) * 6, 30, 10, 0, tzinfo=UTC)  # half are already past due
        title = f"Chuyên đề {c}: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
        courses.append({"id": c, "slug": f"chuyen-de-{c}-2023", "title": title, "search_text": title.lower(),
                        "theme": "Học tập và làm theo Bác", "year": 2023, "summary": "", "cover_path": None,
                        "status": "published", "self_enroll": False, "opens_at": None, "closes_at": None,
                        "owner_id": owner_id, "created_at": START, "updated_at": START})
        modules.append({"id": c, "course_id": c, "title": "Nội dung", "position": 1})
        course_items = []
        for pos, kind in enumerate(["lesson", "lesson", "lesson", "quiz"]):
            items.append({"id": item_id, "course_id": c, "module_id": c, "kind": kind,
                          "title": f"{'Bài' if kind == 'lesson' else 'Kiểm tra'} {pos + 1}", "position": pos,
                          "required": True, "created_at": START})
            if kind == "lesson":
                lessons.append({"item_id": item_id, "body_html": "<p>Nội dung bài học.</p>", "video_url": None,
                                "attachment_name": None, "attachment_path": None, "attachment_type": None,
                                "attachment_size": None, "minutes": 10, "complete_on_open": False})
            else:
                quizzes.append({"item_id": item_id})
            course_items.append((item_id, kind))
            item_id += 1
        assignments.append({"id": c, "course_id": c, "unit_id": province_id, "due_at": due,
                            "created_by_id": owner_id, "created_at": START})
        out.append({"id": c, "title": title, "due": due, "items": course_items})
    insert(conn, "course", courses)
    insert(conn, "course_module", modules)
    insert(conn, "course_item", items)
    insert(conn, "lesson", lessons)
    if table("quiz") is not None:  # quizzes package: its defaults fill the rest
        conn.execute(table("quiz").insert(), quizzes)
    insert(conn, "course_assignment", assignments)
    return out


def seed_learning(conn, cadres: list[tuple[int, int]], courses: list[dict], rng: random.Random,
                  unit_names: dict[int, str], names: dict[int, str]) -> dict[str, int]:
    """Enrolments, progress, quiz attempts and certificates at every stage."""
    out = Batched(conn)
    has_attempts, has_certs = table("quiz_attempt") is not None, table("certificate") is not None
    enrollment_id = progress_id = attempt_id = cert_id = 0
    start, day, minute = START.replace(tzinfo=None), timedelta(days=1), timedelta(minutes=1)
    for course in courses:
        course["due_naive"] = course["due"].astimezone(UTC).replace(tzinfo=None)
    random_ = rng.random
    for user_id, unit_id in cadres:
        for course in courses:
            course_id = course["id"]
            enrollment_id += 1
            enrolled = start + day * int(random_() * 150) + minute * int(random_() * 600)
            stage = random_()  # <.15 none, <.35 started, <.45 lessons read, <.55 quiz failed, else complete
            completed = enrolled + minute * int(1440 + random_() * 86400) if stage >= .55 else None
            out.add("enrollment", (enrollment_id, user_id, course_id, "assignment", course_id, enrolled,
                                   course["due_naive"], completed, None))
            if stage < .15:
                continue
            done_at = completed or enrolled + 2 * day
            lessons = 1 if stage < .35 else 3
            for item_id, kind in course["items"]:
                if kind == "lesson":
                    if lessons <= 0:
                        continue
                    lessons -= 1
                    progress_id += 1
                    out.add("progress", (progress_id, user_id, item_id, course_id, enrolled, done_at, 600, None))
                elif stage >= .45:
                    score = float(70 + int(random_() * 31)) if completed else float(20 + int(random_() * 30))
                    progress_id += 1
                    out.add("progress", (progress_id, user_id, item_id, course_id, done_at, completed, 900, score))
                    if has_attempts:
                        attempt_id += 1
                        out.add("quiz_attempt", (attempt_id, item_id, user_id, 1, "finished", done_at - 20 * minute,
                                                 None, done_at, False, None, score / 10, 10.0, score,
                                                 completed is not None))
            if completed and has_certs:
                cert_id += 1
                out.add("certificate", (cert_id, secrets.token_hex(10).upper(), user_id, course_id, names[user_id],
                                        unit_names[unit_id], course["title"], "", completed, None, "{}", completed,
                                        None, None, None))
    out.flush()
    return out.counts


def fix_sequences(conn) -> None:
    """PostgreSQL: explicit ids leave the sequences behind; move them past the data."""
    if conn.dialect.name != "postgresql":
        return
    for name in ("org_unit", "user_account", "course", "course_module", "course_item", "course_assignment",
                 *COLUMNS):
        if table(name) is not None:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                              f"coalesce((SELECT max(id) FROM \"{name}\"), 0) + 1, false)"))


def prepare(url: str) -> None:
    """Recreate a PostgreSQL bench database / refuse a non-empty SQLite file, then migrate."""
    from elearn.app import create_app
    from elearn.cli import upgrade
    from elearn.config import normalize_db_url

    url = normalize_db_url(url)
    if url.startswith("postgresql"):
        parsed = make_url(url)
        if not any(w in (parsed.database or "") for w in ("bench", "test")):
            raise SystemExit("the PostgreSQL database name must contain 'bench' or 'test': it is dropped")
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    elif Path(url.removeprefix("sqlite:///")).exists():
        raise SystemExit(f"{url} exists: seed a new file")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="elearn-seed-")})
    with app.app_context():
        upgrade()
    app.extensions["elearn.engine"].dispose()


def seed(url: str, cadres: int, courses: int, seed_value: int = 2023) -> dict[str, float]:
    from elearn.app import load_models
    from elearn.config import normalize_db_url

    load_models()
    rng = random.Random(seed_value)
    t0 = time.perf_counter()
    prepare(url)
    engine = create_engine(normalize_db_url(url))
    if engine.dialect.name == "sqlite":
        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def fast(dbapi_conn, _):
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            dbapi_conn.execute("PRAGMA synchronous=OFF")
    figures = {}
    with engine.begin() as conn:
        units = seed_units(conn)
        unit_names = dict(conn.execute(text("SELECT id, name FROM org_unit")).all())
        staff_id = cadres + 1
        cadre_rows = seed_cadres(conn, cadres, units, rng)
        conn.execute(table("user_account").insert(), [{
            "id": staff_id, "username": "giangvien.bench", "full_name": "Đặng Thị Minh Nguyệt",
            "sort_name": name_sort_key("Đặng Thị Minh Nguyệt"), "position": "Giảng viên", "unit_id": units[0][0],
            "email": None, "password_hash": FAST_HASH, "must_change_password": False, "active": True,
            "locale": None, "created_at": START, "last_login_at": None}])
        names = dict(conn.execute(text("SELECT id, full_name FROM user_account")).all())
        course_rows = seed_courses(conn, courses, staff_id, units[0][0])
        figures["setup_s"] = time.perf_counter() - t0
        counts = seed_learning(conn, cadre_rows, course_rows, rng, unit_names, names)
        fix_sequences(conn)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    figures.update({k: float(v) for k, v in counts.items()})
    figures["units"] = float(len(units))
    figures["total_s"] = time.perf_counter() - t0
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=10)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/elearn-stats-bench.sqlite"
    figures = seed(url, args.cadres, args.courses)
    print(f"seeded {url}: {args.cadres} cadres × {args.courses} courses")
    for key, value in figures.items():
        print(f"  {key:<16} {value:,.1f}" if key.endswith("_s") else f"  {key:<16} {value:,.0f}")


if __name__ == "__main__":
    main()
