"""The JSON API through the real app (Flask test client, a bearer token, JSON in and out).

    .venv/bin/python bench/bench_api.py                  # 4 batches of 5,000 accounts, SQLite temp file
    .venv/bin/python bench/bench_api.py --batches 2 --size 2000

Times: building the OpenAPI document (once per process); ``POST /api/v1/accounts/bulk`` of new
accounts, batch after batch (the CSV import's rules, a temporary password hashed for each); the same
batch again (every row compared, nothing written); then every page of ``GET /api/v1/accounts`` at
500 a page. Prints wall and CPU time and accounts per second.
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

from bench.bench_import_users import FAMILY, GIVEN, MIDDLE, POSITIONS  # noqa: E402


def accounts(start: int, size: int, codes: list[str]) -> list[dict]:
    rng = random.Random(start)
    return [{"username": f"api{n:06d}", "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
             "unit_code": rng.choice(codes), "position": rng.choice(POSITIONS), "roles": ["cadre"]}
            for n in range(start, start + size)]


def timed(label: str, fn, rows: int | None = None):
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate = f", {rows / wall:,.0f} accounts/s" if rows else ""
    print(f"{label:<44} {wall * 1000:9.1f} ms wall {cpu * 1000:9.1f} ms CPU{rate}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--size", type=int, default=5000)
    args = parser.parse_args()

    from elearn import db
    from elearn.api import services
    from elearn.app import create_app
    from elearn.cli import upgrade
    from elearn.demo import load_units
    from elearn.permissions import Role
    from tests.factories import make_user

    tmp = tempfile.TemporaryDirectory()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp.name}/bench.sqlite", "INSTANCE_PATH": tmp.name,
                      "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        db.set_write_intent(True)
        codes = sorted(load_units())
        db.session.commit()
        admin = make_user("bench.admin", roles=[Role.ADMIN])
        _token, secret = services.create_token(admin, "bench", list(services.SCOPES), 30)
        db.session.commit()
        db.set_write_intent(False)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; SQLite; {len(codes)} units")

    timed("GET /openapi.json (built once)", lambda: client.get("/api/v1/openapi.json"))
    timed("GET /openapi.json (cached)", lambda: client.get("/api/v1/openapi.json"))
    for b in range(args.batches):
        body = {"accounts": accounts(b * args.size, args.size, codes)}
        response = timed(f"POST /accounts/bulk, {args.size} new (batch {b + 1})",
                         lambda body=body: client.post("/api/v1/accounts/bulk", json=body, headers=headers), args.size)
        assert response.status_code == 200 and response.get_json()["created"] == args.size, response.get_data()[:300]
    response = timed(f"POST /accounts/bulk, {args.size} unchanged",
                     lambda: client.post("/api/v1/accounts/bulk", json=body, headers=headers), args.size)
    assert response.get_json() == {"created": 0, "updated": 0, "handout": False}

    def every_page():
        page, seen = 1, 0
        while True:
            data = client.get(f"/api/v1/accounts?per_page=500&page={page}", headers=headers).get_json()
            seen += len(data["items"])
            if not data["has_more"]:
                return page, seen
            page += 1

    pages, seen = timed("GET /accounts, every page of 500", every_page, args.batches * args.size)
    print(f"  {pages} pages, {seen} accounts")


if __name__ == "__main__":
    main()
