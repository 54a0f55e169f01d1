"""SPARQL 1.1 Protocol at a provider endpoint, exercised over HTTP with real clients."""

from __future__ import annotations

import csv
import logging
import io
import json
import urllib.parse
import xml.etree.ElementTree as ElementTree

import pyoxigraph
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, XML, SPARQLWrapper

from tests.gateway.conftest import RunningGateway, http

COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
OFFERING_QUERY = """PREFIX mpli: <https://w3id.org/mpli#>
SELECT ?offering ?id WHERE { ?offering mpli:offeringId ?id } ORDER BY ?id LIMIT 3"""
CONSTRUCT_QUERY = """PREFIX mpli: <https://w3id.org/mpli#>
CONSTRUCT { ?offering mpli:offeringId ?id } WHERE { ?offering mpli:offeringId ?id }"""
SRX = "{http://www.w3.org/2005/sparql-results#}"


def manifest_triple_count(gateway: RunningGateway) -> int:
    return gateway.state.backend.triple_count()


def get_query(gateway: RunningGateway, query: str, accept: str | None = None, **parameters: str):
    arguments = urllib.parse.urlencode({"query": query, **parameters})
    headers = {"Accept": accept} if accept else {}
    return http("GET", f"{gateway.url}/sparql?{arguments}", headers=headers)


def test_get_query_returns_json_results(provider: RunningGateway) -> None:
    reply = get_query(provider, COUNT_QUERY, "application/sparql-results+json")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/sparql-results+json")
    assert int(reply.headers["Content-Length"]) == len(reply.body)
    count = json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]
    assert int(count) == manifest_triple_count(provider)


def test_post_form_query(provider: RunningGateway) -> None:
    form = urllib.parse.urlencode({"query": COUNT_QUERY})
    reply = http(
        "POST",
        f"{provider.url}/sparql",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    assert reply.status == 200
    assert int(
        json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]
    ) == manifest_triple_count(provider)


def test_post_direct_query(provider: RunningGateway) -> None:
    reply = http(
        "POST",
        f"{provider.url}/sparql",
        COUNT_QUERY,
        {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert reply.status == 200
    assert int(
        json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]
    ) == manifest_triple_count(provider)


def test_select_in_xml(provider: RunningGateway) -> None:
    reply = get_query(provider, OFFERING_QUERY, "application/sparql-results+xml")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/sparql-results+xml")
    root = ElementTree.fromstring(reply.body)
    assert len(root.findall(f"{SRX}results/{SRX}result")) == 3


def test_select_in_csv(provider: RunningGateway) -> None:
    reply = get_query(provider, OFFERING_QUERY, "text/csv")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert rows[0] == ["offering", "id"]
    assert len(rows) == 4


def test_select_in_tsv(provider: RunningGateway) -> None:
    reply = get_query(provider, OFFERING_QUERY, "text/tab-separated-values")
    assert reply.status == 200
    lines = reply.text.strip().splitlines()
    assert lines[0].split("\t") == ["?offering", "?id"]
    assert lines[1].startswith("<https://")
    assert len(lines) == 4


def test_ask_in_json_and_xml(provider: RunningGateway) -> None:
    reply = get_query(
        provider, "ASK { ?s a <https://w3id.org/mpli#Provider> }", "application/sparql-results+json"
    )
    assert json.loads(reply.body)["boolean"] is True
    reply = get_query(
        provider, "ASK { ?s a <https://example.org/Nothing> }", "application/sparql-results+xml"
    )
    assert ElementTree.fromstring(reply.body).find(f"{SRX}boolean").text == "false"


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
)
def test_construct_in_each_rdf_syntax(provider: RunningGateway, accept: str) -> None:
    reply = get_query(provider, CONSTRUCT_QUERY, accept)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith(accept)
    received = set(
        pyoxigraph.parse(reply.body, format=pyoxigraph.RdfFormat.from_media_type(accept))
    )
    expected = provider.state.backend.store.query(
        CONSTRUCT_QUERY, default_graph=[pyoxigraph.NamedNode(provider.state.manifest_graph)]
    )
    assert {(quad.subject, quad.predicate, quad.object) for quad in received} == {
        (triple.subject, triple.predicate, triple.object) for triple in expected
    }
    assert len(received) > 0


def test_accept_quality_values_choose_format(provider: RunningGateway) -> None:
    reply = get_query(
        provider, COUNT_QUERY, "application/sparql-results+json;q=0.2, text/csv;q=0.9, */*;q=0.1"
    )
    assert reply.headers["Content-Type"].startswith("text/csv")
    reply = get_query(provider, COUNT_QUERY, "text/csv;q=0, */*")
    assert reply.headers["Content-Type"].startswith("application/sparql-results+json")


