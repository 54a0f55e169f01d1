"""Wrap a provider manifest in a verifiable credential, so a provider can sign what it publishes.

The credential's subject is the manifest node; every node of the manifest's RDF
graph follows in ``@included`` as expanded JSON-LD (full IRIs, typed literals),
which needs no context besides the VCDM 2.0 base context and so drops nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone

import rdflib
from rdflib.namespace import RDF, XSD

from mpli_graph.errors import InputError
from mpli_graph.trust.validity import VCDM2_CONTEXT

MPLI = rdflib.Namespace("https://w3id.org/mpli#")


def _node_id(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)


def _value(term: rdflib.term.Node) -> dict:
    if isinstance(term, rdflib.Literal):
        value: dict = {"@value": str(term)}
        if term.language:
            value["@language"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            value["@type"] = str(term.datatype)
        return value
    return {"@id": _node_id(term)}


def graph_to_expanded_nodes(graph: rdflib.Graph) -> list[dict]:
    """Convert an RDF graph to expanded JSON-LD node objects, sorted by node id."""
    nodes: dict[str, dict] = {}
    for subject, predicate, obj in graph:
        node = nodes.setdefault(_node_id(subject), {"@id": _node_id(subject)})
        if predicate == RDF.type and not isinstance(obj, rdflib.Literal):
            node.setdefault("@type", []).append(_node_id(obj))
        else:
            node.setdefault(str(predicate), []).append(_value(obj))
    for node in nodes.values():
        for key, values in node.items():
            if isinstance(values, list):
                values.sort(key=repr)
    return [nodes[key] for key in sorted(nodes)]


def manifest_iri(graph: rdflib.Graph) -> str:
    """Return the IRI of the one mpli:ProviderManifest node; only a provider manifest is signed."""
    subjects = sorted(str(s) for s in graph.subjects(RDF.type, MPLI.ProviderManifest) if isinstance(s, rdflib.URIRef))
    if len(subjects) > 1:
        raise InputError(f"the document has {len(subjects)} mpli:ProviderManifest nodes; sign one manifest at a time")
    if not subjects:
        kinds = [name for name in ("ConsumerManifest", "Manifest") if (None, RDF.type, MPLI[name]) in graph]
        found = f" (it has an mpli:{kinds[0]} node, which is not signed)" if kinds else ""
        raise InputError(f"the document has no mpli:ProviderManifest node with an IRI{found}: sign a provider manifest")
    return subjects[0]


def manifest_credential(graph: rdflib.Graph, issuer: str, valid_from: datetime | None = None) -> dict:
    """Build the unsigned credential whose subject is the manifest and its RDF graph."""
    moment = (valid_from or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {
        "@context": [VCDM2_CONTEXT],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {"id": manifest_iri(graph), "@included": graph_to_expanded_nodes(graph)},
    }
