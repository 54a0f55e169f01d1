"""Gateway hardening: deep nesting, separate document slots, reserved graphs, empty manifests, HTTP details."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from flask import Flask

from mpli_graph.errors import InputError
from mpli_graph.federation.blueprint import create_federation_blueprint
from mpli_graph.federation.members import Federation, FederationMember
from mpli_graph.gateway import GatewayConfig, config_from_environment, create_app
from mpli_graph.gateway.query_guard import nesting_depth, reject_deep_nesting
from mpli_graph.gateway.state import EXTENSION_KEY
from mpli_graph.store import METADATA_GRAPH, VOCABULARY_GRAPH
from tests.gateway.conftest import (
    ADMIN_TOKEN,
    CONSUMER_MANIFEST,
    PROVIDER_MANIFEST,
    RunningGateway,
    serve,
)
from tests.gateway.conftest import http as send

DEEP = 20000
DEEP_QUERY = "ASK { FILTER(" + "(" * DEEP + "1" + ")" * DEEP + ") }"


def test_nesting_depth_skips_strings_iris_and_comments() -> None:
    assert nesting_depth("SELECT * WHERE { ?s ?p (1 (2)) }") == 3
    assert nesting_depth('ASK { FILTER(?x = "((((((") } # {{{{{{{\n') == 2
    assert nesting_depth("ASK { <http://example.org/a(b(c> ?p ?o }") == 1


def test_reject_deep_nesting_names_depth_and_limit() -> None:
    reject_deep_nesting("ASK { FILTER(((1))) }", limit=4)
    with pytest.raises(InputError, match="5 levels deep, more than the limit of 4"):
        reject_deep_nesting("ASK { FILTER((((1)))) }", limit=4)


@pytest.mark.parametrize("path", ["provider", "marketplace"])
def test_deeply_nested_query_rejected_and_server_stays_up(
    path: str, request: pytest.FixtureRequest
) -> None:
    gateway: RunningGateway = request.getfixturevalue(path)
    reply = send(
        "POST",
        gateway.url + "/sparql",
        DEEP_QUERY,
        {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert reply.status == 400
    assert f"{DEEP + 2} levels deep" in reply.text
    assert "limit of 200" in reply.text

    after = send(
        "POST",
        gateway.url + "/sparql",
        "ASK { ?s ?p ?o }",
        {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert after.status == 200
    assert json.loads(after.body)["boolean"] is True


def test_federation_blueprint_rejects_deep_nesting() -> None:
    federation = Federation([FederationMember("http://127.0.0.1:9/sparql")])
    app = Flask(__name__)
    app.register_blueprint(create_federation_blueprint(federation, max_query_nesting=50))
    with serve(app) as url:
        reply = send("POST", url + "/federation/sparql", DEEP_QUERY, {"Content-Type": "application/sparql-query"})
        assert reply.status == 400
        assert "limit of 50" in json.loads(reply.body)["message"]


@pytest.mark.parametrize("graph", [METADATA_GRAPH, VOCABULARY_GRAPH])
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_internal_graphs_cannot_be_written(marketplace: RunningGateway, graph: str, method: str) -> None:
    body = None if method == "DELETE" else PROVIDER_MANIFEST.read_text(encoding="utf-8")
    before = len(marketplace.state.backend.store)
    reply = send(
        method,
        f"{marketplace.url}/rdf-graphs?graph={graph}",
        body,
        {"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert reply.status == 403
    assert "internal graph" in json.loads(reply.body)["message"]
    assert len(marketplace.state.backend.store) == before
    assert send("POST", f"{marketplace.url}/resolve", CONSUMER_MANIFEST, {"Content-Type": "text/turtle"}).status == 200


SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_slow_queries_do_not_lock_out_resolution() -> None:
    config = GatewayConfig(
        role="marketplace",
        providers=(PROVIDER_MANIFEST,),
        query_timeout=1.0,
        max_concurrent_queries=2,
    )
    app = create_app(config)
    # A generous deadline for resolution, so that a busy test machine cannot turn slot
    # separation into a timing question: this test checks slots, not speed.
    state = app.extensions[EXTENSION_KEY]
    state.document_runner.limits = replace(state.document_runner.limits, timeout=60.0)
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    turtle = {"Content-Type": "text/turtle"}
    with serve(app) as url:
        assert send("POST", url + "/resolve", CONSUMER_MANIFEST, turtle).status == 200

        with ThreadPoolExecutor(max_workers=2) as pool:
            slow = list(pool.map(lambda _: send("POST", url + "/sparql", SLOW_COUNT, headers), range(2)))
        assert [reply.status for reply in slow] == [503, 503]

        busy = send("POST", url + "/sparql", "ASK { ?s ?p ?o }", headers)
        resolved = send("POST", url + "/resolve", CONSUMER_MANIFEST, turtle)
        validated = send("POST", url + "/validate", CONSUMER_MANIFEST, turtle)

        assert busy.status == 503
        assert "past their time limit" in json.loads(busy.body)["message"]
        assert resolved.status == 200, resolved.text
        assert json.loads(resolved.body)["results"]
        assert validated.status == 200, validated.text

        # Wait for the abandoned queries to end, so that they slow no later test.
        slots = state.runner._slots
        freed = [slots.acquire(timeout=180) for _ in range(2)]
        assert freed == [True, True]
        for _ in freed:
            slots.release()


def test_if_modified_since_in_the_future_is_ignored(provider: RunningGateway) -> None:
    url = provider.url + "/.well-known/mpli"
    last_modified = send("GET", url, headers={"Accept": "text/turtle"}).headers["Last-Modified"]
    assert send("GET", url, headers={"Accept": "text/turtle", "If-Modified-Since": last_modified}).status == 304

    future = "Tue, 01 Jan 2999 00:00:00 GMT"
    reply = send("GET", url, headers={"Accept": "text/turtle", "If-Modified-Since": future})
    assert reply.status == 200
    assert reply.body


def test_empty_post_without_content_type_says_no_query(provider: RunningGateway) -> None:
    # http.client, because urllib adds a form Content-Type to every POST.
    address = urllib.parse.urlsplit(provider.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("POST", "/sparql", body=b"", headers={"Content-Length": "0"})
        reply = connection.getresponse()
        status, body = reply.status, reply.read()
    finally:
        connection.close()
    assert status == 400
    assert "has no query" in json.loads(body)["message"]


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "text/html, text/turtle;q=0.5"])
def test_resolve_rejects_accept_without_json(marketplace: RunningGateway, accept: str) -> None:
    reply = send(
        "POST",
        marketplace.url + "/resolve",
        CONSUMER_MANIFEST,
        {"Content-Type": "text/turtle", "Accept": accept},
    )
    assert reply.status == 406
    assert "application/json" in json.loads(reply.body)["message"]


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/html, application/*;q=0.1"])
def test_resolve_answers_when_json_accepted(marketplace: RunningGateway, accept: str | None) -> None:
    headers = {"Content-Type": "text/turtle"}
    if accept is not None:
        headers["Accept"] = accept
    reply = send("POST", marketplace.url + "/resolve", CONSUMER_MANIFEST, headers)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")


NO_MANIFEST = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/thing> rdfs:label "An example resource, not a manifest" .
"""


