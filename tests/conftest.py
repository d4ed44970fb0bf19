"""Fixtures: a migrated database per test, an app with its context pushed, a client.

SQLite (default): the schema is migrated once into a template file, copied for each test.
PostgreSQL (``TEST_DATABASE_URL``): the database is recreated and migrated once, and every
table is truncated after each test.
"""
from __future__ import annotations

import os
import shutil

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from elearn import db
from elearn.app import create_app
from elearn.config import normalize_db_url
from elearn.db import Base

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
from tests.factories import PASSWORD  # noqa: E402


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + TEST_DATABASE_URL if TEST_DATABASE_URL else 'SQLite'}"


def _recreate_pg_database(url: str) -> str:
    url = make_url(normalize_db_url(url))
    if worker := os.environ.get("PYTEST_XDIST_WORKER"):  # `pytest -n 2`: a database per worker
        url = url.set(database=f"{url.database}_{worker}")
    name = url.database
    if not name or "test" not in name:
        raise pytest.UsageError("TEST_DATABASE_URL must name a database with 'test' in it: it is dropped")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


def _migrate(url: str, instance) -> None:
    from elearn.cli import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
    app.extensions["elearn.engine"].dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    if TEST_DATABASE_URL:
        url = _recreate_pg_database(TEST_DATABASE_URL)
    else:
        url = f"sqlite:///{instance / 'template.sqlite'}"
    _migrate(url, instance)
    return url


@pytest.fixture
def database_url(database_template, tmp_path):
    if TEST_DATABASE_URL:
        yield database_template
        engine = create_engine(database_template)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        path = tmp_path / "test.sqlite"
        shutil.copyfile(database_template.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as it does in production.

    The test's own session commits before the request (so the request sees the test's
    setup) and starts a fresh transaction after it (so the test sees what the request wrote).
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        outer = _cv_app.get(None)
        if outer is not None:
            db.session.commit()
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if outer is not None:
                db.session.commit()
                db.session.expire_all()


def make_test_app(database_url: str, tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAIL_OUTBOX": str(tmp_path / "outbox"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SQLITE_SYNCHRONOUS": "OFF",  # test speed; durability is not under test here
        # Statistics current at every read (production recomputes in the background).
        "STATS_REFRESH_SECONDS": 0, "STATS_REFRESH_WAIT": True,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(autouse=True)
def _reset_write_intent():
    """A CLI command marks its context as writing; that must not leak into the next test."""
    yield
    db.set_write_intent(False)


@pytest.fixture
def app_config():
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_config):
    app = make_test_app(database_url, tmp_path, **app_config)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    app.extensions["elearn.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user`` (password: factories.PASSWORD)."""

    def do_login(user, password: str = PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, f"sign-in failed for {user.username}"
        return client

    return do_login
