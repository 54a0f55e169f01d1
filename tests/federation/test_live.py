"""Live resolution over real example provider endpoints on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from mpli_graph.errors import LimitExceededError
from mpli_graph.federation.executor import FederatedExecutor
from mpli_graph.federation.live import resolve_live
from mpli_graph.federation.members import Federation, FederationMember, members_from_urls
from mpli_graph.federation.templates import MEMBER_PLACEHOLDER, federate, federated_query
from mpli_graph.resolution import resolve
from mpli_graph.resources import EXAMPLES_DIR
from mpli_graph.store import ManifestStore
from tests.federation.endpoints import GatewayEndpoint

CONSUMER = Path(__file__).parent / "data" / "consumer.ttl"
PROVIDER_FILES = sorted((EXAMPLES_DIR / "providers").glob("*.ttl"))


@pytest.fixture(scope="module")
def provider_endpoints():
    """Start one provider gateway per example provider manifest."""
    if not PROVIDER_FILES:
        pytest.fail("no example provider manifests in examples/providers")
    endpoints = [GatewayEndpoint(path).start() for path in PROVIDER_FILES]
    yield endpoints
    for endpoint in endpoints:
        endpoint.stop()


@pytest.fixture(scope="module")
def harvested(provider_endpoints) -> ManifestStore:
    """Return a store with every example manifest loaded, as a harvest would leave it."""
    store = ManifestStore()
    for path, endpoint in zip(PROVIDER_FILES, provider_endpoints):
        store.load_source(endpoint.url, path, origin=endpoint.url)
    return store


@pytest.fixture(scope="module")
def consumer_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(CONSUMER)


def ranking(body: dict) -> list[tuple]:
    """Return the ranked offerings with their rank, score and verdicts."""
    return [
        (result["offering"], result["rank"], result["score"], [r["verdict"] for r in result["requirements"]])
        for result in body["results"]
    ]


def test_live_ranking_equals_harvested(provider_endpoints, harvested, consumer_graph):
    federation = members_from_urls([endpoint.url for endpoint in provider_endpoints])

    live = resolve_live(federation, consumer_graph).to_json()
    local = resolve(harvested, consumer_graph).to_json()

    assert live["offering_count"] == local["offering_count"] > 0
    assert ranking(live) == ranking(local)
    assert {key: value for key, value in live.items() if key != "sources"} == local
    assert [source["status"] for source in live["sources"]] == ["ok"] * len(provider_endpoints)


def test_live_ranking_equals_harvested_example_consumer(provider_endpoints, harvested):
    consumer = rdflib.Graph().parse(EXAMPLES_DIR / "consumers" / "german-public-sector.ttl")
    federation = members_from_urls([endpoint.url for endpoint in provider_endpoints])

    live = resolve_live(federation, consumer).to_json()
    local = resolve(harvested, consumer).to_json()

    assert ranking(live) == ranking(local)
    assert live["compatible_count"] == local["compatible_count"]


def test_live_top_keeps_best(provider_endpoints, harvested, consumer_graph):
    federation = members_from_urls([endpoint.url for endpoint in provider_endpoints])

    live = resolve_live(federation, consumer_graph, top=5).to_json()

    assert ranking(live) == ranking(resolve(harvested, consumer_graph, top=5).to_json())
    assert len(live["results"]) == 5


def test_down_member_left_out_and_reported(provider_endpoints, consumer_graph):
    dead = "http://127.0.0.1:9/sparql"
    federation = Federation(
        [FederationMember(provider_endpoints[0].url), FederationMember(dead, timeout=1.0)]
    )

    live = resolve_live(federation, consumer_graph)

    statuses = {source.endpoint: source.status for source in live.sources}
    assert statuses == {provider_endpoints[0].url: "ok", dead: "error"}
    assert not live.complete
    assert {result.provider for result in live.resolution.results}
    assert all(
        result.offering.startswith("https://w3id.org/mpli/catalog/" + PROVIDER_FILES[0].stem)
        for result in live.resolution.results
    )


def test_down_member_raises_when_not_partial(provider_endpoints, consumer_graph):
    federation = Federation([FederationMember("http://127.0.0.1:9/sparql", timeout=1.0)])

    with pytest.raises(LimitExceededError, match="127.0.0.1:9"):
        resolve_live(federation, consumer_graph, partial=False)


def test_down_member_falls_back_to_harvest(start_endpoint, provider_endpoints, harvested, consumer_graph):
    hanging = start_endpoint(mode="hang")
    members = [FederationMember(endpoint.url) for endpoint in provider_endpoints[1:]]
    first = FederationMember(hanging.url, timeout=0.5, iri=provider_endpoints[0].url)

    live = resolve_live(Federation([first, *members]), consumer_graph, fallback=harvested)

    report = {source.endpoint: source for source in live.sources}[hanging.url]
    assert report.status == "stale"
    assert report.age_seconds is not None and report.age_seconds >= 0
    assert "timeout" in report.error
    assert report.to_json()["age_seconds"] >= 0
    assert ranking(live.to_json()) == ranking(resolve(harvested, consumer_graph).to_json())


def test_federated_offerings_template_equals_pyoxigraph(provider_endpoints):
    endpoints = [endpoint.url for endpoint in provider_endpoints[:3]]
    query = federated_query("offerings", endpoints)

    with FederatedExecutor(members_from_urls(endpoints)) as executor:
        result = executor.query(query)
    expected = ox.Store().query(query)

    names = [variable.value for variable in expected.variables]
    expected_rows = [tuple(str(row[name]) for name in names) for row in expected]
    rows = [tuple(str(row[name]) for name in names) for row in result.solutions()]
    assert rows == expected_rows
    assert {row[0] for row in rows} == {f"<{endpoint}>" for endpoint in endpoints}


def test_federate_repeats_placeholder_block():
    template = f"SELECT ?s WHERE {{ SERVICE SILENT <{MEMBER_PLACEHOLDER}> {{ ?s ?p ?o }} }}"

    query = federate(template, ["http://127.0.0.1:1/sparql", "http://127.0.0.1:2/sparql"])

    assert query.count("SERVICE SILENT <http://127.0.0.1:") == 2
    assert "UNION" in query
    assert MEMBER_PLACEHOLDER not in query


def test_federated_minimum_equals_local(provider_endpoints, harvested):
    from mpli_graph.resolution.queries import Table, fill_values, run_query

    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    table = Table(
        ("requirement", "property", "threshold", "unit"),
        [
            {
                "requirement": ox.NamedNode("https://consumer.example.org/cpu"),
                "property": ox.NamedNode("https://w3id.org/mpli#vcpuCount"),
                "threshold": ox.Literal("8", datatype=decimal),
                "unit": ox.NamedNode("http://qudt.org/vocab/unit/NUM"),
            },
            {
                "requirement": ox.NamedNode("https://consumer.example.org/memory"),
                "property": ox.NamedNode("https://w3id.org/mpli#memorySize"),
                "threshold": ox.Literal("16384", datatype=decimal),
                "unit": ox.NamedNode("http://qudt.org/vocab/unit/MebiBYTE"),
            },
        ],
    )
    endpoints = [endpoint.url for endpoint in provider_endpoints]
    query = fill_values(federated_query("minimum", endpoints), [table])
    vocabulary = ManifestStore()

    with FederatedExecutor(members_from_urls(endpoints)) as executor:
        result = executor.query(query, store=vocabulary.pyoxigraph_store, union_default_graph=True)

    def verdicts(rows):
        return sorted(
            (str(row["requirement"]), str(row["offering"]), row["verdict"].value, str(row.get("actual")))
            for row in rows
        )

    local = run_query(harvested, "minimum", [table])
    offerings = harvested.select("SELECT ?o WHERE { ?o <https://w3id.org/mpli#offeredBy> ?p }")
    assert verdicts(result.rows()) == verdicts(local)
    assert len(local) == 2 * len(offerings)
    assert {row["verdict"].value for row in result.rows()} >= {"satisfied", "violated"}
    assert result.complete
