"""The authorization matrix: every route, every role.

Walks ``app.url_map``, so a new route cannot escape: each view must declare ``@public`` or
``@requires(...)``. Then, for every route and each of anonymous, cadre, trainer, manager of
another district and admin, the answer must be what the declaration promises — sign-in
redirect, 403, or (when allowed) anything but a server error, even with ids that do not exist.
Object-level checks (another cadre's attempt, another trainer's course) live beside each domain
and in ``test_object_access.py``.
"""
from __future__ import annotations

import pytest

from elearn.permissions import Role, permissions_for
from tests.factories import make_unit, make_user

ROLES = {"cadre": [Role.CADRE], "trainer": [Role.TRAINER], "manager": [Role.MANAGER], "admin": [Role.ADMIN]}
SAMPLE = {"int": "987654", "string": "khong-ton-tai", "path": "khong/ton/tai", "default": "khong-ton-tai",
          "uuid": "00000000-0000-0000-0000-000000000000"}


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        view = app.view_functions[rule.endpoint]
        methods = sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS"))
        yield rule, view, methods


def _url(rule) -> str:
    url = rule.rule
    for arg in rule.arguments:
        converter = type(rule._converters[arg]).__name__.replace("Converter", "").lower()
        value = SAMPLE.get({"integer": "int", "unicode": "string"}.get(converter, converter), SAMPLE["default"])
        url = url.replace(f"<{arg}>", value)
        for prefix in ("int", "string", "path", "uuid", "float", "any"):
            url = url.replace(f"<{prefix}:{arg}>", value)
    return url


def test_every_route_declares_who_may_use_it(app):
    undeclared = [f"{rule.rule} ({rule.endpoint})" for rule, view, _ in _routes(app)
                  if not getattr(view, "public", False) and getattr(view, "required_permissions", None) is None]
    assert not undeclared, ("add @public or @requires(...) (elearn.permissions) to: " + ", ".join(undeclared))


@pytest.fixture
def people(app):
    province = make_unit("Tỉnh ủy")
    district_a, district_b = make_unit("Huyện A", province), make_unit("Huyện B", province)
    users = {name: make_user(f"matrix-{name}", roles=roles, unit=district_b) for name, roles in ROLES.items()}
    users["victim"] = make_user("matrix-victim", unit=make_unit("Xã A1", district_a))
    return users


def test_matrix(app, client, login, people):
    failures = []
    for who in ["anonymous", *ROLES]:
        if who == "anonymous":
            client.post("/logout")
        else:
            login(people[who])
        granted = permissions_for(ROLES.get(who, []))
        for rule, view, methods in _routes(app):
            if rule.endpoint == "auth.logout":
                continue  # would sign the client out mid-walk; covered in test_auth
            public = getattr(view, "public", False)
            needed = getattr(view, "required_permissions", frozenset())
            any_of = getattr(view, "any_permission", False)
            allowed = public or (who != "anonymous" and (
                not needed or (any(p in granted for p in needed) if any_of else needed <= granted)))
            for method in methods:
                url = _url(rule)
                response = client.open(url, method=method, data={})
                status = response.status_code
                location = response.headers.get("Location", "")
                if status >= 500:
                    failures.append(f"{who} {method} {url}: {status}")
                elif not allowed and who == "anonymous" and not (status in (302, 303) and "/login" in location
                                                                  or status in (401, 404)):
                    failures.append(f"{who} {method} {url}: {status} (expected sign-in redirect)")
                elif not allowed and who != "anonymous" and status not in (403, 404):
                    failures.append(f"{who} {method} {url}: {status} (expected 403)")
                elif allowed and status == 403 and not rule.arguments:
                    failures.append(f"{who} {method} {url}: 403 although declared allowed")
    assert not failures, "\n".join(failures)
