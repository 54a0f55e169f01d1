"""The provider's published documents: /.well-known/mpli by content negotiation, conditional GET, VoID."""

from __future__ import annotations

import json

import pytest
import rdflib
from rdflib.compare import isomorphic

from mpli_graph.manifest import parse_data, parse_file
from tests.gateway.conftest import ADMIN_TOKEN, PROVIDER_MANIFEST, RunningGateway, http

SYNTAXES = [
    ("text/turtle", "turtle"),
    ("application/ld+json", "json-ld"),
    ("application/n-triples", "n-triples"),
    ("application/rdf+xml", "rdf-xml"),
]


@pytest.mark.parametrize(("accept", "rdf_format"), SYNTAXES)
def test_manifest_round_trips(provider: RunningGateway, accept: str, rdf_format: str) -> None:
    reply = http("GET", f"{provider.url}/.well-known/mpli", headers={"Accept": accept})
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith(accept)
    assert int(reply.headers["Content-Length"]) == len(reply.body)
    served = parse_data(reply.body, rdf_format, "served manifest")
    assert isomorphic(served, parse_file(PROVIDER_MANIFEST))


def test_manifest_defaults_to_turtle(provider: RunningGateway) -> None:
    reply = http("GET", f"{provider.url}/.well-known/mpli")
    assert reply.headers["Content-Type"].startswith("text/turtle")
    reply = http(
        "GET",
        f"{provider.url}/.well-known/mpli",
        headers={"Accept": "text/html,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert reply.headers["Content-Type"].startswith("application/rdf+xml")


def test_manifest_unacceptable_gives_406(provider: RunningGateway) -> None:
    reply = http("GET", f"{provider.url}/.well-known/mpli", headers={"Accept": "application/pdf"})
    assert reply.status == 406
    assert json.loads(reply.body)["error"] == "NotAcceptableError"


def test_conditional_get_returns_304(provider: RunningGateway) -> None:
    first = http("GET", f"{provider.url}/.well-known/mpli")
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    assert first.headers["Last-Modified"]

    again = http("GET", f"{provider.url}/.well-known/mpli", headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.headers["ETag"] == etag
    assert again.body == b""

    since = http(
        "GET",
        f"{provider.url}/.well-known/mpli",
        headers={"If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert since.status == 304

    other = http(
        "GET", f"{provider.url}/.well-known/mpli", headers={"If-None-Match": '"something-else"'}
    )
    assert other.status == 200


def test_each_representation_has_its_own_etag(provider: RunningGateway) -> None:
    turtle = http("GET", f"{provider.url}/.well-known/mpli", headers={"Accept": "text/turtle"})
    jsonld = http(
        "GET", f"{provider.url}/.well-known/mpli", headers={"Accept": "application/ld+json"}
    )
    assert turtle.headers["ETag"] != jsonld.headers["ETag"]
    assert turtle.headers["Vary"] == "Accept"


def test_head_matches_get(provider: RunningGateway) -> None:
    get = http("GET", f"{provider.url}/.well-known/mpli")
    head = http("HEAD", f"{provider.url}/.well-known/mpli")
    assert head.status == 200
    assert head.body == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_etag_changes_when_manifest_changes(fresh_provider: RunningGateway) -> None:
    url = f"{fresh_provider.url}/.well-known/mpli"
    before = http("GET", url)
    changed = PROVIDER_MANIFEST.read_text(encoding="utf-8").replace(
        '"Hetzner Cloud"', '"Hetzner Cloud (renamed in a test)"', 1
    )
    assert changed != PROVIDER_MANIFEST.read_text(encoding="utf-8")

    put = http(
        "PUT",
        f"{fresh_provider.url}/rdf-graphs?default",
        changed,
        {"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert put.status == 204

    after = http("GET", url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"renamed in a test" in after.body


def test_void_description(provider: RunningGateway) -> None:
    reply = http("GET", f"{provider.url}/.well-known/void")
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef(f"{provider.url}/.well-known/void#dataset")
    assert (dataset, void.sparqlEndpoint, rdflib.URIRef(f"{provider.url}/sparql")) in graph
    total = graph.value(dataset, void.triples)
    assert int(total) == provider.state.backend.triple_count()
    dumps = set(graph.objects(None, void.dataDump))
    assert rdflib.URIRef(f"{provider.url}/.well-known/mpli") in dumps


def test_provider_has_no_marketplace_api(provider: RunningGateway) -> None:
    reply = http("GET", f"{provider.url}/offerings")
    assert reply.status == 404
    assert json.loads(reply.body)["error"] == "NotFound"
