"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graphs``: read for all, write for admins.

``GET`` and ``HEAD`` return a graph by content negotiation. ``PUT`` replaces a
graph, ``POST`` adds triples to it and ``DELETE`` removes it; each write
needs ``Authorization: Bearer <admin token>``, compared in constant time.
A written manifest is parsed and validated against the SHACL shapes before
anything changes. A syntax error gives 400 and a non-conforming manifest 422
with the validation report. A valid manifest replaces the graph in one
transaction and gets 204, or 201 when the graph is new.

The target is ``?graph=IRI`` or ``?default``. At a provider endpoint,
``?default`` and the manifest's own graph IRI both name the one manifest;
the provider's manifest cannot be deleted, only replaced. At a marketplace,
``?default`` reads the union of all manifests and cannot be written. The
store's internal metadata and vocabulary graphs can be read but never written
or deleted (403).
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, request
from pyoxigraph import RdfFormat, serialize

from mpli_graph.commands.validate import MPLI, has_manifest_node
from mpli_graph.errors import (
    AuthenticationError,
    ForbiddenError,
    InputError,
    NotConformingError,
    NotFoundError,
)
from mpli_graph.gateway.backend import HIDDEN_GRAPHS
from mpli_graph.gateway.documents import check_manifest, request_format
from mpli_graph.gateway.formats import choose_rdf_syntax, content_type
from mpli_graph.gateway.provider import MANIFEST_PREFIXES, serve_graph_document
from mpli_graph.gateway.state import GatewayState, gateway_state

logger = logging.getLogger(__name__)

blueprint = Blueprint("graph_store", __name__)


def require_admin(state: GatewayState) -> None:
    """Raise unless the request carries the admin bearer token."""
    expected = state.config.admin_token
    if not expected:
        raise ForbiddenError(
            "writes are disabled on this server because no admin token is configured; "
            "start it with MPLI_ADMIN_TOKEN or --token-file"
        )

    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise AuthenticationError(
            "this write needs an admin token; send the header Authorization: Bearer <token>"
        )
    if not hmac.compare_digest(presented.strip().encode("utf-8"), expected.encode("utf-8")):
        logger.warning("rejected a write to %s with an invalid admin token", request.path)
        raise AuthenticationError("the admin token is not valid for this server")


def target_graph(state: GatewayState, writing: bool) -> str | None:
    """Return the graph IRI the request names, or ``None`` for a marketplace's union default graph."""
    graphs = request.args.getlist("graph")
    default = "default" in request.args
    if default and graphs:
        raise InputError("name either ?default or ?graph=IRI, not both")
    if len(graphs) > 1:
        raise InputError(f"the graph parameter is given {len(graphs)} times; name one graph")
    if not default and not graphs:
        raise InputError("name the graph with ?graph=IRI, or use ?default")
    if writing and graphs and graphs[0] in HIDDEN_GRAPHS:
        raise ForbiddenError(
            f"graph <{graphs[0]}> is an internal graph of this store (its source metadata or "
            "the MPLI vocabulary) and cannot be written or deleted; name a manifest graph instead"
        )

    if state.is_provider:
        manifest_graph = state.manifest_graph
        if default or graphs[0] == manifest_graph:
            return manifest_graph
        if writing:
            raise ForbiddenError(
                f"this provider endpoint serves one manifest graph <{manifest_graph}>; "
                "write it with ?default"
            )
        raise NotFoundError(
            f"graph <{graphs[0]}> does not exist here; this endpoint serves <{manifest_graph}>"
        )

    if default:
        if writing:
            raise ForbiddenError(
                "the default graph of a marketplace is the union of all manifests and cannot be "
                "written; name one manifest with ?graph=IRI"
            )
        return None
    return graphs[0]


def _union_document(state: GatewayState) -> Response:
    syntax = choose_rdf_syntax(request.headers.get("Accept"), request.args.get("format"))
    triples = []
    for graph in state.backend.graph_names():
        triples.extend(state.backend.published_triples(graph))
    body = serialize(triples, format=syntax.format, prefixes=MANIFEST_PREFIXES)
    response = Response(body, status=200, content_type=content_type(syntax.media_type))
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/rdf-graphs", methods=["GET"])
def read_graph() -> Response:
    """Send one graph (or a marketplace's union of manifests) by content negotiation."""
    state = gateway_state()
    graph = target_graph(state, writing=False)
    if graph is None:
        return _union_document(state)
    if not state.backend.has_graph(graph):
        raise NotFoundError(f"graph <{graph}> does not exist in this store")
    return serve_graph_document(state, graph)


@blueprint.route("/rdf-graphs", methods=["PUT", "POST"])
def write_graph() -> Response:
    """Replace (PUT) or extend (POST) a manifest graph after validating the result."""
    state = gateway_state()
    require_admin(state)
    graph = target_graph(state, writing=True)
    assert graph is not None
    data, rdf_format = request_format(state.config.max_body_bytes)

    existed = state.backend.has_graph(graph)
    if request.method == "POST" and existed:
        current = serialize(state.backend.published_triples(graph), format=RdfFormat.N_TRIPLES)
        added = check_manifest(data, rdf_format, graph, validate=False).n_triples
        data, rdf_format = current + b"\n" + added, "n-triples"

    checked = check_manifest(data, rdf_format, graph, validate=True)
    if not has_manifest_node(checked.graph, (MPLI.ProviderManifest,)):
        raise NotConformingError(
            f"{graph}: the document has no mpli:ProviderManifest node; nothing was changed. "
            "A manifest graph holds one provider manifest: type its manifest node "
            "mpli:ProviderManifest."
        )
    state.backend.replace_graph(graph, checked.n_triples, RdfFormat.N_TRIPLES, checked.summary)
    logger.info("admin %s replaced graph <%s>", request.method, graph)
    return Response(status=204 if existed else 201)


@blueprint.route("/rdf-graphs", methods=["DELETE"])
def delete_graph() -> Response:
    """Remove a manifest graph (marketplace only)."""
    state = gateway_state()
    require_admin(state)
    graph = target_graph(state, writing=True)
    assert graph is not None
    if state.is_provider:
        raise ForbiddenError(
            "a provider endpoint always serves its manifest; replace it with PUT instead of deleting it"
        )
    state.backend.delete_graph(graph)
    logger.info("admin DELETE removed graph <%s>", graph)
    return Response(status=204)
