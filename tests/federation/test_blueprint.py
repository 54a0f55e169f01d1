"""Tests of the federation blueprint and the CLI support, with real loopback members."""

from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask

from mpli_graph.errors import InputError
from mpli_graph.federation.blueprint import SOURCES_HEADER, create_federation_blueprint
from mpli_graph.federation.cli_support import (
    add_live_arguments,
    federation_from_args,
    format_sources,
    print_failed_sources,
    resolve_from_args,
)
from mpli_graph.federation.members import members_from_urls
from mpli_graph.federation.result import SourceReport
from mpli_graph.federation.transport import Transport
from mpli_graph.resources import EXAMPLES_DIR
from tests.federation.endpoints import GatewayEndpoint

PREFIX = "PREFIX ex: <http://example.org/>\n"
CONSUMER = Path(__file__).parent / "data" / "consumer.ttl"


@pytest.fixture
def transport():
    """Return an HTTP transport that is closed after the test."""
    with Transport() as shared:
        yield shared


@pytest.fixture
def client(members, transport):
    """Return a test client of an app with the blueprint over members A, B and C."""
    federation = members_from_urls([endpoint.url for endpoint in members])
    app = Flask("federation-test")
    app.register_blueprint(create_federation_blueprint(federation, transport=transport))
    return app.test_client()


def test_sparql_get_json_with_sources(client, members):
    a, b, c = members
    query = PREFIX + f"SELECT ?o WHERE {{ SERVICE <{b.url}> {{ ?o ex:vcpu ?cpu }} }}"

    response = client.get("/federation/sparql", query_string={"query": query})

    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert len(response.get_json()["results"]["bindings"]) == 2
    sources = json.loads(response.headers[SOURCES_HEADER])
    assert sources == [{"endpoint": b.url, "status": "ok", "elapsed_ms": sources[0]["elapsed_ms"], "error": None}]


def test_sparql_post_xml(client, members):
    a, b, c = members
    query = PREFIX + f"SELECT ?o WHERE {{ SERVICE <{a.url}> {{ ?o ex:gpu 1 }} }}"

    response = client.post(
        "/federation/sparql",
        data=query,
        content_type="application/sparql-query",
        headers={"Accept": "application/sparql-results+xml"},
    )

    assert response.status_code == 200
    rows = list(ox.parse_query_results(response.data, ox.QueryResultsFormat.XML))
    assert [str(row["o"]) for row in rows] == ["<http://example.org/vm2>"]


def test_sparql_construct_turtle(client, members):
    a, b, c = members
    query = PREFIX + f"CONSTRUCT {{ ?o a ex:Big }} WHERE {{ SERVICE <{b.url}> {{ ?o ex:vcpu 16 }} }}"

    response = client.post("/federation/sparql", data={"query": query}, headers={"Accept": "text/turtle"})

    assert response.status_code == 200
    triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 1


def test_sparql_non_member_forbidden(client, counter):
    query = f"SELECT * WHERE {{ SERVICE <{counter.url}> {{ ?s ?p ?o }} }}"

    response = client.get("/federation/sparql", query_string={"query": query})

    assert response.status_code == 403
    assert response.get_json()["error"] == "ForbiddenError"
    time.sleep(0.2)
    assert counter.connections == 0


def test_sparql_update_rejected(client):
    response = client.post("/federation/sparql", data={"update": "DROP ALL"})

    assert response.status_code == 400
    assert "query" in response.get_json()["message"]


def test_sparql_syntax_error(client):
    response = client.get("/federation/sparql", query_string={"query": "SELECT * WHERE { ?s ?p"})

    assert response.status_code == 400
    assert response.get_json()["error"] == "QuerySyntaxError"


def test_sparql_not_acceptable(client, members):
    a, b, c = members
    query = PREFIX + f"SELECT ?o WHERE {{ SERVICE <{a.url}> {{ ?o ex:gpu 1 }} }}"

    response = client.get("/federation/sparql", query_string={"query": query}, headers={"Accept": "image/png"})

    assert response.status_code == 406


@pytest.fixture(scope="module")
def gateway_pair():
    """Start provider gateways for two example manifests."""
    paths = sorted((EXAMPLES_DIR / "providers").glob("*.ttl"))[:2]
    endpoints = [GatewayEndpoint(path).start() for path in paths]
    yield endpoints
    for endpoint in endpoints:
        endpoint.stop()


def test_resolve_live_route(gateway_pair, transport):
    federation = members_from_urls([endpoint.url for endpoint in gateway_pair])
    app = Flask("federation-test")
    app.register_blueprint(create_federation_blueprint(federation, transport=transport))

    response = app.test_client().post(
        "/federation/resolve?top=3", data=CONSUMER.read_bytes(), content_type="text/turtle"
    )

    assert response.status_code == 200
    body = response.get_json()
    assert len(body["results"]) == 3
    assert [source["status"] for source in body["sources"]] == ["ok", "ok"]


def test_resolve_live_route_rejects_bad_top(gateway_pair, transport):
    federation = members_from_urls([gateway_pair[0].url])
    app = Flask("federation-test")
    app.register_blueprint(create_federation_blueprint(federation, transport=transport))

    response = app.test_client().post("/federation/resolve?top=0", data=CONSUMER.read_bytes(), content_type="text/turtle")

    assert response.status_code == 400


def parse_cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int)
    add_live_arguments(parser)
    return parser.parse_args(argv)


def test_cli_without_members_is_local():
    assert federation_from_args(parse_cli([])) is None


def test_cli_endpoints_and_members_file(tmp_path):
    members_file = tmp_path / "members.txt"
    members_file.write_text("http://127.0.0.1:8001/sparql 3\n")

    federation = federation_from_args(
        parse_cli(["--members", str(members_file), "--endpoint", "http://127.0.0.1:8002/sparql", "--member-timeout", "1.5"])
    )

    assert federation.endpoints == ["http://127.0.0.1:8001/sparql", "http://127.0.0.1:8002/sparql"]
    assert federation.member("http://127.0.0.1:8001/sparql").timeout == 3
    assert federation.member("http://127.0.0.1:8002/sparql").timeout == 1.5


def test_cli_timeout_without_endpoint_rejected():
    with pytest.raises(InputError, match="--member-timeout"):
        federation_from_args(parse_cli(["--member-timeout", "2"]))


def test_cli_resolve_from_args(gateway_pair, capsys):
    import rdflib

    args = parse_cli(["--endpoint", gateway_pair[0].url, "--endpoint", "http://127.0.0.1:9/sparql", "--top", "2"])
    federation = federation_from_args(args)

    live = resolve_from_args(args, federation, rdflib.Graph().parse(CONSUMER))

    assert len(live.resolution.results) == 2
    assert "warning: member http://127.0.0.1:9/sparql: error" in capsys.readouterr().err


def test_format_and_print_sources():
    sources = [
        SourceReport("http://127.0.0.1:1/sparql", "ok", 12.34),
        SourceReport("http://127.0.0.1:2/sparql", "stale", 500.0, "timeout: no answer", age_seconds=3600),
    ]
    stream = io.StringIO()

    print_failed_sources(sources, stream)
    table = format_sources(sources)

    assert stream.getvalue() == (
        "warning: member http://127.0.0.1:2/sparql: stale, copy 3600 s old: timeout: no answer\n"
    )
    assert "12.3  http://127.0.0.1:1/sparql" in table
