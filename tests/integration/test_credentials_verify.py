"""``POST /credentials/verify`` over HTTP, with credentials signed by keys that each test makes."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from mpli_graph.gateway import GatewayConfig, create_app
from mpli_graph.resources import EXAMPLES_DIR
from tests.integration.conftest import CertificationBody, http, policy_json, serve

TRUST_EXAMPLES = EXAMPLES_DIR / "trust"
EXAMPLES_PER_OPERATION = 30


@pytest.fixture(scope="module")
def marketplace() -> Iterator[str]:
    """Serve a marketplace without providers or a configured policy; yield its base URL."""
    with serve(create_app(GatewayConfig(role="marketplace"))) as url:
        yield url


def _verify(url: str, body: object, content_type: str = "application/json") -> tuple[int, dict]:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    status, reply = http("POST", f"{url}/credentials/verify", data, content_type)
    return status, json.loads(reply)


def _request(body: CertificationBody, credential: dict | str, **members: object) -> dict:
    request = {"credential": credential, "statusLists": [body.status_list()], "policy": policy_json(body.did)}
    request.update(members)
    return request


def _checks(result: dict) -> dict[str, bool]:
    return {item["check"]: item["passed"] for item in result["checks"]}


def test_valid_credential_verified(marketplace, body):
    status, result = _verify(marketplace, _request(body, body.credential(), scheme="mcert:iso-iec-27001"))

    assert status == 200
    assert result["verified"] is True
    assert result["issuer"] == body.did
    assert result["securing"] == "eddsa-rdfc-2022"
    assert _checks(result) == {"verifies": True, "valid now": True, "not revoked": True, "issuer trusted": True}
    assert result["reasons"] == []


def test_valid_jwt_in_request_verified(marketplace, body):
    status, result = _verify(marketplace, _request(body, body.jwt_credential(), scheme="mcert:iso-iec-27001"))

    assert status == 200
    assert result["verified"] is True
    assert result["securing"] == "vc+jwt"


def test_tampered_credential_fails_verifies(marketplace, body):
    credential = copy.deepcopy(body.credential())
    credential["validUntil"] = "2199-01-01T00:00:00Z"

    status, result = _verify(marketplace, _request(body, credential))

    assert status == 200
    assert result["verified"] is False
    assert result["failed_check"] == "verifies"
    assert _checks(result) == {"verifies": False}


def test_expired_credential_fails_valid_now(marketplace, body):
    status, result = _verify(marketplace, _request(body, body.credential(valid_until="2025-03-01T00:00:00Z")))

    assert status == 200
    assert result["verified"] is False
    assert result["failed_check"] == "valid now"
    assert "expired" in result["reasons"][0]


def test_now_member_moves_the_check(marketplace, body):
    credential = body.credential(valid_until="2025-03-01T00:00:00Z")

    status, result = _verify(marketplace, _request(body, credential, now="2025-02-01T00:00:00Z", scheme="mcert:iso-iec-27001"))

    assert status == 200
    assert result["verified"] is True


def test_revoked_credential_fails_not_revoked(marketplace, body):
    credential = body.credential(status_index=77)
    body.revoked.set(77)

    status, result = _verify(marketplace, _request(body, credential))

    assert status == 200
    assert result["failed_check"] == "not revoked"
    assert "bit 77" in result["reasons"][0]


def test_missing_status_list_names_the_member(marketplace, body):
    status, result = _verify(marketplace, body.credential(), "application/vc+ld+json")

    assert status == 200
    assert result["failed_check"] == "not revoked"
    assert "statusLists" in result["reasons"][0]


def test_bare_jwt_body_checked(marketplace, body):
    status, result = _verify(marketplace, body.jwt_credential(), "application/vc+jwt")

    assert status == 200
    assert _checks(result)["verifies"] is True
    assert result["failed_check"] == "not revoked"


def test_policy_without_scheme_fails_issuer_trusted(marketplace, body):
    status, result = _verify(marketplace, _request(body, body.credential()))

    assert status == 200
    assert result["failed_check"] == "issuer trusted"
    assert "claim kind https://w3id.org/mpli#Certification" in result["reasons"][0]


def test_untrusted_issuer_fails_issuer_trusted(marketplace, body):
    stranger = CertificationBody("stranger")

    status, result = _verify(marketplace, _request(body, body.credential(), policy=policy_json(stranger.did)))

    assert status == 200
    assert result["failed_check"] == "issuer trusted"
    assert body.did in result["reasons"][0]


def test_issuer_trusted_for_other_scheme_fails(marketplace, body):
    status, result = _verify(marketplace, _request(body, body.credential(), scheme="mcert:bsi-c5"))

    assert status == 200
    assert result["failed_check"] == "issuer trusted"
    assert "bsi-c5" in result["reasons"][0]


def test_unsigned_credential_fails_verifies(marketplace, body):
    status, result = _verify(marketplace, body.unsigned_credential())

    assert status == 200
    assert result["failed_check"] == "verifies"
    assert "no proof" in result["reasons"][0]


@pytest.mark.parametrize(
    ("body_text", "content_type", "expected"),
    [
        ("{not json", "application/json", "not JSON"),
        ("[1, 2]", "application/json", "JSON object"),
        ("", "application/json", "empty"),
        ("not-a-jwt", "application/vc+jwt", "compact JWT"),
        ('{"credential": 5}', "application/json", '"credential"'),
        ('{"credential": "a.b.c", "extra": 1}', "application/json", "unknown request members extra"),
        ('{"credential": "a.b.c", "now": "yesterday"}', "application/json", '"now"'),
        ('{"credential": "a.b.c", "policy": {"trustPolicies": "x"}}', "application/json", "trustPolicies"),
        ('{"credential": "a.b.c", "statusLists": [{}]}', "application/json", "statusLists[0]"),
    ],
)
def test_unreadable_input_400(marketplace, body_text, content_type, expected):
    status, result = _verify(marketplace, body_text, content_type)

    assert status == 400
    assert expected in result["message"]


def test_unsupported_media_type_415(marketplace):
    status, result = _verify(marketplace, "<credential/>", "application/xml")

    assert status == 415
    assert "application/vc+jwt" in result["message"]


def test_configured_policy_applies():
    credential = json.loads((TRUST_EXAMPLES / "credentials" / "example-cloud-iso-27001.json").read_text(encoding="utf-8"))
    status_list = json.loads((TRUST_EXAMPLES / "credentials" / "status-list-1.json").read_text(encoding="utf-8"))
    config = GatewayConfig(role="marketplace", trust_policy=TRUST_EXAMPLES / "example-policy.ttl")

    with serve(create_app(config)) as url:
        trusted_status, trusted = _verify(url, {"credential": credential, "statusLists": [status_list], "scheme": "mcert:iso-iec-27001"})
        other_status, other = _verify(url, {"credential": credential, "statusLists": [status_list], "scheme": "mcert:bsi-c5"})

    assert trusted_status == 200
    assert trusted["verified"] is True
    assert "issuer trusted" in _checks(trusted)
    assert other_status == 200
    assert other["failed_check"] == "issuer trusted"


def test_openapi_describes_new_operations(marketplace):
    status, reply = http("GET", f"{marketplace}/openapi.json")
    document = json.loads(reply)

    assert status == 200
    assert "/credentials/verify" in document["paths"]
    parameters = {item["name"] for item in document["paths"]["/resolve"]["post"]["parameters"]}
    assert "live" in parameters


def test_verify_operation_has_no_server_errors(marketplace):
    schema = schemathesis.openapi.from_url(f"{marketplace}/openapi.json").include(path=["/credentials/verify"])
    checked = []

    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def call(case) -> None:
            case.call_and_validate(base_url=marketplace, checks=[not_a_server_error, response_schema_conformance])

        call()
        checked.append(operation.label)

    assert checked == ["POST /credentials/verify"]
