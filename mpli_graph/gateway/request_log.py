"""Give each request an id, log one INFO line per request, and add CORS headers.

The id comes from a well-formed ``X-Request-Id`` header of the client, so that
a proxy's id carries through, or is generated. It is sent back in the same
header and appears in every log line and error body of that request.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

logger = logging.getLogger(__name__)

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
EXPOSED_HEADERS = "ETag, Last-Modified, X-Request-Id, Content-Length, Location"
ALLOWED_HEADERS = (
    "Accept, Authorization, Content-Type, If-None-Match, If-Modified-Since, X-Request-Id"
)


def _start_request() -> None:
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id", "-")
    response.headers["X-Request-Id"] = request_id

    elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    logger.info(
        "%s %s %d %s bytes %.1f ms id=%s",
        request.method,
        request.full_path.rstrip("?") if request.query_string else request.path,
        response.status_code,
        response.headers.get("Content-Length", "-"),
        elapsed_ms,
        request_id,
    )
    return response


def _add_cors_headers(origin: str):
    def add(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if origin != "*":
            response.headers.add("Vary", "Origin")
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response.headers["Access-Control-Allow-Methods"] = (
                "GET, HEAD, POST, PUT, DELETE, OPTIONS"
            )
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
        return response

    return add


def install_request_hooks(app: Flask, cors_origin: str) -> None:
    """Install request ids, the per-request log line and CORS headers on ``app``."""
    app.before_request(_start_request)
    app.after_request(_add_cors_headers(cors_origin))
    app.after_request(_finish_request)
