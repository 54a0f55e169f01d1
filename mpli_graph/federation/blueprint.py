"""A Flask blueprint for a marketplace's federated SPARQL endpoint and live resolution.

Routes, under the prefix given (``/federation`` by default):

- ``GET|POST /sparql``: a SPARQL 1.1 Protocol query whose SERVICE blocks name
  federation members. Any other SERVICE IRI is rejected with 403 before a
  request is sent. Results by content negotiation (SPARQL JSON, XML, CSV, TSV,
  or RDF for CONSTRUCT and DESCRIBE). The ``MPLI-Federation-Sources`` header
  contains the sources' reports as JSON.
- ``POST /resolve``: a consumer manifest (Turtle, N-Triples or JSON-LD, by
  Content-Type) resolved against the members' live endpoints; returns the
  resolver's JSON plus ``sources``. ``?top=N`` keeps the best N.

:func:`live_resolution_json` is the same resolution as a function, for a
gateway route such as ``/resolve?live=true``.
"""

from __future__ import annotations

import json
import logging

import rdflib
from flask import Blueprint, Response, request

from mpli_graph.errors import InputError, MpliError, NotAcceptableError, PayloadTooLargeError
from mpli_graph.federation.executor import FederatedExecutor
from mpli_graph.federation.live import resolve_live
from mpli_graph.federation.members import Federation
from mpli_graph.federation.result import GRAPH_MEDIA_TYPES, RESULTS_MEDIA_TYPES
from mpli_graph.federation.transport import Transport
from mpli_graph.manifest.parse import format_for_media_type, parse_data
from mpli_graph.store import ManifestStore

logger = logging.getLogger(__name__)

SOURCES_HEADER = "MPLI-Federation-Sources"
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_QUERY_NESTING = 200


def live_resolution_json(
    federation: Federation,
    consumer_graph: rdflib.Graph,
    *,
    top: int | None = None,
    fallback: ManifestStore | None = None,
    transport: Transport | None = None,
) -> dict:
    """Resolve a consumer graph against the live members; return the JSON body."""
    return resolve_live(federation, consumer_graph, top=top, fallback=fallback, transport=transport).to_json()


def create_federation_blueprint(
    federation: Federation,
    *,
    fallback: ManifestStore | None = None,
    transport: Transport | None = None,
    url_prefix: str = "/federation",
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_query_nesting: int = DEFAULT_MAX_QUERY_NESTING,
) -> Blueprint:
    """Return a blueprint that serves federated queries and live resolution for one federation.

    The caller owns ``transport`` and closes it when the app stops. Without
    one, the blueprint makes its own, whose connections stay open for the
    life of the process.
    """
    blueprint = Blueprint("federation", __name__, url_prefix=url_prefix)
    shared_transport = transport or Transport()
    executor = FederatedExecutor(federation, transport=shared_transport)

    @blueprint.errorhandler(MpliError)
    def report_error(error: MpliError) -> Response:
        return json_response(error.to_json(), error.http_status)

    @blueprint.route("/sparql", methods=["GET", "POST"])
    def federated_sparql() -> Response:
        """Run a federated query and return its result in the negotiated format."""
        query = read_query(max_body_bytes)
        check_nesting(query, max_query_nesting)
        result = executor.query(query)

        offered = list(GRAPH_MEDIA_TYPES) if result.is_graph else list(RESULTS_MEDIA_TYPES)
        media_type = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else offered[0]
        if media_type is None:
            raise NotAcceptableError(
                f"no result format matches Accept {request.headers.get('Accept')!r}: accept one of {', '.join(offered)}"
            )

        response = Response(result.serialize(media_type), content_type=media_type)
        response.headers[SOURCES_HEADER] = json.dumps(result.sources_json(), separators=(",", ":"))
        return response

    @blueprint.route("/resolve", methods=["POST"])
    def live_resolve() -> Response:
        """Resolve the consumer manifest in the body against the live members."""
        body = request.get_data(cache=False)
        if len(body) > max_body_bytes:
            raise PayloadTooLargeError(f"the request body is over the limit of {max_body_bytes} bytes")
        rdf_format = format_for_media_type(request.content_type or "")
        consumer = parse_data(body, rdf_format, "request body", max_bytes=max_body_bytes)
        top = top_parameter()
        return json_response(
            live_resolution_json(federation, consumer, top=top, fallback=fallback, transport=shared_transport)
        )

    return blueprint


def read_query(max_body_bytes: int) -> str:
    """Return the query of a SPARQL 1.1 Protocol request (GET, form POST or direct POST)."""
    if request.method == "GET":
        queries = request.args.getlist("query")
    elif request.mimetype == "application/sparql-query":
        if (request.content_length or 0) > max_body_bytes:
            raise PayloadTooLargeError(f"the query is over the limit of {max_body_bytes} bytes")
        queries = [request.get_data(as_text=True)]
    elif request.mimetype == "application/x-www-form-urlencoded":
        if "update" in request.form:
            raise InputError("this endpoint runs queries only: send 'query', not 'update'")
        queries = request.form.getlist("query")
    else:
        raise InputError(
            f"unsupported Content-Type {request.mimetype!r}: send application/sparql-query "
            "or application/x-www-form-urlencoded with a 'query' field"
        )

    if len(queries) != 1 or not queries[0].strip():
        raise InputError("send exactly one non-empty 'query' parameter")
    return queries[0]


def check_nesting(query: str, limit: int) -> None:
    """Reject ``query`` when its brackets nest deeper than ``limit``, before any parser reads it."""
    # Imported here: the gateway package imports this module while it loads.
    from mpli_graph.gateway.query_guard import reject_deep_nesting

    reject_deep_nesting(query, limit)


def top_parameter() -> int | None:
    """Return the ``top`` request parameter as a positive whole number, or None."""
    raw = request.args.get("top")
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise InputError(f"top={raw!r} is not a whole number of at least 1")
    return int(raw)


def json_response(body: object, status: int = 200) -> Response:
    """Return a JSON response."""
    text = json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    return Response(text.encode("utf-8"), status=status, content_type="application/json")
