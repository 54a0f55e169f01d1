"""Verified-level resolution end to end: a real store, the resolver, and credentials signed by keys made here.

The provider's ISO/IEC 27001 claim is backed by one credential. The consumer
requires the scheme at ``mpli:VerifiedLevel``, so the verdict depends only on
whether that credential passes the trust checks, and its note names the check
that failed.
"""

from __future__ import annotations

import copy

import pyoxigraph as ox

from mpli_graph.manifest import parse_data
from mpli_graph.resolution import resolve
from mpli_graph.store import ManifestStore
from mpli_graph.trust.claims import CredentialChecker
from mpli_graph.trust.data_integrity import sign_document
from mpli_graph.trust.policy import policy_from_json, scheme_hierarchy
from mpli_graph.trust.status_list import Bitstring, status_list_credential
from tests.integration.conftest import (
    CONSUMER_REQUIREMENT,
    CONSUMER_TURTLE,
    CREDENTIAL_27001,
    PROVIDER_TURTLE,
    CertificationBody,
    policy_json,
)

SOURCE = "https://example.org/sources/test-cloud"


def _policy(issuer: str, scheme: str = "mcert:iso-iec-27001"):
    policy = policy_from_json(policy_json(issuer, scheme))
    policy.broader = scheme_hierarchy()
    return policy


def _verdict(credentials: dict, policy) -> dict:
    """Resolve the test consumer over the test provider and return the certification verdict as JSON."""
    consumer = parse_data(CONSUMER_TURTLE.encode("utf-8"), "turtle", "consumer")
    with ManifestStore() as store:
        store.load_source(SOURCE, PROVIDER_TURTLE.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        checker = CredentialChecker(policy, credentials, store=store)
        resolution = resolve(store, consumer, credential_checker=checker)
    results = resolution.to_json()["results"]
    assert len(results) == 1
    verdicts = {item["requirement"]: item for item in results[0]["requirements"]}
    return verdicts[CONSUMER_REQUIREMENT]


def _credentials(body: CertificationBody, credential: dict | str) -> dict:
    return {CREDENTIAL_27001: credential, body.status_list_iri: body.status_list()}


def test_valid_credential_satisfies(body):
    verdict = _verdict(_credentials(body, body.credential()), _policy(body.did))

    assert verdict["verdict"] == "satisfied"
    assert verdict["note"] is None


def test_valid_jwt_credential_satisfies(body):
    verdict = _verdict(_credentials(body, body.jwt_credential()), _policy(body.did))

    assert verdict["verdict"] == "satisfied"


def test_without_checker_unknown(body):
    consumer = parse_data(CONSUMER_TURTLE.encode("utf-8"), "turtle", "consumer")
    with ManifestStore() as store:
        store.load_source(SOURCE, PROVIDER_TURTLE.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        verdict = resolve(store, consumer).to_json()["results"][0]["requirements"][0]

    assert verdict["verdict"] == "unknown"
    assert "no credential verification configured" in verdict["note"]


def test_tampered_credential_fails_verifies(body):
    credential = body.credential()
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["certifiedFor"] = "SecNumCloud (example, changed after signing)"

    verdict = _verdict(_credentials(body, tampered), _policy(body.did))

    assert verdict["verdict"] == "violated"
    assert f"{CREDENTIAL_27001}: verifies failed" in verdict["note"]


def test_expired_credential_fails_valid_now(body):
    credential = body.credential(valid_until="2025-06-01T00:00:00Z")

    verdict = _verdict(_credentials(body, credential), _policy(body.did))

    assert verdict["verdict"] == "violated"
    assert "valid now failed" in verdict["note"]
    assert "expired" in verdict["note"]


def test_revoked_credential_fails_not_revoked(body):
    credential = body.credential(status_index=42)
    body.revoked.set(42)

    verdict = _verdict(_credentials(body, credential), _policy(body.did))

    assert verdict["verdict"] == "violated"
    assert "not revoked failed" in verdict["note"]
    assert "bit 42" in verdict["note"]


def test_other_revoked_bit_still_satisfies(body):
    credential = body.credential(status_index=42)
    body.revoked.set(43)

    verdict = _verdict(_credentials(body, credential), _policy(body.did))

    assert verdict["verdict"] == "satisfied"


def test_missing_status_list_fails_not_revoked(body):
    verdict = _verdict({CREDENTIAL_27001: body.credential()}, _policy(body.did))

    assert verdict["verdict"] == "violated"
    assert "not revoked failed" in verdict["note"]
    assert "not available" in verdict["note"]


def test_untrusted_issuer_fails_issuer_trusted(body):
    stranger = CertificationBody("stranger")

    verdict = _verdict(_credentials(body, body.credential()), _policy(stranger.did))

    assert verdict["verdict"] == "violated"
    assert "issuer trusted failed" in verdict["note"]
    assert body.did in verdict["note"]


def test_issuer_trusted_for_other_scheme_fails(body):
    verdict = _verdict(_credentials(body, body.credential()), _policy(body.did, "mcert:bsi-c5"))

    assert verdict["verdict"] == "violated"
    assert "issuer trusted failed" in verdict["note"]
    assert "iso-iec-27001" in verdict["note"]


def test_credential_about_other_provider_fails(body):
    credential = body.credential(subject="https://example.org/provider/someone-else/provider")

    verdict = _verdict(_credentials(body, credential), _policy(body.did))

    assert verdict["verdict"] == "violated"
    assert "about the claim failed" in verdict["note"]


def test_status_list_from_other_issuer_fails(body):
    stranger = CertificationBody("stranger")
    forged_list = sign_document(status_list_credential(body.status_list_iri, stranger.did, Bitstring()), stranger.key)

    credentials = {CREDENTIAL_27001: body.credential(), body.status_list_iri: forged_list}
    verdict = _verdict(credentials, _policy(body.did))

    assert verdict["verdict"] == "violated"
    assert "not revoked failed" in verdict["note"]
    assert stranger.did in verdict["note"]


def test_tampered_status_list_fails_not_revoked(body):
    credential = body.credential(status_index=42)
    status_list = body.status_list()
    status_list["credentialSubject"]["encodedList"] = status_list["credentialSubject"]["encodedList"][:-4] + "AAAA"
    credentials = {CREDENTIAL_27001: credential, body.status_list_iri: status_list}

    verdict = _verdict(credentials, _policy(body.did))

    assert verdict["verdict"] == "violated"
    assert "not revoked failed" in verdict["note"]
    assert "does not verify" in verdict["note"]
