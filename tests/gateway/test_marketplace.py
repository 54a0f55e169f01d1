"""The marketplace REST API: providers, offerings, validate, resolve, OpenAPI, the HTML page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pyoxigraph
import pytest
from openapi_spec_validator import validate as validate_openapi

from mpli_graph.manifest import parse_data
from mpli_graph.resolution import resolve
from tests.gateway.conftest import CONSUMER_MANIFEST, MARKETPLACE_MANIFESTS, RunningGateway, http

HETZNER = "https://w3id.org/mpli/catalog/hetzner-cloud/provider"
CLOUD_AND_HEAT = "https://w3id.org/mpli/catalog/cloud-and-heat/provider"
IONOS = "https://w3id.org/mpli/catalog/ionos-cloud/provider"


def get_json(gateway: RunningGateway, path: str, **parameters: str):
    query = f"?{urllib.parse.urlencode(parameters)}" if parameters else ""
    reply = http("GET", f"{gateway.url}{path}{query}")
    return reply.status, json.loads(reply.body)


def count_offerings(gateway: RunningGateway, where: str) -> int:
    query = f"PREFIX mpli: <https://w3id.org/mpli#> SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {where} }}"
    graphs = [pyoxigraph.NamedNode(graph) for graph in gateway.state.backend.graph_names()]
    rows = gateway.state.backend.store.query(query, default_graph=graphs)
    return int(next(iter(rows))["n"].value)


def test_providers_lists_every_manifest(marketplace: RunningGateway) -> None:
    status, body = get_json(marketplace, "/providers")
    assert status == 200
    by_iri = {item["iri"]: item for item in body["items"]}
    assert set(by_iri) == {HETZNER, CLOUD_AND_HEAT, IONOS}
    assert body["total"] == 3
    assert by_iri[HETZNER]["label"] == "Hetzner Cloud"
    assert by_iri[HETZNER]["offerings"] == count_offerings(
        marketplace, f"?o mpli:offeredBy <{HETZNER}>"
    )


def test_offerings_total_and_paging(marketplace: RunningGateway) -> None:
    everything = count_offerings(marketplace, "?o mpli:offeredBy ?p")
    status, first = get_json(marketplace, "/offerings", limit="5")
    assert status == 200
    assert first["total"] == everything
    assert len(first["items"]) == 5
    _, second = get_json(marketplace, "/offerings", limit="5", offset="5")
    assert {item["iri"] for item in first["items"]}.isdisjoint(
        item["iri"] for item in second["items"]
    )
    _, beyond = get_json(marketplace, "/offerings", offset=str(everything))
    assert beyond["items"] == []
    assert beyond["total"] == everything


def test_offerings_filters(marketplace: RunningGateway) -> None:
    _, by_provider = get_json(marketplace, "/offerings", provider=CLOUD_AND_HEAT, limit="500")
    assert by_provider["total"] == count_offerings(
        marketplace, f"?o mpli:offeredBy <{CLOUD_AND_HEAT}>"
    )
    assert {item["provider"] for item in by_provider["items"]} == {CLOUD_AND_HEAT}

    _, compute = get_json(
        marketplace, "/offerings", type="ComputeOffering", min_vcpu="8", limit="500"
    )
    expected = count_offerings(
        marketplace,
        "?o a mpli:ComputeOffering ; mpli:offeredBy ?p ; mpli:vcpuCount ?v FILTER(?v >= 8)",
    )
    assert compute["total"] == expected
    assert all(item["vcpuCount"] >= 8 for item in compute["items"])
    assert all("ComputeOffering" in item["types"] for item in compute["items"])

    _, germany = get_json(marketplace, "/offerings", country="deu", limit="500")
    assert germany["total"] > 0
    assert all("DEU" in item["countries"] for item in germany["items"])
    _, nowhere = get_json(marketplace, "/offerings", country="ATA")
    assert nowhere["total"] == 0


def test_type_filter_follows_subclasses(marketplace: RunningGateway) -> None:
    _, storage = get_json(marketplace, "/offerings", type="StorageOffering", limit="500")
    _, files = get_json(marketplace, "/offerings", type="FileStorageOffering", limit="500")
    assert files["total"] == count_offerings(
        marketplace, "?o a mpli:FileStorageOffering ; mpli:offeredBy ?p"
    )
    assert files["total"] > 0
    assert storage["total"] == files["total"]
    assert all(item["types"] == ["FileStorageOffering"] for item in storage["items"])


@pytest.mark.parametrize(
    "parameters",
    [
        {"limit": "0"},
        {"limit": "501"},
        {"offset": "-1"},
        {"limit": "ten"},
        {"min_vcpu": "many"},
        {"min_vcpu": "-2"},
        {"min_vcpu": "NaN"},
        {"country": "Germany"},
        {"type": "Compute Offering"},
        {"provider": "not an iri"},
    ],
)
def test_offerings_bad_parameters_give_400(
    marketplace: RunningGateway, parameters: dict[str, str]
) -> None:
    status, body = get_json(marketplace, "/offerings", **parameters)
    assert status == 400
    assert body["error"] == "InputError"
    name = next(iter(parameters))
    assert name in body["message"]


def test_offering_by_id(marketplace: RunningGateway) -> None:
    _, page = get_json(marketplace, "/offerings", provider=HETZNER, limit="1")
    item = page["items"][0]
    status, detail = get_json(marketplace, item["href"])
    assert status == 200
    assert detail["iri"] == item["iri"]
    assert detail["properties"]["https://w3id.org/mpli#offeredBy"] == [HETZNER]


@pytest.mark.parametrize(
    "identifier", ["nothing", "aHR0cHM6Ly9leGFtcGxlLm9yZy9ub25l", "%F0%9F%98%80"]
)
def test_missing_offering_gives_404(marketplace: RunningGateway, identifier: str) -> None:
    status, body = get_json(marketplace, f"/offerings/{identifier}")
    assert status == 404
    assert body["error"] == "NotFoundError"


def test_resolve_matches_direct_call(marketplace: RunningGateway) -> None:
    reply = http(
        "POST", f"{marketplace.url}/resolve", CONSUMER_MANIFEST, {"Content-Type": "text/turtle"}
    )
    assert reply.status == 200
    served = json.loads(reply.body)

    consumer = parse_data(CONSUMER_MANIFEST, "turtle", "consumer")
    direct = resolve(marketplace.state.manifest_store, consumer).to_json()
    assert served == json.loads(json.dumps(direct))
    assert served["offering_count"] == count_offerings(marketplace, "?o mpli:offeredBy ?p")
    assert served["compatible_count"] > 0

    again = http(
        "POST", f"{marketplace.url}/resolve", CONSUMER_MANIFEST, {"Content-Type": "text/turtle"}
    )
    assert again.body == reply.body


def test_resolve_output_equals_cli(marketplace: RunningGateway, tmp_path: Path) -> None:
    consumer_file = tmp_path / "consumer.ttl"
    consumer_file.write_text(CONSUMER_MANIFEST, encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MPLI_")}
    command = [
        sys.executable,
        "-m",
        "mpli_graph.cli",
        "resolve",
        str(consumer_file),
        "--format",
        "json",
        "--providers",
        *(str(path) for path in MARKETPLACE_MANIFESTS),
    ]
    printed = subprocess.run(
        command, capture_output=True, env=environment, timeout=300, check=False
    )
    assert printed.returncode == 0, printed.stderr.decode("utf-8")

    reply = http(
        "POST", f"{marketplace.url}/resolve", CONSUMER_MANIFEST, {"Content-Type": "text/turtle"}
    )
    assert reply.body == printed.stdout


def test_resolve_top_and_json_ld(marketplace: RunningGateway) -> None:
    jsonld = pyoxigraph.serialize(
        pyoxigraph.parse(CONSUMER_MANIFEST, format=pyoxigraph.RdfFormat.TURTLE),
        format=pyoxigraph.RdfFormat.JSON_LD,
    )
    reply = http(
        "POST", f"{marketplace.url}/resolve?top=2", jsonld, {"Content-Type": "application/ld+json"}
    )
    assert reply.status == 200
    body = json.loads(reply.body)
    assert len(body["results"]) == 2
    assert [result["rank"] for result in body["results"]] == [1, 2]


@pytest.mark.parametrize(
    ("query", "body", "media_type", "status", "error"),
    [
        ("", "@prefix broken", "text/turtle", 400, "RdfSyntaxError"),
        ("", "<a> <b> <c> .", "application/n-triples", 415, "UnsupportedFormatError"),
        (
            "",
            "<https://example.org/a> <https://example.org/b> <https://example.org/c> .",
            "text/turtle",
            400,
            "InputError",
        ),
        (
            "",
            CONSUMER_MANIFEST.replace("mpli:value 4.0", "mpli:value -4.0"),
            "text/turtle",
            422,
            "NotConformingError",
        ),
        ("?top=0", CONSUMER_MANIFEST, "text/turtle", 400, "InputError"),
    ],
    ids=["syntax", "media-type", "no-consumer", "not-conforming", "top-zero"],
)
def test_resolve_rejects_bad_input(
    marketplace: RunningGateway, query: str, body: str, media_type: str, status: int, error: str
) -> None:
    reply = http("POST", f"{marketplace.url}/resolve{query}", body, {"Content-Type": media_type})
    assert reply.status == status
    assert json.loads(reply.body)["error"] == error


def test_resolve_not_conforming_carries_report(marketplace: RunningGateway) -> None:
    broken = CONSUMER_MANIFEST.replace("mpli:value 4.0", "mpli:value -4.0")
    reply = http("POST", f"{marketplace.url}/resolve", broken, {"Content-Type": "text/turtle"})
    report = json.loads(reply.body)["report"]
    assert report["conforms"] is False
    assert report["counts"]["Violation"] >= 1


def test_validate_returns_report(marketplace: RunningGateway) -> None:
    good = http(
        "POST", f"{marketplace.url}/validate", CONSUMER_MANIFEST, {"Content-Type": "text/turtle"}
    )
    assert good.status == 200
    assert json.loads(good.body)["conforms"] is True

    broken = CONSUMER_MANIFEST.replace("mpli:value 4.0", "mpli:value -4.0")
    bad = http("POST", f"{marketplace.url}/validate", broken, {"Content-Type": "text/turtle"})
    assert bad.status == 200
    report = json.loads(bad.body)
    assert report["conforms"] is False
    assert report["counts"]["Violation"] >= 1
    assert any(result["path"] == "<https://w3id.org/mpli#value>" for result in report["results"])


def test_marketplace_sparql_over_all_manifests(marketplace: RunningGateway) -> None:
    query = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/mpli#Provider> }"
    reply = http(
        "GET",
        f"{marketplace.url}/sparql?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json.loads(reply.body)["results"]["bindings"][0]["n"]["value"] == "3"


def test_openapi_document_is_valid(marketplace: RunningGateway) -> None:
    status, document = get_json(marketplace, "/openapi.json")
    assert status == 200
    assert document["openapi"].startswith("3.1")
    validate_openapi(document)
    for path in ["/resolve", "/validate", "/providers", "/offerings", "/offerings/{id}"]:
        assert path in document["paths"]


def test_index_page(marketplace: RunningGateway) -> None:
    reply = http("GET", f"{marketplace.url}/")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert b'<form id="query-form">' in reply.body
    assert b'<form id="resolve-form">' in reply.body


def test_unknown_route_and_method_give_json(marketplace: RunningGateway) -> None:
    status, body = get_json(marketplace, "/no-such-page")
    assert status == 404
    assert body["error"] == "NotFound"
    reply = http("DELETE", f"{marketplace.url}/providers")
    assert reply.status == 405
    assert "GET" in reply.headers["Allow"]
    assert json.loads(reply.body)["error"] == "MethodNotAllowed"


def test_union_default_graph_can_be_turned_off() -> None:
    from mpli_graph.gateway import GatewayConfig, create_app
    from tests.gateway.conftest import serve

    config = GatewayConfig(
        role="marketplace", providers=MARKETPLACE_MANIFESTS[:1], union_default_graph=False
    )
    with serve(create_app(config)) as url:
        default_count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        named_count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'file:')) }"
        replies = [
            http(
                "GET",
                f"{url}/sparql?" + urllib.parse.urlencode({"query": query}),
                headers={"Accept": "application/sparql-results+json"},
            )
            for query in (default_count, named_count)
        ]
        description = http("GET", f"{url}/sparql").text
    counts = [
        int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]) for reply in replies
    ]
    assert counts[0] == 0
    assert counts[1] > 0
    assert "UnionDefaultGraph" not in description
