"""The marketplace's JSON REST API: resolve, validate, providers and offerings.

``POST /resolve`` takes a consumer manifest (Turtle or JSON-LD, by
``Content-Type``) and validates it like ``mpli resolve`` does (422 with the
report when it does not conform). It returns the JSON that
``mpli resolve --format json`` prints for the same manifest and store. With
``?live=true`` it resolves against the live endpoints of the marketplace's
federation members instead, and adds ``sources`` (one report per member).
``POST /validate`` returns the SHACL report of any manifest; a document with
no provider or consumer manifest node does not conform. Both run in worker
threads under the same time limit as SPARQL queries, in a pool of slots of
their own (``max_concurrent_documents``), so that queries still running past
their time limit cannot lock them out. ``GET /providers`` and ``GET /offerings`` list what the loaded
manifests describe, and ``GET /offerings/{id}`` shows one offering with all its
properties. The OpenAPI 3.1 document at ``/openapi.json`` describes every
operation.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from mpli_graph.commands.validate import with_manifest_node_check
from mpli_graph.errors import InputError, NotAcceptableError, UnsupportedFormatError
from mpli_graph.federation.blueprint import live_resolution_json
from mpli_graph.gateway.documents import (
    check_manifest,
    request_format,
    validation_report,
)
from mpli_graph.gateway.federation import gateway_federation
from mpli_graph.gateway.limits import BoundedOutput
from mpli_graph.gateway.offerings import OfferingCatalogue, parse_filter
from mpli_graph.gateway.state import gateway_state
from mpli_graph.manifest import parse_data
from mpli_graph.resolution import resolve

blueprint = Blueprint("marketplace", __name__)

CONSUMER_FORMATS = ("turtle", "json-ld")
JSON_MEDIA_TYPE = "application/json"


def json_bytes(body: object) -> bytes:
    """Return ``body`` as JSON written the way ``mpli resolve --format json`` prints it."""
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def json_response(body: object, status: int = 200) -> Response:
    """Return ``body`` as a JSON response, formatted by :func:`json_bytes`."""
    return Response(json_bytes(body), status=status, content_type="application/json")


def require_json_accepted() -> None:
    """Raise :class:`NotAcceptableError` when the ``Accept`` header excludes JSON."""
    if "Accept" not in request.headers:
        return
    if request.accept_mimetypes.best_match([JSON_MEDIA_TYPE]) is None:
        raise NotAcceptableError(
            f"this operation responds only in {JSON_MEDIA_TYPE}, which Accept "
            f"{request.headers.get('Accept')!r} excludes; accept {JSON_MEDIA_TYPE} or */*"
        )


def _integer_parameter(name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise InputError(f"{name}={value} is out of range; use at least {minimum}{upper}")
    return value


def _live_parameter() -> bool:
    raw = request.args.get("live")
    if raw is None or raw.lower() in ("false", "0"):
        return False
    if raw.lower() in ("true", "1"):
        return True
    raise InputError(f"live={raw!r} is not a boolean; use live=true or live=false")


def _top_parameter() -> int | None:
    raw = request.args.get("top")
    if raw is None:
        return None
    return _integer_parameter("top", 0, 1)


@blueprint.route("/resolve", methods=["POST"])
def resolve_consumer() -> Response:
    """Rank every loaded offering against the consumer manifest in the request body."""
    require_json_accepted()
    state = gateway_state()
    data, rdf_format = request_format(state.config.max_body_bytes)
    if rdf_format not in CONSUMER_FORMATS:
        raise UnsupportedFormatError(
            f"a consumer manifest is accepted as text/turtle or application/ld+json, not {request.mimetype}"
        )
    top = _top_parameter()
    federation = gateway_federation() if _live_parameter() else None

    def work(output: BoundedOutput) -> None:
        consumer = check_manifest(data, rdf_format, "consumer manifest", validate=True).graph
        if federation is not None:
            body = live_resolution_json(
                federation.federation,
                consumer,
                top=top,
                fallback=state.manifest_store,
                transport=federation.transport,
            )
        else:
            body = resolve(state.manifest_store, consumer, top=top).to_json()
        output.write(json_bytes(body))

    body = state.document_runner.run(work, "resolution", "send ?top=N to keep only the best N offerings")
    return Response(body, status=200, content_type="application/json")


@blueprint.route("/validate", methods=["POST"])
def validate_manifest() -> Response:
    """Validate the manifest in the request body and return the SHACL report as JSON."""
    require_json_accepted()
    state = gateway_state()
    data, rdf_format = request_format(state.config.max_body_bytes)

    def work(output: BoundedOutput) -> None:
        graph = parse_data(data, rdf_format, "request body")
        report = with_manifest_node_check(graph, validation_report(graph))
        output.write(json_bytes(report.to_json()))

    body = state.document_runner.run(work, "validation", "send a smaller manifest")
    return Response(body, status=200, content_type="application/json")


@blueprint.route("/providers", methods=["GET"])
def list_providers() -> Response:
    """List the providers of all loaded manifests."""
    state = gateway_state()
    providers = OfferingCatalogue(state.backend).providers()
    return json_response({"total": len(providers), "items": providers})


@blueprint.route("/offerings", methods=["GET"])
def list_offerings() -> Response:
    """List offerings, filtered by provider, type, country and minimum vCPU count, one page at a time."""
    state = gateway_state()
    criteria = parse_filter(
        request.args.get("provider"),
        request.args.get("type"),
        request.args.get("country"),
        request.args.get("min_vcpu"),
    )
    limit = _integer_parameter("limit", state.config.page_size, 1, state.config.max_page_size)
    offset = _integer_parameter("offset", 0, 0)

    catalogue = OfferingCatalogue(state.backend)
    matching = catalogue.matching_offerings(criteria)
    page = catalogue.describe(matching[offset : offset + limit])
    return json_response({"total": len(matching), "limit": limit, "offset": offset, "items": page})


@blueprint.route("/offerings/<offering_id>", methods=["GET"])
def show_offering(offering_id: str) -> Response:
    """Show one offering with all its properties (404 when no manifest describes it)."""
    state = gateway_state()
    return json_response(OfferingCatalogue(state.backend).offering(offering_id))
