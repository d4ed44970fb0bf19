"""A production server that signs certificates only with keys it made itself says so: a warning in
its log at start, and a notice with what to do on the admins' pages; an imported CA key ends both."""
from __future__ import annotations

import logging

from courses.certificates import keys, services
from elearn import db
from elearn.permissions import Role
from tests.conftest import make_test_app
from tests.courses.certificates.test_signatures import _p12
from tests.factories import PASSWORD, make_user

PRODUCTION = {"TESTING": False, "ELEARN_ENV": "production", "BASE_URL": "https://elearn.example"}
NOTICE = "elearn certificates keys import"


def test_production_with_self_made_keys_warns_at_start_and_tells_admins(database_url, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        app = make_test_app(database_url, tmp_path, **PRODUCTION)
    assert any(NOTICE in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    with app.app_context():
        admin, manager = make_user(roles=(Role.ADMIN,)), make_user(roles=(Role.MANAGER,))
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": admin.username, "password": PASSWORD})
        assert NOTICE in client.get("/certificates/manage").get_data(as_text=True)
        assert NOTICE in client.get("/admin/").get_data(as_text=True)
        client.post("/logout")
        client.post("/login", data={"username": manager.username, "password": PASSWORD})
        assert NOTICE not in client.get("/certificates/manage").get_data(as_text=True)  # not theirs to act on

        keys.load(services.key_folder())  # the key the app made on first use: still self-made
        assert services.unofficial_keys_in_production()
        keys.import_pkcs12(services.key_folder(), _p12(tmp_path), b"mat-khau")
        assert not services.unofficial_keys_in_production()
        client.post("/logout")
        client.post("/login", data={"username": admin.username, "password": PASSWORD})
        assert NOTICE not in client.get("/certificates/manage").get_data(as_text=True)
    app.extensions["elearn.engine"].dispose()  # no connection left for the garbage collector
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = make_test_app(database_url, tmp_path, **PRODUCTION)
    again.extensions["elearn.engine"].dispose()
    assert not any(NOTICE in r.getMessage() for r in caplog.records)


def test_development_and_tests_do_not_warn(app, login):
    assert not services.unofficial_keys_in_production()
    client = login(make_user(roles=(Role.ADMIN,)))
    assert NOTICE not in client.get("/certificates/manage").get_data(as_text=True)