def test_format_parameter_overrides_accept(provider: RunningGateway) -> None:
    reply = get_query(provider, COUNT_QUERY, "application/sparql-results+json", format="tsv")
    assert reply.headers["Content-Type"].startswith("text/tab-separated-values")


def test_unacceptable_accept_gives_406(provider: RunningGateway) -> None:
    reply = get_query(provider, COUNT_QUERY, "image/png")
    assert reply.status == 406
    body = json.loads(reply.body)
    assert body["error"] == "NotAcceptableError"
    assert "image/png" in body["message"]


def test_unsupported_post_media_type_gives_415(provider: RunningGateway) -> None:
    reply = http("POST", f"{provider.url}/sparql", COUNT_QUERY, {"Content-Type": "text/plain"})
    assert reply.status == 415
    assert json.loads(reply.body)["error"] == "UnsupportedFormatError"


def test_syntax_error_gives_400_with_position(provider: RunningGateway) -> None:
    reply = get_query(provider, "SELECT * WHERE {\n  ?s ?p \n}")
    assert reply.status == 400
    body = json.loads(reply.body)
    assert body["error"] == "QuerySyntaxError"
    assert body["line"] == 3
    assert body["column"] == 2
    assert "line 3, column 2" in body["message"]


@pytest.mark.parametrize(
    "send",
    [
        lambda url: http("GET", f"{url}/sparql?" + urllib.parse.urlencode({"update": "CLEAR ALL"})),
        lambda url: http(
            "POST",
            f"{url}/sparql",
            urllib.parse.urlencode({"update": "CLEAR ALL"}),
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        lambda url: http(
            "POST", f"{url}/sparql", "CLEAR ALL", {"Content-Type": "application/sparql-update"}
        ),
        lambda url: http("GET", f"{url}/sparql?" + urllib.parse.urlencode({"query": "CLEAR ALL"})),
        lambda url: http(
            "GET",
            f"{url}/sparql?"
            + urllib.parse.urlencode(
                {"query": "PREFIX ex: <https://example.org/>\n# note\nDELETE WHERE { ?s ?p ?o }"}
            ),
        ),
    ],
    ids=[
        "update-parameter",
        "update-form",
        "update-body",
        "update-in-query",
        "update-after-prologue",
    ],
)
def test_update_rejected(provider: RunningGateway, send) -> None:
    before = manifest_triple_count(provider)
    reply = send(provider.url)
    assert reply.status == 403
    assert "read-only" in json.loads(reply.body)["message"]
    assert manifest_triple_count(provider) == before


def test_service_rejected_at_provider(provider: RunningGateway) -> None:
    query = "SELECT * WHERE {\n  sErViCe\tSILENT<http://127.0.0.1:9/sparql>{ ?s ?p ?o }\n}"
    reply = get_query(provider, query)
    assert reply.status == 403
    body = json.loads(reply.body)
    assert body["error"] == "ForbiddenError"
    assert "line 2, column 3" in body["message"]


def test_service_word_in_string_is_allowed(provider: RunningGateway) -> None:
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) } # SERVICE'
    reply = get_query(provider, query, "application/sparql-results+json")
    assert reply.status == 200
    assert json.loads(reply.body)["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")


def test_default_and_named_graph_parameters(provider: RunningGateway) -> None:
    graph = provider.state.manifest_graph
    reply = get_query(
        provider,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "application/sparql-results+json",
        **{"default-graph-uri": "https://example.org/no-such-graph"},
    )
    assert json.loads(reply.body)["results"]["bindings"][0]["n"]["value"] == "0"

    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    reply = get_query(
        provider, query, "application/sparql-results+json", **{"named-graph-uri": graph}
    )
    bindings = json.loads(reply.body)["results"]["bindings"]
    assert [binding["g"]["value"] for binding in bindings] == [graph]


def test_service_description(provider: RunningGateway) -> None:
    reply = http("GET", f"{provider.url}/sparql")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(f"{provider.url}/sparql")
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    names = set(graph.objects(None, sd.name))
    assert rdflib.URIRef(provider.state.manifest_graph) in names


