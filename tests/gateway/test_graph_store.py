"""Admin writes through the SPARQL 1.1 Graph Store HTTP Protocol: token, validation, atomic replacement."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from mpli_graph.gateway import GatewayConfig, create_app
from tests.gateway.conftest import (
    ADMIN_TOKEN,
    MARKETPLACE_MANIFESTS,
    PROVIDER_MANIFEST,
    RunningGateway,
    http,
    provider_config,
    serve,
)

COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SMALL_PROVIDER = """
@prefix mpli: <https://w3id.org/mpli#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix ex: <https://example.org/> .

ex:manifest a mpli:ProviderManifest ;
    dcterms:publisher ex:provider ;
    dcterms:modified "2026-12-01T00:00:00Z"^^xsd:dateTime ;
    mpli:describes ex:provider, ex:small .
ex:provider a mpli:Provider ; rdfs:label "Example Cloud (made up for a test)" ;
    mpli:headquarterCountry country:DEU .
ex:small a mpli:ComputeOffering ; mpli:offeredBy ex:provider ; mpli:offeringId "small" ;
    rdfs:label "Example small" ; mpli:vcpuCount 2.0 ; mpli:memorySize 4.0 .
"""
NOT_CONFORMING = SMALL_PROVIDER.replace("mpli:offeredBy ex:provider ; ", "")
SMALL_PROVIDER_TRIPLES = 14


def put(
    url: str, body: str | bytes, token: str | None = ADMIN_TOKEN, media_type: str = "text/turtle"
):
    headers = {"Content-Type": media_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return http("PUT", url, body, headers)


def triple_count(gateway: RunningGateway) -> int:
    reply = http(
        "GET",
        f"{gateway.url}/sparql?" + urllib.parse.urlencode({"query": COUNT_QUERY}),
        headers={"Accept": "application/sparql-results+json"},
    )
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


def test_small_provider_conforms() -> None:
    from mpli_graph.manifest import parse_data
    from mpli_graph.manifest.validate import validate

    graph = parse_data(SMALL_PROVIDER, "turtle", "test")
    assert len(graph) == SMALL_PROVIDER_TRIPLES
    assert validate(graph).conforms
    assert not validate(parse_data(NOT_CONFORMING, "turtle", "test")).conforms


def test_write_without_token_gives_401(fresh_provider: RunningGateway) -> None:
    before = triple_count(fresh_provider)
    reply = put(f"{fresh_provider.url}/rdf-graphs?default", SMALL_PROVIDER, token=None)
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert json.loads(reply.body)["error"] == "AuthenticationError"
    assert triple_count(fresh_provider) == before


def test_write_with_wrong_token_gives_401(fresh_provider: RunningGateway) -> None:
    before = triple_count(fresh_provider)
    reply = put(f"{fresh_provider.url}/rdf-graphs?default", SMALL_PROVIDER, token=ADMIN_TOKEN + "x")
    assert reply.status == 401
    reply = http(
        "PUT",
        f"{fresh_provider.url}/rdf-graphs?default",
        SMALL_PROVIDER,
        {"Content-Type": "text/turtle", "Authorization": f"Basic {ADMIN_TOKEN}"},
    )
    assert reply.status == 401
    assert triple_count(fresh_provider) == before


def test_put_with_token_replaces_manifest(fresh_provider: RunningGateway) -> None:
    reply = put(f"{fresh_provider.url}/rdf-graphs?default", SMALL_PROVIDER)
    assert reply.status == 204
    assert reply.body == b""
    assert triple_count(fresh_provider) == SMALL_PROVIDER_TRIPLES

    manifest = http("GET", f"{fresh_provider.url}/.well-known/mpli")
    assert b"made up for a test" in manifest.body
    assert b"Hetzner" not in manifest.body


def test_put_by_graph_iri(fresh_provider: RunningGateway) -> None:
    graph = fresh_provider.state.manifest_graph
    reply = put(
        f"{fresh_provider.url}/rdf-graphs?" + urllib.parse.urlencode({"graph": graph}),
        SMALL_PROVIDER,
    )
    assert reply.status == 204
    other = put(
        f"{fresh_provider.url}/rdf-graphs?graph=https%3A%2F%2Fexample.org%2Fother", SMALL_PROVIDER
    )
    assert other.status == 403


def test_post_adds_triples(fresh_provider: RunningGateway) -> None:
    assert put(f"{fresh_provider.url}/rdf-graphs?default", SMALL_PROVIDER).status == 204
    addition = (
        "@prefix mpli: <https://w3id.org/mpli#> . @prefix ex: <https://example.org/> .\n"
        'ex:small mpli:cpuModel "Example CPU" .\n'
    )
    reply = http(
        "POST",
        f"{fresh_provider.url}/rdf-graphs?default",
        addition,
        {"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert reply.status == 204
    assert triple_count(fresh_provider) == SMALL_PROVIDER_TRIPLES + 1


def test_non_conforming_manifest_gives_422_with_report(fresh_provider: RunningGateway) -> None:
    before = triple_count(fresh_provider)
    reply = put(f"{fresh_provider.url}/rdf-graphs?default", NOT_CONFORMING)
    assert reply.status == 422
    body = json.loads(reply.body)
    assert body["error"] == "NotConformingError"
    assert body["report"]["conforms"] is False
    assert any("offeredBy" in (result["path"] or "") for result in body["report"]["results"])
    assert triple_count(fresh_provider) == before


def test_invalid_turtle_gives_400_with_position(fresh_provider: RunningGateway) -> None:
    reply = put(
        f"{fresh_provider.url}/rdf-graphs?default",
        "@prefix ex: <https://example.org/> .\nex:a ex:b .\n",
    )
    assert reply.status == 400
    body = json.loads(reply.body)
    assert body["error"] == "RdfSyntaxError"
    assert body["line"] == 2


def test_unsupported_media_type_gives_415(fresh_provider: RunningGateway) -> None:
    reply = put(f"{fresh_provider.url}/rdf-graphs?default", SMALL_PROVIDER, media_type="text/plain")
    assert reply.status == 415


def test_too_large_body_gives_413(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.ttl"
    manifest.write_bytes(PROVIDER_MANIFEST.read_bytes())
    app = create_app(provider_config(manifest, max_body_bytes=1000))
    with serve(app) as url:
        reply = put(f"{url}/rdf-graphs?default", SMALL_PROVIDER + "#" * 2000)
        assert reply.status == 413
        assert json.loads(reply.body)["error"] == "PayloadTooLargeError"


def test_writes_disabled_without_configured_token(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.ttl"
    manifest.write_bytes(PROVIDER_MANIFEST.read_bytes())
    app = create_app(provider_config(manifest, admin_token=None))
    with serve(app) as url:
        reply = put(f"{url}/rdf-graphs?default", SMALL_PROVIDER)
        assert reply.status == 403
        assert "MPLI_ADMIN_TOKEN" in json.loads(reply.body)["message"]


def test_provider_manifest_cannot_be_deleted(fresh_provider: RunningGateway) -> None:
    reply = http(
        "DELETE",
        f"{fresh_provider.url}/rdf-graphs?default",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert reply.status == 403


def test_graph_read_by_gsp(provider: RunningGateway) -> None:
    reply = http(
        "GET", f"{provider.url}/rdf-graphs?default", headers={"Accept": "application/n-triples"}
    )
    assert reply.status == 200
    assert len(reply.text.strip().splitlines()) == provider.state.backend.triple_count()
    missing = http("GET", f"{provider.url}/rdf-graphs")
    assert missing.status == 400


def test_readers_see_old_or_new_manifest(fresh_provider: RunningGateway) -> None:
    old_count = triple_count(fresh_provider)
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(triple_count(fresh_provider))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for _ in range(2):
            assert put(f"{fresh_provider.url}/rdf-graphs?default", SMALL_PROVIDER).status == 204
            assert (
                put(
                    f"{fresh_provider.url}/rdf-graphs?default", PROVIDER_MANIFEST.read_bytes()
                ).status
                == 204
            )
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert seen <= {old_count, SMALL_PROVIDER_TRIPLES}
    assert old_count in seen


@pytest.fixture
def writable_marketplace() -> Iterator[RunningGateway]:
    config = GatewayConfig(
        role="marketplace", providers=MARKETPLACE_MANIFESTS[:1], admin_token=ADMIN_TOKEN
    )
    app = create_app(config)
    with serve(app) as url:
        yield RunningGateway(url, app)


def test_marketplace_adds_and_removes_a_provider(writable_marketplace: RunningGateway) -> None:
    graph_url = (
        f"{writable_marketplace.url}/rdf-graphs?graph=https%3A%2F%2Fexample.org%2Fsource%2Fexample"
    )
    created = put(graph_url, SMALL_PROVIDER)
    assert created.status == 201
    providers = json.loads(http("GET", f"{writable_marketplace.url}/providers").body)
    assert "https://example.org/provider" in [item["iri"] for item in providers["items"]]

    default_write = put(f"{writable_marketplace.url}/rdf-graphs?default", SMALL_PROVIDER)
    assert default_write.status == 403

    deleted = http("DELETE", graph_url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert deleted.status == 204
    again = http("DELETE", graph_url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert again.status == 404
    providers = json.loads(http("GET", f"{writable_marketplace.url}/providers").body)
    assert "https://example.org/provider" not in [item["iri"] for item in providers["items"]]
