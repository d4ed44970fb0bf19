"""Sign-in through the real app (test client): a known account with a wrong password, an unknown
account, an inactive one, and a right password, each timed (issue 15.4: the first three must
take the same time). Also the write lock's hold per sign-in: the hash is checked before it.

    .venv/bin/python bench/bench_sign_in.py [--n 30]
"""
from __future__ import annotations

import argparse
import time

from quiz_setup import load_note, make_app, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    app, engine = make_app({"WTF_CSRF_ENABLED": False})  # the form is not what is timed
    with app.app_context():
        from elearn import db
        from elearn.accounts import services
        from tests.factories import make_user

        db.set_write_intent(True)
        for name, active in (("known", True), ("inactive", False)):
            user = make_user(name, active=active)
            user.password_hash = services.hash_password("mat-khau-dung-9")
        db.session.commit()
    client = app.test_client()
    cases = [("known account, wrong password", "known", "sai-mat-khau", 200),
             ("unknown account", "nobody", "sai-mat-khau", 200),
             ("inactive account", "inactive", "mat-khau-dung-9", 200),
             ("right password (signs in)", "known", "mat-khau-dung-9", 302)]
    print(f"{engine}: POST /login, {args.n} times each, Argon2id m=7168 t=5 p=1")
    for label, username, password, status in cases:
        times = []
        for _ in range(args.n):
            client.post("/logout")
            t0 = time.perf_counter()
            response = client.post("/login", data={"username": username, "password": password})
            times.append(time.perf_counter() - t0)
            assert response.status_code == status, (label, response.status_code)
        print(summary(label, times, 100))
    print(" ", load_note())
    app.extensions["elearn.engine"].dispose()


if __name__ == "__main__":
    main()
