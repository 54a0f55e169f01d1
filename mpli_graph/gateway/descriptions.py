"""Describe the endpoint in RDF: the SPARQL 1.1 Service Description and the VoID dataset.

Both are built as triples and serialised in the syntax the client accepts,
Turtle first. The service description lists the result formats and the
default dataset with one ``sd:namedGraph`` per manifest graph. The VoID
description gives each manifest graph's triple count, its dump location and
the SPARQL endpoint.
"""

from __future__ import annotations

from datetime import datetime

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from mpli_graph.gateway.backend import GraphBackend
from mpli_graph.gateway.formats import RDF_SYNTAXES, RESULTS_SYNTAXES

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
MPLI = "https://w3id.org/mpli#"

PREFIXES = {
    "sd": SD,
    "void": VOID,
    "dcterms": DCTERMS,
    "mpli": MPLI,
    "formats": "http://www.w3.org/ns/formats/",
    "xsd": XSD,
}


def _sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


def _void(name: str) -> NamedNode:
    return NamedNode(VOID + name)


def service_description(
    endpoint: str, backend: GraphBackend, union_default_graph: bool
) -> list[Triple]:
    """Return the SPARQL 1.1 Service Description triples of the endpoint at ``endpoint``."""
    service = NamedNode(endpoint)
    dataset = BlankNode()
    default_graph = BlankNode()
    triples = [
        Triple(service, RDF_TYPE, _sd("Service")),
        Triple(service, _sd("endpoint"), service),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(service, _sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, _sd("Dataset")),
        Triple(dataset, _sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, _sd("Graph")),
        Triple(
            default_graph,
            _void("triples"),
            Literal(str(backend.triple_count()), datatype=NamedNode(XSD + "integer")),
        ),
    ]
    if union_default_graph:
        triples.append(Triple(service, _sd("feature"), _sd("UnionDefaultGraph")))

    for syntax in RESULTS_SYNTAXES:
        triples.append(Triple(service, _sd("resultFormat"), NamedNode(syntax.w3c_iri)))
    for syntax in RDF_SYNTAXES:
        triples.append(Triple(service, _sd("resultFormat"), NamedNode(syntax.w3c_iri)))

    for graph in backend.graph_names():
        named_graph = BlankNode()
        graph_node = BlankNode()
        triples += [
            Triple(dataset, _sd("namedGraph"), named_graph),
            Triple(named_graph, RDF_TYPE, _sd("NamedGraph")),
            Triple(named_graph, _sd("name"), NamedNode(graph)),
            Triple(named_graph, _sd("graph"), graph_node),
            Triple(graph_node, RDF_TYPE, _sd("Graph")),
            Triple(
                graph_node,
                _void("triples"),
                Literal(str(backend.triple_count(graph)), datatype=NamedNode(XSD + "integer")),
            ),
        ]
    return triples


def void_description(
    root: str,
    backend: GraphBackend,
    modified: dict[str, datetime],
    dump_for: dict[str, str],
) -> list[Triple]:
    """Return VoID triples: one dataset for the endpoint, one subset per manifest graph.

    ``root`` is the server's base URL ending in ``/``. ``dump_for`` maps a graph IRI to
    the URL that serves it as a file, and ``modified`` gives each graph's change time.
    """
    dataset = NamedNode(root + ".well-known/void#dataset")
    integer = NamedNode(XSD + "integer")
    triples = [
        Triple(dataset, RDF_TYPE, _void("Dataset")),
        Triple(dataset, _void("sparqlEndpoint"), NamedNode(root + "sparql")),
        Triple(dataset, _void("vocabulary"), NamedNode(MPLI)),
        Triple(dataset, _void("triples"), Literal(str(backend.triple_count()), datatype=integer)),
    ]
    for index, graph in enumerate(backend.graph_names()):
        subset = NamedNode(root + f".well-known/void#graph-{index + 1}")
        triples += [
            Triple(dataset, _void("subset"), subset),
            Triple(subset, RDF_TYPE, _void("Dataset")),
            Triple(subset, NamedNode(SD + "name"), NamedNode(graph)),
            Triple(subset, _void("sparqlEndpoint"), NamedNode(root + "sparql")),
            Triple(
                subset,
                _void("triples"),
                Literal(str(backend.triple_count(graph)), datatype=integer),
            ),
            Triple(subset, _void("vocabulary"), NamedNode(MPLI)),
        ]
        if graph in dump_for:
            triples.append(Triple(subset, _void("dataDump"), NamedNode(dump_for[graph])))
        if graph in modified:
            triples.append(
                Triple(
                    subset,
                    NamedNode(DCTERMS + "modified"),
                    Literal(modified[graph].isoformat(), datatype=NamedNode(XSD + "dateTime")),
                )
            )
    return triples
