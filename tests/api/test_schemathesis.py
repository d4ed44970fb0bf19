"""Property-based tests generated from the OpenAPI document (Schemathesis): every operation, with
valid and invalid input drawn from its schemas, must answer as documented, never with a 500.
Bounded: a few examples an operation and mode, so the whole run stays well under a minute.

(Schemathesis' pytest plugin does not start under this pytest; the operations are walked here with
its strategies and checks, which is what the plugin does.)"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from elearn import db
from elearn.permissions import Role
from tests.api.factories import bearer, make_token
from tests.factories import make_unit, make_user

EXAMPLES = 15
# Operations whose valid-looking input can still break a rule no schema can say (a unit code that
# does not exist, an account of another unit, a start date after the end date): a 400 there is right.
BUSINESS_RULES = {"accounts_bulk", "unit_summary", "unit_cadres"}


@pytest.fixture
def api(app):
    province = make_unit("Tỉnh ủy Thử", code="P")
    make_unit("Huyện ủy An", province, code="PA")
    admin = make_user("quantri", roles=[Role.ADMIN], unit=province)
    headers = bearer(make_token(admin))
    db.session.remove()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), headers


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def _fuzz(operation, mode, headers) -> None:
    excluded = [positive_data_acceptance] if operation.definition.raw.get("operationId") in BUSINESS_RULES else []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    def run(case):
        case.call_and_validate(headers=headers, excluded_checks=excluded)
        db.session.remove()

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_documented(api, mode):
    schema, headers = api
    operations = list(_operations(schema))
    assert len(operations) >= 10  # the document really lists the API
    for operation in operations:
        _fuzz(operation, mode, headers)


def test_without_a_token_every_operation_is_refused(api):
    schema, _headers = api
    for operation in _operations(schema):
        @settings(max_examples=2, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            assert case.call().status_code == 401

        run()