def test_provider_rejects_document_without_provider_manifest(fresh_provider: RunningGateway) -> None:
    before = send("GET", fresh_provider.url + "/.well-known/mpli", headers={"Accept": "text/turtle"}).body
    reply = send(
        "PUT",
        fresh_provider.url + "/rdf-graphs?default",
        NO_MANIFEST,
        {"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert reply.status == 422, reply.text
    assert "the document has no mpli:ProviderManifest node" in json.loads(reply.body)["message"]
    after = send("GET", fresh_provider.url + "/.well-known/mpli", headers={"Accept": "text/turtle"}).body
    assert after == before


def test_validate_endpoint_reports_document_without_manifest(marketplace: RunningGateway) -> None:
    reply = send("POST", marketplace.url + "/validate", NO_MANIFEST, {"Content-Type": "text/turtle"})
    assert reply.status == 200
    report = json.loads(reply.body)
    assert report["conforms"] is False
    assert any("no mpli:ProviderManifest" in result["message"] for result in report["results"])

    consumer = send("POST", marketplace.url + "/validate", CONSUMER_MANIFEST, {"Content-Type": "text/turtle"})
    assert json.loads(consumer.body)["conforms"] is True


def test_new_limits_read_from_environment() -> None:
    config = config_from_environment(
        "marketplace", {"MPLI_MAX_QUERY_NESTING": "50", "MPLI_MAX_CONCURRENT_DOCUMENTS": "3"}
    )
    assert config.max_query_nesting == 50
    assert config.document_limits.max_concurrent_queries == 3
    with pytest.raises(InputError, match="max_query_nesting must be positive"):
        GatewayConfig(max_query_nesting=0)
