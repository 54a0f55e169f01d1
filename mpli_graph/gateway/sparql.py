"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (query operation only).

Accepted requests: ``GET`` with a ``query`` parameter, ``POST`` of an
``application/x-www-form-urlencoded`` form, and ``POST`` of an
``application/sparql-query`` body, each with optional ``default-graph-uri``
and ``named-graph-uri`` parameters. SPARQL Update is rejected in every form
(``update`` parameter, ``application/sparql-update`` body, update text in
``query``). A query that contains ``SERVICE`` is rejected too, except at a
marketplace with federation members, which sends each SERVICE block to its
member and rejects any other SERVICE IRI. ``GET /sparql`` without a query
returns the service description.

The result format follows the ``format`` (or ``output``) parameter when a
client sends one, else the ``Accept`` header with its quality values. The
whole response is serialised before it is sent, so it always carries
``Content-Length``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from flask import Blueprint, Response, request
from pyoxigraph import QueryTriples, serialize

from mpli_graph.errors import (
    InputError,
    MpliError,
    QuerySyntaxError,
    UnsupportedFormatError,
)
from mpli_graph.federation.blueprint import SOURCES_HEADER
from mpli_graph.gateway.descriptions import PREFIXES, service_description
from mpli_graph.gateway.federation import GatewayFederation, installed_federation
from mpli_graph.gateway.formats import choose_rdf_syntax, choose_results_syntax, content_type
from mpli_graph.gateway.limits import BoundedOutput, OutputLimitReached
from mpli_graph.gateway.query_guard import (
    find_service,
    operation_keyword,
    reject_deep_nesting,
    reject_service,
    reject_update,
    update_rejected,
)
from mpli_graph.gateway.state import GatewayState, gateway_state

blueprint = Blueprint("sparql", __name__)

SYNTAX_ERROR_POSITION = re.compile(r"error at (\d+):(\d+):?\s*(.*)", re.DOTALL)
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
QUERY_MEDIA_TYPE = "application/sparql-query"
UPDATE_MEDIA_TYPE = "application/sparql-update"
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
MAX_DETAIL_LENGTH = 240


@dataclass
class ProtocolRequest:
    """The parts of a SPARQL Protocol request that the endpoint uses."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format_name: str | None = None


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise InputError(f"the {name} parameter is given {len(values)} times; send it once")
    return values[0] if values else None


def _body_text() -> str:
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"the request body is not valid UTF-8 ({error.reason}); send UTF-8 text"
        ) from None


def read_protocol_request() -> ProtocolRequest:
    """Read the query, update and dataset parameters from a GET or POST request."""
    arguments = request.args
    media_type = (request.mimetype or "").lower()

    if request.method == "POST" and media_type == FORM_MEDIA_TYPE:
        arguments = request.form
    elif request.method == "POST" and media_type == UPDATE_MEDIA_TYPE:
        return ProtocolRequest(update=_body_text())
    elif request.method == "POST" and media_type == QUERY_MEDIA_TYPE:
        parsed = ProtocolRequest(query=_body_text())
        parsed.default_graphs = request.args.getlist("default-graph-uri")
        parsed.named_graphs = request.args.getlist("named-graph-uri")
        parsed.format_name = _single(request.args.getlist("format"), "format") or _single(
            request.args.getlist("output"), "output"
        )
        return parsed
    elif request.method == "POST" and not media_type and not request.get_data(cache=True):
        raise InputError(
            f"the request has no query; POST it as {QUERY_MEDIA_TYPE} or as an "
            f"{FORM_MEDIA_TYPE} form with a query field"
        )
    elif request.method == "POST":
        raise UnsupportedFormatError(
            f"a SPARQL query cannot be sent as {media_type or 'a body without Content-Type'}; "
            f"POST it as {QUERY_MEDIA_TYPE} or as an {FORM_MEDIA_TYPE} form with a query field"
        )

    return ProtocolRequest(
        query=_single(arguments.getlist("query"), "query"),
        update=_single(arguments.getlist("update"), "update"),
        default_graphs=arguments.getlist("default-graph-uri"),
        named_graphs=arguments.getlist("named-graph-uri"),
        format_name=_single(arguments.getlist("format"), "format")
        or _single(arguments.getlist("output"), "output"),
    )


def query_syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """Turn pyoxigraph's ``SyntaxError`` ("error at LINE:COLUMN: ...") into a QuerySyntaxError."""
    text = str(error)
    match = SYNTAX_ERROR_POSITION.search(text)
    if match is None:
        return QuerySyntaxError(text)
    detail = match.group(3).strip().splitlines()[0] if match.group(3).strip() else text
    if len(detail) > MAX_DETAIL_LENGTH:
        detail = detail[:MAX_DETAIL_LENGTH].rstrip(" ,") + " ..."
    return QuerySyntaxError(detail, int(match.group(1)), int(match.group(2)))


