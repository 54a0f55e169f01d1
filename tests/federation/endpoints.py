"""Real SPARQL endpoints on 127.0.0.1 for the federation tests and benchmarks.

``SparqlEndpoint`` serves a pyoxigraph store over the SPARQL 1.1 Protocol
(GET, form POST and direct POST), always with Content-Length, and can misbehave
on purpose: answer late, hang, send malformed results or a huge body.
``GatewayEndpoint`` runs the project's own provider gateway instead.
``ConnectionCounter`` is a bare TCP listener that only counts the
connections it accepts, to prove that a non-member is never contacted.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
from werkzeug.serving import WSGIRequestHandler, make_server

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
}


class QuietHandler(WSGIRequestHandler):
    """A request handler that does not print one line per request."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def pick(accept: str, table: dict) -> tuple[str, object]:
    """Return the first media type of the table that the Accept header names."""
    for part in accept.split(","):
        media_type = part.split(";")[0].strip()
        if media_type in table:
            return media_type, table[media_type]
    media_type = next(iter(table))
    return media_type, table[media_type]


class SparqlEndpoint:
    """A SPARQL endpoint over a pyoxigraph store, served on a loopback port."""

    def __init__(self, store: ox.Store, delay: float = 0.0, mode: str = "normal") -> None:
        self.store = store
        self.delay = delay
        self.mode = mode
        self.requests = 0
        self.queries: list[str] = []
        self._release = threading.Event()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=QuietHandler)
        self._server.daemon_threads = True
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> SparqlEndpoint:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release any request held by the hang mode."""
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def read_query(self, environ: dict) -> str:
        """Return the query of a GET, form POST or direct POST request."""
        if environ["REQUEST_METHOD"] == "GET":
            return parse_qs(environ.get("QUERY_STRING", "")).get("query", [""])[0]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode("utf-8")
        if environ.get("CONTENT_TYPE", "").startswith("application/sparql-query"):
            return body
        return parse_qs(body).get("query", [""])[0]

    def app(self, environ: dict, start_response) -> list[bytes]:
        """Respond to one SPARQL protocol request."""
        self.requests += 1
        query = self.read_query(environ)
        self.queries.append(query)
        if self.delay:
            time.sleep(self.delay)

        if self.mode == "hang":
            self._release.wait(30)
        if self.mode == "malformed":
            return self.respond(start_response, "200 OK", "application/sparql-results+json", b'{"head": {"vars": [')
        if self.mode == "huge":
            body = b'{"head":{"vars":["x"]},"results":{"bindings":[' + b" " * (8 * 1024 * 1024) + b"]}}"
            return self.respond(start_response, "200 OK", "application/sparql-results+json", body)

        try:
            result = self.store.query(query)
            accept = environ.get("HTTP_ACCEPT", "")
            if isinstance(result, ox.QueryTriples):
                media_type, rdf_format = pick(accept, GRAPH_TYPES)
                body = result.serialize(format=rdf_format)
            else:
                media_type, results_format = pick(accept, RESULT_TYPES)
                body = result.serialize(format=results_format)
        except SyntaxError as error:
            return self.respond(start_response, "400 Bad Request", "text/plain", str(error).encode())
        return self.respond(start_response, "200 OK", media_type, body)

    @staticmethod
    def respond(start_response, status: str, media_type: str, body: bytes) -> list[bytes]:
        """Send a body with its Content-Length."""
        start_response(status, [("Content-Type", media_type), ("Content-Length", str(len(body)))])
        return [body]


class GatewayEndpoint:
    """A provider gateway (``create_app``) serving one manifest on a loopback port.

    ``delay`` adds seconds before each request is handled, to stand for a
    distant provider.
    """

    def __init__(self, manifest: Path, delay: float = 0.0) -> None:
        from mpli_graph.gateway import create_app
        from mpli_graph.gateway.config import GatewayConfig

        self.manifest = manifest
        self.delay = delay
        self.app = create_app(GatewayConfig(role="provider", manifest=manifest, port=0))
        self._server = make_server("127.0.0.1", 0, self.delayed, threaded=True, request_handler=QuietHandler)
        self._server.daemon_threads = True
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def delayed(self, environ: dict, start_response):
        """Wait for the configured delay, then let the gateway respond."""
        if self.delay:
            time.sleep(self.delay)
        return self.app(environ, start_response)

    def start(self) -> GatewayEndpoint:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class ConnectionCounter:
    """A TCP listener on a loopback port that counts accepted connections."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> ConnectionCounter:
        """Start accepting in a background thread."""
        self._thread.start()
        return self

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            connection.close()

    def stop(self) -> None:
        """Stop accepting and close the listener."""
        self._stopped.set()
        self._thread.join(timeout=5)
        self._socket.close()


def store_from_turtle(text: str) -> ox.Store:
    """Return a store whose default graph contains the given Turtle."""
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store
