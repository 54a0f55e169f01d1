"""A provider's published documents: ``/.well-known/mpli`` (the manifest) and ``/.well-known/void``.

The manifest is served in the RDF syntax the client accepts (Turtle,
JSON-LD, N-Triples, RDF/XML; 406 for anything else) with a strong ``ETag``
(a hash of the bytes sent) and ``Last-Modified`` (when the manifest was last
loaded or replaced). ``If-None-Match`` and ``If-Modified-Since`` give 304
with the same ``ETag``, so harvesters can poll cheaply. Serialisations are
cached per manifest version and syntax.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from urllib.parse import urlencode

from flask import Blueprint, Response, request
from pyoxigraph import serialize

from mpli_graph.errors import NotFoundError
from mpli_graph.gateway.descriptions import PREFIXES, void_description
from mpli_graph.gateway.formats import RdfSyntax, choose_rdf_syntax, content_type
from mpli_graph.gateway.state import GatewayState, gateway_state

blueprint = Blueprint("provider", __name__)

MAX_CACHED_REPRESENTATIONS = 64
MANIFEST_PATH = "/.well-known/mpli"
VOID_PATH = "/.well-known/void"
MANIFEST_PREFIXES = {
    "mpli": "https://w3id.org/mpli#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "currency": "http://publications.europa.eu/resource/authority/currency/",
    "unit": "http://qudt.org/vocab/unit/",
    "mcert": "https://w3id.org/mpli/certification-scheme/",
    "mstatus": "https://w3id.org/mpli/claim-status/",
}


def manifest_representation(
    state: GatewayState, graph: str, syntax: RdfSyntax
) -> tuple[bytes, str]:
    """Return the bytes of ``graph`` in ``syntax`` and their ETag, from the cache when current."""
    key = (graph, state.backend.version(graph), syntax.media_type)
    cached = state.representation_cache.get(key)
    if cached is not None:
        return cached

    body = serialize(
        state.backend.published_triples(graph), format=syntax.format, prefixes=MANIFEST_PREFIXES
    )
    etag = hashlib.sha256(body).hexdigest()[:32]
    if len(state.representation_cache) >= MAX_CACHED_REPRESENTATIONS:
        state.representation_cache.clear()
    state.representation_cache[key] = (body, etag)
    return body, etag


def serve_graph_document(state: GatewayState, graph: str) -> Response:
    """Send ``graph`` as a conditional, content-negotiated document."""
    syntax = choose_rdf_syntax(request.headers.get("Accept"), request.args.get("format"))
    body, etag = manifest_representation(state, graph, syntax)

    response = Response(body, status=200, content_type=content_type(syntax.media_type))
    response.set_etag(etag)
    response.last_modified = state.backend.modified(graph)
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-cache"
    response = response.make_conditional(_conditional_environ())
    # werkzeug's make_conditional sets Date itself; the HTTP server adds its own as well.
    del response.headers["Date"]
    return response


def _conditional_environ() -> dict:
    """Return the request's WSGI environ, without an ``If-Modified-Since`` date in the future.

    RFC 2616 (section 14.25) calls a date later than the server's clock invalid, so
    the request is answered as a plain GET. werkzeug's ``make_conditional`` would
    compare that date as it is and send 304.
    """
    since = request.if_modified_since
    if since is None or since <= datetime.now(timezone.utc):
        return request.environ
    return {name: value for name, value in request.environ.items() if name != "HTTP_IF_MODIFIED_SINCE"}


@blueprint.route(MANIFEST_PATH, methods=["GET"])
def manifest() -> Response:
    """Send the provider's manifest (GET and HEAD)."""
    state = gateway_state()
    graph = state.manifest_graph
    if graph is None:
        names = state.backend.graph_names()
        if len(names) != 1:
            raise NotFoundError(
                "this server publishes no single provider manifest; "
                "a marketplace lists its providers at /providers and serves each graph at /rdf-graphs"
            )
        graph = names[0]
    if not state.backend.has_graph(graph):
        raise NotFoundError(
            "the provider manifest has been deleted; an admin can PUT a new one to /rdf-graphs"
        )
    return serve_graph_document(state, graph)


@blueprint.route(VOID_PATH, methods=["GET"])
def void() -> Response:
    """Send the VoID description of the served graphs."""
    state = gateway_state()
    syntax = choose_rdf_syntax(request.headers.get("Accept"), request.args.get("format"))
    root = request.host_url
    dump_for = {}
    modified = {}
    for graph in state.backend.graph_names():
        if graph == state.manifest_graph:
            dump_for[graph] = root + MANIFEST_PATH.lstrip("/")
        else:
            dump_for[graph] = root + "rdf-graphs?" + urlencode({"graph": graph})
        modified[graph] = state.backend.modified(graph)

    triples = void_description(root, state.backend, modified, dump_for)
    body = serialize(triples, format=syntax.format, prefixes=PREFIXES)
    response = Response(body, status=200, content_type=content_type(syntax.media_type))
    response.headers["Vary"] = "Accept"
    return response
