"""Turn every error into one JSON response: the one table from error class to HTTP status.

An :class:`~mpli_graph.errors.MpliError` becomes the status in
:data:`ERROR_RESPONSES` (looked up along the class hierarchy, so a subclass
without its own row takes its parent's) and the body of ``error.to_json()``
plus the request id. Werkzeug's HTTP errors (unknown route, method not
allowed, body too large) and unexpected exceptions get the same JSON shape.
An unexpected exception is logged with its traceback, and the client gets a 500
response without internal details.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, Response, g, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from mpli_graph.errors import (
    AuthenticationError,
    ConflictError,
    ContextNotAllowedError,
    ForbiddenError,
    InputError,
    LimitExceededError,
    MpliError,
    NotAcceptableError,
    NotConformingError,
    NotFoundError,
    PayloadTooLargeError,
    QuerySyntaxError,
    RdfSyntaxError,
    UnknownTermError,
    UnsupportedFormatError,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorResponse:
    """The status and extra headers of the response to one error class."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()


ERROR_RESPONSES: dict[type[MpliError], ErrorResponse] = {
    MpliError: ErrorResponse(500),
    InputError: ErrorResponse(400),
    RdfSyntaxError: ErrorResponse(400),
    QuerySyntaxError: ErrorResponse(400),
    UnknownTermError: ErrorResponse(400),
    ContextNotAllowedError: ErrorResponse(400),
    UnsupportedFormatError: ErrorResponse(415),
    NotConformingError: ErrorResponse(422),
    NotFoundError: ErrorResponse(404),
    ConflictError: ErrorResponse(409),
    PayloadTooLargeError: ErrorResponse(413),
    NotAcceptableError: ErrorResponse(406),
    AuthenticationError: ErrorResponse(401, (("WWW-Authenticate", 'Bearer realm="mpli"'),)),
    ForbiddenError: ErrorResponse(403),
    LimitExceededError: ErrorResponse(503, (("Retry-After", "5"),)),
}


def response_for(error_class: type[MpliError]) -> ErrorResponse:
    """Return the table row for ``error_class``, or for its nearest ancestor that has one."""
    for cls in error_class.__mro__:
        if cls in ERROR_RESPONSES:
            return ERROR_RESPONSES[cls]
    return ERROR_RESPONSES[MpliError]


def error_body(error: MpliError) -> dict:
    """Return the JSON body for ``error``, with its SHACL report when it carries one."""
    body = error.to_json()
    report = getattr(error, "report", None)
    if report is not None and "report" not in body:
        body["report"] = report.to_json() if hasattr(report, "to_json") else report
    body["request_id"] = g.get("request_id")
    return body


def _json_response(body: dict, status: int, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    response = jsonify(body)
    response.status_code = status
    for name, value in headers:
        response.headers[name] = value
    return response


def handle_mpli_error(error: MpliError) -> Response:
    """Return the response for an :class:`MpliError`: its status from the table and its JSON body."""
    row = response_for(type(error))
    if row.status >= 500 and not isinstance(error, LimitExceededError):
        logger.error("request %s failed: %s", g.get("request_id"), error.message)
    else:
        logger.warning(
            "request %s rejected with %d %s: %s",
            g.get("request_id"),
            row.status,
            type(error).__name__,
            error.message,
        )
    return _json_response(error_body(error), row.status, row.headers)


def handle_http_exception(error: HTTPException) -> Response:
    """Return the response for a werkzeug HTTP error (404 route, 405 method, 413 body) in the same JSON shape."""
    if isinstance(error, RequestEntityTooLarge):
        return handle_mpli_error(
            PayloadTooLargeError(
                "the request body is larger than this server accepts; send a smaller document"
            )
        )

    status = error.code or 500
    name = type(error).__name__
    message = error.description or name
    logger.warning("request %s rejected with %d %s: %s", g.get("request_id"), status, name, message)
    body = {"error": name, "message": message, "request_id": g.get("request_id")}
    headers = tuple(
        (header, value)
        for header, value in error.get_headers()
        if header.lower() not in ("content-type", "content-length")
    )
    return _json_response(body, status, headers)


def handle_unexpected(error: Exception) -> Response:
    """Log an unexpected exception with its traceback and return a 500 response without internal details."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    request_id = g.get("request_id")
    logger.exception("request %s failed with an unexpected error", request_id)
    body = {
        "error": "InternalServerError",
        "message": f"the server failed to handle the request; report request id {request_id}",
        "request_id": request_id,
    }
    return _json_response(body, 500)


def register_error_handlers(app: Flask) -> None:
    """Install the handlers above on ``app``."""
    app.register_error_handler(MpliError, handle_mpli_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
