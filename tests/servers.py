"""Real app server processes for tests that cross a process boundary (gunicorn on loopback)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_url(db: int = 0) -> str:
    """A Redis database of this test process's own: under ``pytest -n`` (xdist) each worker takes four
    of Redis's sixteen, so one worker's RQ test never takes another's job. ``TEST_REDIS_OFFSET`` moves a
    second checkout's test run (another worktree on the same machine) to databases of its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    number = int(os.environ.get("TEST_REDIS_OFFSET", "0")) + 4 * int(worker or 0) + db
    assert db < 4 and number < 16, "Redis has 16 databases: at most 4 test workers"
    return f"redis://127.0.0.1:6379/{number}"


SECRET_KEY = "shared-test-secret"  # every server of a test or benchmark: sessions and option tokens carry over


class Server:
    def __init__(self, database_url: str, instance: Path, port: int | None = None, workers: int = 1,
                 threads: int = 4, **env: str):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY,
                    "ELEARN_BASE_URL": self.url, "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                    "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads),
                    "SQLITE_SYNCHRONOUS": "NORMAL", **env}
        self.instance = instance
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Server:
        self.instance.mkdir(parents=True, exist_ok=True)
        with open(self.instance / f"server-{self.port}.log", "ab") as log:  # the child keeps its own handle
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
                cwd=self.instance, env={**self.env, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=log,
                start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {(self.instance / f'server-{self.port}.log').read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start in time")

    def kill(self) -> None:
        """SIGKILL the whole process group: no cleanup, as a crash or power cut would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running(database_url: str, instance: Path, **kwargs):
    server = Server(database_url, instance, **kwargs).start()
    try:
        yield server
    finally:
        server.stop()


def csrf_token(session: requests.Session, url: str) -> str:
    import re

    page = session.get(url, timeout=30).text
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
    if tag is None:
        raise AssertionError(f"no CSRF token on {url}")
    return re.search(r'value="([^"]+)"', tag.group(0)).group(1)


def sign_in(session: requests.Session, base: str, username: str, password: str) -> requests.Response:
    token = csrf_token(session, base + "/login")
    return session.post(base + "/login", data={"username": username, "password": password, "csrf_token": token},
                        allow_redirects=False, timeout=30)
