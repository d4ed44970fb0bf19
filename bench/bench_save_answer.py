"""Saving one answer through the real app (the JavaScript save endpoint), with the test client.

    .venv/bin/python bench/bench_save_answer.py                  # SQLite, a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/elearn_bench .venv/bin/python bench/bench_save_answer.py

The cadre signs in, starts a 30-question attempt, reads the CSRF token from the page and then
saves answers one at a time as the browser does (POST with the X-CSRFToken header). Prints the
server time (from before_request to teardown: session, sign-in check, CSRF, the attempt
lock, validation, the write and the commit) and the time seen by the client. Target: under 10 ms.
"""
from __future__ import annotations

import argparse
import re
import time

from flask import g
from quiz_setup import load_note, make_app, make_quiz, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    app, engine = make_app({"WTF_CSRF_ENABLED": True})
    server: list[float] = []
    server_cpu: list[float] = []

    @app.before_request
    def clock_in():
        g.bench_started, g.bench_cpu = time.perf_counter(), time.process_time()

    @app.teardown_request
    def clock_out(_exc):  # after the commit and the session's release
        if g.get("bench_json"):
            server.append(time.perf_counter() - g.bench_started)
            server_cpu.append(time.process_time() - g.bench_cpu)

    @app.after_request
    def mark(response):
        g.bench_json = response.mimetype == "application/json"
        return response

    with app.app_context():
        quiz_id, _ = make_quiz(30)
    from tests.factories import PASSWORD

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    token = token.group(1) or token.group(2)
    assert client.post("/login", data={"username": "bench-cadre", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    page = client.get(f"/quizzes/item/{quiz_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    started = client.post(f"/quizzes/item/{quiz_id}/start", data={"csrf_token": token})
    url = started.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    save_url = re.search(r'data-save-url="([^"]+)"', page).group(1)
    attempt_id = int(url.rstrip("/").split("/")[-1])
    with app.app_context():  # the options' tokens, as the pages show them (quizzes.tokens)
        from quizzes import tokens
        option = {(q, c): tokens.Tokens(tokens.attempt_scope(attempt_id, q)).token(tokens.CHOICE, c)
                  for q in range(1, 11) for c in "ab"}

    client_side = []
    for n in range(args.saves):
        question = n % 30 + 1
        body = {"shown": str(question), f"q{question}": "Hồ Chí Minh"} if 21 <= question <= 24 else \
            {"shown": str(question)}  # other kinds: a cleared answer is a save too
        if question <= 10:
            body[f"q{question}"] = option[question, "a" if n % 2 else "b"]
        t0 = time.perf_counter()
        response = client.post(save_url, data=body, headers={"X-CSRFToken": token, "Accept": "application/json"})
        client_side.append(time.perf_counter() - t0)
        assert response.status_code == 200 and response.json["ok"], response.get_data(as_text=True)
    print(f"{engine}: saving one answer of a 30-question attempt through the app ({args.saves} saves)")
    print(summary("server time (before_request -> teardown)", server, 10))
    print(summary("  the same, CPU time", server_cpu, 10))
    print(summary("as the test client sees it", client_side, 10))
    print(" ", load_note())
    app.extensions["elearn.engine"].dispose()


if __name__ == "__main__":
    main()
