"""Send SPARQL queries to federation members over HTTP, bounded in time and size.

Each member has its own pooled ``httpx.Client``, so that a member's
connection is reused from one query to the next. Every request has the
member's time limit, both per network operation and as a total deadline while
the body streams in, and a limit on the response size. A failed request
does not raise: :meth:`Transport.select` and :meth:`Transport.construct`
return a :class:`~mpli_graph.federation.result.SourceReport` with its status
and error, so that one member cannot fail the whole query.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from mpli_graph.federation.members import FederationMember
from mpli_graph.federation.result import (
    STATUS_ERROR,
    STATUS_MALFORMED,
    STATUS_OK,
    STATUS_TIMEOUT,
    STATUS_TOO_LARGE,
    SourceReport,
)

logger = logging.getLogger(__name__)

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""Largest response body accepted from one member, in bytes."""

SELECT_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class ResponseError(Exception):
    """A member's response cannot be used; carries the source status."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Solutions:
    """The variables and the solutions (one term or None per variable) of a SELECT."""

    variables: list[str]
    rows: list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]


def read_solutions(body: bytes, results_format: ox.QueryResultsFormat) -> Solutions:
    """Parse a SELECT results document completely, or raise ResponseError."""
    try:
        parsed = ox.parse_query_results(body, results_format)
        if not isinstance(parsed, ox.QuerySolutions):
            raise ResponseError(STATUS_MALFORMED, "expected solutions, received a boolean")
        variables = [variable.value for variable in parsed.variables]
        rows = [tuple(solution) for solution in parsed]
    except (SyntaxError, ValueError, OSError) as error:
        raise ResponseError(STATUS_MALFORMED, f"invalid SPARQL results: {error}") from None
    return Solutions(variables, rows)


@dataclass
class Response:
    """A member's response body and its media type."""

    body: bytes
    media_type: str


class Transport:
    """Pooled HTTP clients for SPARQL requests to federation members.

    Each member gets its own ``httpx.Client`` with a small pool, made on first
    use. One shared pool serves many concurrent requests more slowly, because
    every request and release scans the whole pool under one lock.
    """

    def __init__(
        self,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        connections_per_member: int = 4,
    ) -> None:
        self.max_response_bytes = max_response_bytes
        self.connections_per_member = connections_per_member
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()

    def client_for(self, endpoint: str) -> httpx.Client:
        """Return the HTTP client for one member endpoint, making it on first use."""
        client = self._clients.get(endpoint)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(endpoint)
            if client is None:
                client = self._clients[endpoint] = httpx.Client(
                    limits=httpx.Limits(
                        max_connections=self.connections_per_member,
                        max_keepalive_connections=self.connections_per_member,
                        keepalive_expiry=30.0,
                    ),
                    follow_redirects=False,
                    trust_env=False,
                    headers={"User-Agent": "mpli-graph-federation"},
                )
        return client

    def close(self) -> None:
        """Close every pooled connection."""
        with self._lock:
            clients = list(self._clients.values())
            self._clients.clear()
        for client in clients:
            client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def post_query(self, member: FederationMember, query: str, accept: str) -> Response:
        """POST a query to a member and return the response body.

        Raises ResponseError with the source status on a timeout, a network
        error, an HTTP error status or a body over the size limit.
        """
        deadline = time.monotonic() + member.timeout
        timeout = httpx.Timeout(member.timeout)
        client = self.client_for(member.endpoint)
        request = client.build_request(
            "POST",
            member.endpoint,
            content=urlencode({"query": query}).encode("utf-8"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=timeout,
        )

        try:
            response = client.send(request, stream=True)
        except httpx.TimeoutException:
            raise ResponseError(STATUS_TIMEOUT, f"timed out: no response within {member.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise ResponseError(STATUS_ERROR, f"request failed: {error}") from None

        try:
            body = self._read_body(response, member, deadline)
        finally:
            response.close()

        if response.status_code != 200:
            excerpt = body[:200].decode("utf-8", "replace").strip()
            raise ResponseError(STATUS_ERROR, f"HTTP {response.status_code}: {excerpt}")
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return Response(body, media_type)

    def _read_body(self, response: httpx.Response, member: FederationMember, deadline: float) -> bytes:
        """Read a streamed body within the deadline and the size limit."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_response_bytes:
            raise ResponseError(
                STATUS_TOO_LARGE,
                f"response of {declared} bytes is over the limit of {self.max_response_bytes} bytes",
            )

        chunks = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise ResponseError(
                        STATUS_TOO_LARGE,
                        f"response is over the limit of {self.max_response_bytes} bytes",
                    )
                if time.monotonic() > deadline:
                    raise ResponseError(STATUS_TIMEOUT, f"timed out: response not complete within {member.timeout:g} s")
                chunks.append(chunk)
        except httpx.TimeoutException:
            raise ResponseError(STATUS_TIMEOUT, f"timed out: response not complete within {member.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise ResponseError(STATUS_ERROR, f"reading the response failed: {error}") from None
        return b"".join(chunks)

    def select(self, member: FederationMember, query: str) -> tuple[Solutions | None, SourceReport]:
        """Send a SELECT query; return its solutions (None on failure) and a report."""
        started = time.monotonic()
        logger.info("federated request to %s", member.endpoint)
        try:
            response = self.post_query(member, query, SELECT_ACCEPT)
            results_format = RESULT_FORMATS.get(response.media_type)
            if results_format is None:
                raise ResponseError(
                    STATUS_MALFORMED, f"unexpected media type {response.media_type or 'none'!r}"
                )
            solutions = read_solutions(response.body, results_format)
        except ResponseError as error:
            return None, self._failed(member, started, error)

        elapsed_ms = (time.monotonic() - started) * 1000
        report = SourceReport(member.endpoint, STATUS_OK, elapsed_ms, rows=len(solutions.rows))
        return solutions, report

    def construct(self, member: FederationMember, query: str) -> tuple[list[ox.Triple] | None, SourceReport]:
        """Send a CONSTRUCT query; return its triples (None on failure) and a report."""
        started = time.monotonic()
        logger.info("federated request to %s", member.endpoint)
        try:
            response = self.post_query(member, query, GRAPH_ACCEPT)
            rdf_format = GRAPH_FORMATS.get(response.media_type)
            if rdf_format is None:
                raise ResponseError(
                    STATUS_MALFORMED, f"unexpected media type {response.media_type or 'none'!r}"
                )
            try:
                triples = list(ox.parse(response.body, format=rdf_format, base_iri=member.endpoint))
            except (SyntaxError, ValueError) as error:
                raise ResponseError(STATUS_MALFORMED, f"invalid RDF: {error}") from None
        except ResponseError as error:
            return None, self._failed(member, started, error)

        elapsed_ms = (time.monotonic() - started) * 1000
        return triples, SourceReport(member.endpoint, STATUS_OK, elapsed_ms, rows=len(triples))

    @staticmethod
    def _failed(member: FederationMember, started: float, error: ResponseError) -> SourceReport:
        """Log a failed request and return its report."""
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.warning("federation member %s failed (%s): %s", member.endpoint, error.status, error)
        return SourceReport(member.endpoint, error.status, elapsed_ms, str(error))
