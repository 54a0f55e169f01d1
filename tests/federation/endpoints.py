"""Real SPARQL endpoints on 127.0.0.1 for the federation tests and benchmarks.

``SparqlEndpoint`` serves a pyoxigraph store over the SPARQL 1.1 Protocol
(GET, form POST and direct POST), always with Content-Length, and can misbehave
on purpose: respond late, hang, send malformed results or a huge body.
``GatewayEndpoint`` runs the project's own provider gateway instead.
``ConnectionCounter`` is a bare TCP listener that only counts the
connections it accepts, to prove that a non-member is never contacted.
"""

from __future__ import annotations

import io
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import time
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
}


class KeepAliveHandler(BaseHTTPRequestHandler):
    """Serve a WSGI app over HTTP/1.1 with persistent connections and no request log.

    Werkzeug's development server closes every connection, so a test of
    connection reuse needs this small bridge instead.
    """

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.run_app()

    def do_POST(self) -> None:
        self.run_app()

    def run_app(self) -> None:
        """Build the WSGI environ, call the app and send its response with Content-Length."""
        path, _, query_string = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        environ = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query_string,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(length),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": str(self.client_address[1]),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(self.rfile.read(length)),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = "HTTP_" + name.upper().replace("-", "_")
            if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[key] = value

        started: list = []
        chunks = self.server.app(environ, lambda status, headers, exc_info=None: started.extend([status, headers]))
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

        status, headers = started
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(app) -> ThreadingHTTPServer:
    """Return a threaded HTTP/1.1 server for a WSGI app on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAliveHandler)
    server.daemon_threads = True
    server.app = app
    return server


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
        self.client_ports: set[str] = set()
        self._release = threading.Event()
        self._server = serve(self.app)
        self.port = self._server.server_address[1]
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
        self.client_ports.add(environ.get("REMOTE_PORT", ""))
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
        self._server = serve(self.delayed)
        self.port = self._server.server_address[1]
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
