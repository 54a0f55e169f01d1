"""Schemathesis generates requests from /openapi.json, and the REST API must never return a 5xx status.

Schemathesis 4.32's own pytest integration (``from_fixture``) fails under
pytest 9.2 with "'Function' object has no attribute '_nodeid'", so this test
drives its Hypothesis strategies directly, one operation after another.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.gateway.conftest import RunningGateway

REST_PATHS = ["/resolve", "/validate", "/providers", "/offerings", "/offerings/{id}"]
EXAMPLES_PER_OPERATION = 40


def test_rest_api_has_no_server_errors(marketplace: RunningGateway) -> None:
    schema = schemathesis.openapi.from_url(f"{marketplace.url}/openapi.json").include(
        path=REST_PATHS
    )
    checked = []

    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case) -> None:
            case.call_and_validate(
                base_url=marketplace.url, checks=[not_a_server_error, response_schema_conformance]
            )

        call()
        checked.append(operation.label)

    assert len(checked) == len(REST_PATHS)
