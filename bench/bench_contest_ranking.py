"""Rank a contest round of 200,000 submitted entries (target: under 10 s).

    .venv/bin/python bench/bench_contest_ranking.py                      # SQLite, a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/elearn_bench_contests .venv/bin/python bench/bench_contest_ranking.py
    .venv/bin/python bench/bench_contest_ranking.py --entries 20000      # a smaller run

PostgreSQL: the database named in DATABASE_URL is dropped and recreated (its name must contain
'bench' or 'test'). Entries are bulk-inserted with SQLAlchemy Core (not timed), each with 20 drawn
questions and answers as real entries carry; 160,000 entrants, some with several entries. Then the
ranking service (``rank_round``: one narrow SELECT, one pass, one sort), the unit participation
and the CSV export of the full ranking are timed, and their seconds printed.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _database(tmp: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp}/bench.sqlite"
    from sqlalchemy import create_engine, make_url, text

    from elearn.config import normalize_db_url

    parsed = make_url(normalize_db_url(url))
    if not any(word in (parsed.database or "") for word in ("bench", "test")):
        raise SystemExit("DATABASE_URL must name a database containing 'bench' or 'test': it is dropped")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return parsed.render_as_string(hide_password=False)


def _seed(n_entries: int):
    """A contest with one closed round, units, and ``n_entries`` submitted entries (Core bulk insert)."""
    from sqlalchemy import insert

    from elearn import db
    from elearn.accounts.services import create_user
    from elearn.db import utcnow
    from elearn.permissions import Role
    from elearn.units.models import UnitLevel
    from elearn.units.services import create_unit
    from quizzes.bank import services as bank
    from quizzes.contests import services
    from quizzes.contests.models import ContestEntrant, ContestEntry

    db.set_write_intent(True)
    province = create_unit("TB", "Tỉnh ủy", UnitLevel.PROVINCE)
    districts = [create_unit(f"D{i}", f"Huyện ủy {i}", UnitLevel.DISTRICT, province) for i in range(8)]
    communes = [create_unit(f"D{i}-C{j}", f"Đảng ủy xã {i}.{j}", UnitLevel.COMMUNE, d)
                for i, d in enumerate(districts) for j in range(25)]
    organiser, _ = create_user("btg", "Ban Tổ chức", unit=province, roles=[Role.TRAINER], password="x" * 12)
    category = bank.create_category("Bench", owner=organiser)
    for i in range(40):
        bank.create_question(category, "single", f"<p>Câu {i}</p>", user=organiser, data={
            "choices": [{"html": "Đúng", "fraction": 1}, {"html": "Sai", "fraction": 0},
                        {"html": "Sai nữa", "fraction": 0}, {"html": "Cũng sai", "fraction": 0}]})
    now = utcnow()
    contest = services.create_contest(organiser, {"title": "Bench", "starts_at": now - timedelta(days=30),
                                                  "ends_at": now + timedelta(days=1), "entries_per_round": 0})
    r = services.add_round(contest, organiser, {
        "opens_at": now - timedelta(days=7), "closes_at": now - timedelta(minutes=1), "question_count": 20,
        "time_limit_minutes": 10, "category_ids": [category.id]})
    db.session.commit()

    rng = random.Random(2023)
    n_entrants = max(1, n_entries * 4 // 5)
    chunk = 10_000
    unit_ids = [c.id for c in communes] + [None] * 20
    for start in range(0, n_entrants, chunk):
        rows = [{"contest_id": contest.id, "full_name": f"Người dự thi {i}", "sort_name": f"{i:08d}",
                 "phone": f"09{i:08d}", "email": f"u{i}@example.vn", "address": "Thái Bình",
                 "unit_id": rng.choice(unit_ids), "unit_text": "Tự do", "created_at": now}
                for i in range(start, min(n_entrants, start + chunk))]
        db.session.execute(insert(ContestEntrant), rows)
    db.session.commit()
    first_entrant = db.session.query(ContestEntrant.id).order_by(ContestEntrant.id).first()[0]
    seqs: dict[int, int] = {}
    for start in range(0, n_entries, chunk):
        rows = []
        for i in range(start, min(n_entries, start + chunk)):
            entrant = first_entrant + (i if i < n_entrants else rng.randrange(n_entrants))
            seqs[entrant] = seqs.get(entrant, 0) + 1
            started = r.opens_at + timedelta(seconds=rng.randrange(6 * 24 * 3600))
            duration = rng.randrange(60_000, 600_000)
            drawn = [{"v": 1000 + q, "o": ["a", "b", "c", "d"]} for q in rng.sample(range(40), 20)]
            rows.append({"round_id": r.id, "entrant_id": entrant, "seq": seqs[entrant], "started_at": started,
                         "deadline": started + timedelta(minutes=10),
                         "submitted_at": started + timedelta(milliseconds=duration),
                         "questions": drawn, "answers": {str(q["v"]): {"choice": "a"} for q in drawn},
                         "correct": min(20, int(rng.triangular(8, 21, 19))), "prediction": rng.randrange(0, 20_000),
                         "duration_ms": duration})
        db.session.execute(insert(ContestEntry), rows)
        db.session.commit()
    return r.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=200_000)
    args = parser.parse_args()

    from elearn import db
    from elearn.app import create_app
    from elearn.cli import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        url = _database(tmp)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench",
                          "SQLITE_SYNCHRONOUS": "OFF"})
        with app.app_context():
            upgrade()
            t0 = time.perf_counter()
            round_id = _seed(args.entries)
            print(f"database: {url.split('://')[0]}; seeded {args.entries:,} entries in {time.perf_counter() - t0:.1f} s")

            from elearn.exports import write_csv
            from quizzes.contests.exports import ranking_table
            from quizzes.contests.models import ContestRound
            from quizzes.contests.ranking import rank_round, unit_participation

            db.session.remove()
            r = db.session.get(ContestRound, round_id)
            t0 = time.perf_counter()
            ranking = rank_round(r)
            rank_s = time.perf_counter() - t0
            print(f"rank_round: {rank_s:.2f} s for {ranking.entries:,} entries, {ranking.entrants:,} entrants "
                  f"(all correct: {ranking.all_correct:,}; winner entry {ranking.rows[0].entry_id})")
            t0 = time.perf_counter()
            units = unit_participation(r)
            print(f"unit_participation: {time.perf_counter() - t0:.2f} s ({len(units.rows)} units)")
            t0 = time.perf_counter()
            columns, rows = ranking_table(r)
            count = write_csv(io.BytesIO(), columns, rows)
            print(f"ranking CSV export (rank + names + write): {time.perf_counter() - t0:.2f} s, {count:,} rows")
            print(f"target: ranking under 10 s -> {'OK' if rank_s < 10 else 'TOO SLOW'}")
        app.extensions["elearn.engine"].dispose()


if __name__ == "__main__":
    main()
