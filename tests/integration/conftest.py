"""Fixtures for the end-to-end tests: a certification body with keys made by the test, and servers on 127.0.0.1.

Every credential here is issued by a key that the test generates, about the
made-up provider in ``PROVIDER_TURTLE`` (example.org names only).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from mpli_graph.trust.canonicalize import stop_worker
from mpli_graph.trust.data_integrity import sign_document
from mpli_graph.trust.jose import sign_vc_jwt
from mpli_graph.trust.keys import generate_key
from mpli_graph.trust.status_list import Bitstring, status_list_credential

EX = "https://example.org/provider/test-cloud/"
PROVIDER = EX + "provider"
CLAIM_27001 = EX + "iso-27001"
CREDENTIAL_27001 = "https://example.org/credentials/test-cloud-iso-27001"
STATUS_LIST_PATH = "/status/1"

PROVIDER_TURTLE = f"""
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix currency: <http://publications.europa.eu/resource/authority/currency/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix mcert: <https://w3id.org/mpli/certification-scheme/> .
@prefix mpli: <https://w3id.org/mpli#> .
@prefix mstatus: <https://w3id.org/mpli/claim-status/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <{EX}> .

ex:manifest a mpli:ProviderManifest ;
    rdfs:label "Test Cloud manifest (example)" ;
    dcterms:modified "2026-12-04"^^xsd:date ;
    dcterms:publisher ex:provider ;
    mpli:describes ex:provider, ex:vm .

ex:provider a mpli:Provider ;
    rdfs:label "Test Cloud (example)" ;
    mpli:headquarterCountry country:DEU ;
    mpli:certification ex:iso-27001 .

ex:iso-27001 a mpli:Certification ;
    mpli:scheme mcert:iso-iec-27001 ;
    mpli:claimStatus mstatus:verified-credential ;
    mpli:evidenceNote "example credential made by the test" ;
    mpli:backedBy <{CREDENTIAL_27001}> .

ex:vm a mpli:ComputeOffering ;
    rdfs:label "Test Cloud VM (example)" ;
    dcterms:source "made-up test data" ;
    mpli:offeredBy ex:provider ;
    mpli:offeringId "vm" ;
    mpli:vcpuCount 4.0 ;
    mpli:memorySize 8.0 .
"""

CONSUMER_TURTLE = """
@prefix mcert: <https://w3id.org/mpli/certification-scheme/> .
@prefix mpli: <https://w3id.org/mpli#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/consumer/verified/> .

ex:manifest a mpli:ConsumerManifest ;
    rdfs:label "Verified ISO/IEC 27001 (example)" ;
    mpli:requirement ex:iso .

ex:iso a mpli:CertificationRequirement ;
    rdfs:label "ISO/IEC 27001, verified" ;
    mpli:strength mpli:Must ;
    mpli:trustLevel mpli:VerifiedLevel ;
    mpli:scheme mcert:iso-iec-27001 .
"""
CONSUMER_REQUIREMENT = "https://example.org/consumer/verified/iso"


class CertificationBody:
    """An example certification body: an Ed25519 did:key made for the test, a status list, and its credentials."""

    def __init__(self, name: str = "auditor") -> None:
        self.key = generate_key("Ed25519")
        multibase_value = self.key.public_key().to_multibase()
        self.did = f"did:key:{multibase_value}"
        self.method = f"{self.did}#{multibase_value}"
        self.status_list_iri = f"https://{name}.example.org{STATUS_LIST_PATH}"
        self.revoked = Bitstring()

    def unsigned_credential(
        self,
        subject: str = PROVIDER,
        credential_iri: str = CREDENTIAL_27001,
        valid_until: str = "2099-01-01T00:00:00Z",
        status_index: int = 3,
    ) -> dict:
        """Build a certification credential about ``subject`` with a revocation entry."""
        return {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "id": credential_iri,
            "type": ["VerifiableCredential"],
            "issuer": self.did,
            "validFrom": "2025-01-01T00:00:00Z",
            "validUntil": valid_until,
            "credentialSubject": {"id": subject, "certifiedFor": "ISO/IEC 27001 (example, made by a test)"},
            "credentialStatus": {
                "id": f"{self.status_list_iri}#{status_index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(status_index),
                "statusListCredential": self.status_list_iri,
            },
        }

    def credential(self, **options: object) -> dict:
        """Issue a certification credential with an eddsa-rdfc-2022 proof."""
        return sign_document(self.unsigned_credential(**options), self.key)  # type: ignore[arg-type]

    def jwt_credential(self, **options: object) -> str:
        """Issue the same credential as a compact vc+jwt (EdDSA)."""
        return sign_vc_jwt(self.unsigned_credential(**options), self.key, "EdDSA", self.method)  # type: ignore[arg-type]

    def status_list(self) -> dict:
        """Issue the current status list credential."""
        return sign_document(status_list_credential(self.status_list_iri, self.did, self.revoked), self.key)


def policy_json(issuer: str, scheme: str = "mcert:iso-iec-27001") -> dict:
    """Return a trust policy in its JSON form that trusts ``issuer`` for certifications of ``scheme``."""
    return {"trustPolicies": [{"trustsIssuer": [issuer], "forClaimKind": ["mpli:Certification"], "scheme": [scheme]}]}


def write_json(path: Path, document: object) -> Path:
    """Write a JSON document and return its path."""
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


@pytest.fixture(scope="session", autouse=True)
def _stop_canonicalization_worker() -> Iterator[None]:
    yield
    stop_worker()


@pytest.fixture
def body() -> CertificationBody:
    """Return a certification body with a fresh key."""
    return CertificationBody()


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Run a Flask app on a free port of 127.0.0.1 in a thread; yield its base URL; stop it afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="integration-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(method: str, url: str, body: bytes | str | None = None, content_type: str | None = None) -> tuple[int, bytes]:
    """Send one request with urllib (no proxy); return the status and body, also for 4xx and 5xx."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _OPENER.open(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()