def execute_query(state: GatewayState, parsed: ProtocolRequest) -> Response:
    """Check, run and serialise a query under the gateway's limits, and build the response."""
    text = parsed.query or ""
    reject_deep_nesting(text, state.config.max_query_nesting)
    reject_update(text)
    federation = installed_federation()
    if federation is not None and find_service(text) is not None:
        return execute_federated_query(state, federation, text)
    # pyoxigraph would fetch any URL that a SERVICE clause names, so without a
    # members allowlist every endpoint rejects SERVICE.
    reject_service(text)

    graph_form = operation_keyword(text) in GRAPH_FORMS
    if graph_form:
        rdf_syntax = choose_rdf_syntax(request.headers.get("Accept"), parsed.format_name)
        media_type = rdf_syntax.media_type
    else:
        results_syntax = choose_results_syntax(request.headers.get("Accept"), parsed.format_name)
        media_type = results_syntax.media_type

    def work(output: BoundedOutput) -> None:
        try:
            results = state.backend.query(
                text,
                default_graph=parsed.default_graphs or None,
                named_graphs=parsed.named_graphs or None,
                union_default_graph=state.config.union_default_graph,
            )
        except SyntaxError as error:
            raise query_syntax_error(error) from None
        except ValueError as error:
            raise InputError(f"invalid dataset parameter: {error}") from None

        try:
            if isinstance(results, QueryTriples):
                if not graph_form:
                    raise InputError(
                        "the query returns a graph; send CONSTRUCT or DESCRIBE explicitly"
                    )
                results.serialize(output, rdf_syntax.format)
            else:
                if graph_form:
                    raise InputError("the query returns solutions, not a graph")
                results.serialize(output, results_syntax.format)
        except (OutputLimitReached, MpliError):
            raise
        except (OSError, RuntimeError, ValueError, TypeError) as error:
            raise MpliError(f"the query failed while running: {error}") from None

    body = state.runner.run(work, "query")
    response = Response(body, status=200, content_type=content_type(media_type))
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-store"
    return response


def execute_federated_query(state: GatewayState, federation: GatewayFederation, text: str) -> Response:
    """Run a query whose SERVICE clauses name federation members, under the gateway's limits.

    The federation executor rejects a SERVICE IRI that is not a member before it
    sends any request. The part outside SERVICE runs over the marketplace's
    store. The ``MPLI-Federation-Sources`` header reports each member's status.
    """
    graph_form = operation_keyword(text) in GRAPH_FORMS
    if graph_form:
        media_type = choose_rdf_syntax(request.headers.get("Accept"), None).media_type
    else:
        media_type = choose_results_syntax(request.headers.get("Accept"), None).media_type
    sources: list[dict] = []

    def work(output: BoundedOutput) -> None:
        result = federation.executor.query(
            text,
            store=state.backend.store,
            union_default_graph=state.config.union_default_graph,
        )
        sources.extend(result.sources_json())
        output.write(result.serialize(media_type))

    body = state.runner.run(work, "federated query")
    response = Response(body, status=200, content_type=content_type(media_type))
    response.headers[SOURCES_HEADER] = json.dumps(sources, separators=(",", ":"))
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-store"
    return response


def describe_service(state: GatewayState) -> Response:
    """Return the SPARQL Service Description in the negotiated RDF syntax."""
    syntax = choose_rdf_syntax(request.headers.get("Accept"), request.args.get("format"))
    endpoint = request.base_url
    triples = service_description(endpoint, state.backend, state.config.union_default_graph)
    body = serialize(triples, format=syntax.format, prefixes=PREFIXES)
    response = Response(body, status=200, content_type=content_type(syntax.media_type))
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Run a SPARQL Protocol query request, or describe the service when there is no query."""
    state = gateway_state()
    parsed = read_protocol_request()

    if parsed.update is not None:
        raise update_rejected()
    if parsed.query is None:
        if request.method == "POST":
            raise InputError(
                "the request has no query; send it in the query parameter or as the body"
            )
        return describe_service(state)
    if not parsed.query.strip():
        raise InputError("the query parameter is empty; send a SPARQL query")
    return execute_query(state, parsed)