def test_cors_headers_and_preflight(provider: RunningGateway) -> None:
    reply = get_query(provider, COUNT_QUERY)
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    preflight = http(
        "OPTIONS",
        f"{provider.url}/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_request_id_is_returned(provider: RunningGateway) -> None:
    reply = http(
        "GET", f"{provider.url}/sparql?query=ASK%7B%7D", headers={"X-Request-Id": "abc-123"}
    )
    assert reply.headers["X-Request-Id"] == "abc-123"
    reply = http(
        "GET", f"{provider.url}/sparql?query=ASK%7B%7D", headers={"X-Request-Id": "bad id\x7f"}
    )
    assert reply.headers["X-Request-Id"] != "bad id\x7f"
    assert len(reply.headers["X-Request-Id"]) == 32


@pytest.mark.parametrize(("return_format", "kind"), [(JSON, "json"), (XML, "xml"), (CSV, "csv")])
def test_sparqlwrapper_client(provider: RunningGateway, return_format: str, kind: str) -> None:
    client = SPARQLWrapper(f"{provider.url}/sparql")
    client.setQuery(OFFERING_QUERY)
    client.setReturnFormat(return_format)
    result = client.query().convert()
    if kind == "json":
        assert len(result["results"]["bindings"]) == 3
    elif kind == "xml":
        assert len(result.getElementsByTagName("result")) == 3
    else:
        rows = list(csv.reader(io.StringIO(result.decode("utf-8"))))
        assert len(rows) == 4


def test_sparqlwrapper_post(provider: RunningGateway) -> None:
    client = SPARQLWrapper(f"{provider.url}/sparql")
    client.setMethod("POST")
    client.setQuery(COUNT_QUERY)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) == manifest_triple_count(provider)


def test_rdflib_sparqlstore_client(provider: RunningGateway) -> None:
    store = SPARQLStore(query_endpoint=f"{provider.url}/sparql", returnFormat="json")
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(OFFERING_QUERY))
    assert len(rows) == 3
    assert all(isinstance(row[0], rdflib.URIRef) for row in rows)
    store.close()


def test_pyoxigraph_service_client_reads_endpoint(provider: RunningGateway) -> None:
    local = pyoxigraph.Store()
    query = (
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{provider.url}/sparql> {{ ?s ?p ?o }} }}"""
    )
    count = next(iter(local.query(query)))["n"].value
    assert int(count) == manifest_triple_count(provider)


def test_invalid_graph_parameter_gives_400(provider: RunningGateway) -> None:
    reply = get_query(provider, COUNT_QUERY, **{"default-graph-uri": "not an iri"})
    assert reply.status == 400
    assert "invalid dataset parameter" in json.loads(reply.body)["message"]


def test_repeated_query_parameter_gives_400(provider: RunningGateway) -> None:
    reply = http("GET", f"{provider.url}/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert reply.status == 400
    assert "given 2 times" in json.loads(reply.body)["message"]


def test_requests_and_errors_logged_with_id(
    provider: RunningGateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mpli_graph.gateway")
    reply = http(
        "GET",
        f"{provider.url}/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE {"}),
        headers={"X-Request-Id": "log-check-1"},
    )
    assert reply.status == 400
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(reply.body)["request_id"] == "log-check-1"

    lines = [record for record in caplog.records if "log-check-1" in record.getMessage()]
    access = [record for record in lines if record.name == "mpli_graph.gateway.request_log"]
    rejected = [record for record in lines if record.name == "mpli_graph.gateway.errors"]
    assert len(access) == 1
    assert access[0].levelno == logging.INFO
    assert " 400 " in access[0].getMessage()
    assert len(rejected) == 1
    assert rejected[0].levelno == logging.WARNING
    assert "QuerySyntaxError" in rejected[0].getMessage()


def test_from_clause_defines_dataset(provider: RunningGateway) -> None:
    graph = provider.state.manifest_graph
    missing = "SELECT (COUNT(*) AS ?n) FROM <https://example.org/no-such-graph> WHERE { ?s ?p ?o }"
    reply = get_query(provider, missing, "application/sparql-results+json")
    assert reply.status == 200
    assert json.loads(reply.body)["results"]["bindings"][0]["n"]["value"] == "0"

    present = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
    reply = get_query(provider, present, "application/sparql-results+json")
    assert int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]) == manifest_triple_count(provider)


def test_from_named_clause_limits_graphs(provider: RunningGateway) -> None:
    query = (
        "SELECT (COUNT(*) AS ?n) FROM NAMED <https://example.org/no-such-graph> "
        "WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    reply = get_query(provider, query, "application/sparql-results+json")
    assert reply.status == 200
    assert json.loads(reply.body)["results"]["bindings"][0]["n"]["value"] == "0"


def test_protocol_parameter_overrides_from(provider: RunningGateway) -> None:
    graph = provider.state.manifest_graph
    query = "SELECT (COUNT(*) AS ?n) FROM <https://example.org/no-such-graph> WHERE { ?s ?p ?o }"
    reply = get_query(provider, query, "application/sparql-results+json", **{"default-graph-uri": graph})
    assert int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]) == manifest_triple_count(provider)
