"""The SERVICE and update guard: a tokenizer that must never let pyoxigraph fetch a URL."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph
import pytest

from mpli_graph.errors import ForbiddenError
from mpli_graph.gateway.query_guard import (
    decode_codepoint_escapes,
    find_service,
    is_update,
    operation_keyword,
    reject_service,
    tokenize,
)


class CountingHandler(BaseHTTPRequestHandler):
    """Return an empty SPARQL JSON result for every request, and count the requests."""

    hits = 0

    def do_GET(self) -> None:  # noqa: N802 - name fixed by http.server
        self._answer()

    def do_POST(self) -> None:  # noqa: N802 - name fixed by http.server
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self._answer()

    def _answer(self) -> None:
        type(self).hits += 1
        body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def counting_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fetches_url(query: str) -> bool:
    """Run ``query`` on an empty pyoxigraph store and tell whether it sent an HTTP request."""
    before = CountingHandler.hits
    try:
        results = pyoxigraph.Store().query(query)
        if isinstance(results, pyoxigraph.QueryBoolean):
            bool(results)
        else:
            list(results)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    return CountingHandler.hits > before


def candidate_queries(endpoint: str) -> list[str]:
    """Return queries that hide, disguise or only mention SERVICE, plus random variants."""
    iri = f"<{endpoint}>"
    fixed = [
        f"SELECT * WHERE {{ SERVICE {iri} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ service {iri} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE\tSILENT{iri}{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{\n# comment\nSERVICE\n{iri}\n{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z # SERVICE {iri}\n }}",
        f"SELECT * WHERE {{ BIND('SERVICE {iri} {{ }}' AS ?x) }}",
        f'SELECT * WHERE {{ BIND("""\nSERVICE {iri} {{ ?s ?p ?o }}\n""" AS ?x) }}',
        f"SELECT * WHERE {{ BIND('\\u0027 SERVICE {iri} {{ ?s ?p ?o }}' AS ?x) }}",
        f"SELECT * WHERE {{ \\u0053ERVICE {iri} {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { BIND(<http://example.org/SERVICE> AS ?x) }",
        "PREFIX service: <http://example.org/> SELECT * WHERE { service:x ?p ?o }",
        "SELECT ?service WHERE { ?service ?p ?o }",
        'SELECT * WHERE { BIND("x"@service AS ?x) }',
        f"SELECT * WHERE {{ FILTER(1<2) SERVICE {iri} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ FILTER(?a<?b) SERVICE {iri}{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ {iri} }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE {iri} {{ }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {iri} {{ ?s ?p ?o }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE {iri} {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT {iri} {{ ?s ?p ?o }} }} }}",
    ]

    generator = random.Random(20261204)
    pieces = [
        "SERVICE",
        "service",
        "SILENT",
        iri,
        "{",
        "}",
        "?s ?p ?o",
        "'",
        '"',
        "#",
        "\n",
        " ",
        "<",
        ">",
        "\\u0053",
    ]
    variants = []
    for _ in range(300):
        body = "".join(generator.choice(pieces) for _ in range(generator.randint(2, 9)))
        variants.append(f"SELECT * WHERE {{ {body} }}")
    return fixed + variants


def test_guard_blocks_every_query_that_fetches(counting_endpoint: str) -> None:
    executed_by_pyoxigraph = 0
    for query in candidate_queries(counting_endpoint):
        if fetches_url(query):
            executed_by_pyoxigraph += 1
            assert find_service(query) is not None, query
    assert executed_by_pyoxigraph >= 10


def test_service_in_strings_allowed(counting_endpoint: str) -> None:
    allowed = [
        "SELECT * WHERE { ?x ?y ?z # SERVICE <http://127.0.0.1:9/>\n }",
        "SELECT * WHERE { BIND('SERVICE <http://127.0.0.1:9/> { }' AS ?x) }",
        'SELECT * WHERE { BIND("""\nSERVICE <x> { }\n""" AS ?x) }',
        "SELECT * WHERE { BIND(<http://example.org/SERVICE> AS ?x) }",
        "PREFIX service: <http://example.org/> SELECT * WHERE { service:x ?p ?o }",
        "SELECT ?service WHERE { ?service ?p ?o }",
    ]
    for query in allowed:
        assert find_service(query) is None, query
        assert not fetches_url(query)


def test_reject_service_names_position() -> None:
    with pytest.raises(ForbiddenError, match="line 2, column 5"):
        reject_service("SELECT * {\n    SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("SELECT * {}", "SELECT"),
        ("BASE <http://example.org/>\nPREFIX ex: <http://example.org/>\nask {}", "ASK"),
        ("# INSERT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("PREFIX insert: <http://example.org/> DESCRIBE insert:x", "DESCRIBE"),
        ("INSERT DATA { <a> <b> <c> }", "INSERT"),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ],
)
def test_operation_keyword(text: str, keyword: str) -> None:
    assert operation_keyword(text) == keyword


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ?p ?o }",
        "load <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://example.org/g>",
        "\\u0049NSERT DATA { <http://a> <http://b> <http://c> }",
    ],
)
def test_updates_detected(update: str) -> None:
    assert is_update(update)


def test_queries_are_not_updates() -> None:
    for query in [
        "SELECT * { ?s <http://example.org/insert> ?o }",
        "ASK { }",
        "PREFIX delete: <x:> SELECT * {}",
    ]:
        assert not is_update(query)


def test_tokenizer_kinds() -> None:
    kinds = [
        (token.kind, token.text)
        for token in tokenize('SELECT ?x { ex:a <i> "s"@en ; _:b 1.5 } # c')
    ]
    assert kinds == [
        ("word", "SELECT"),
        ("var", "?x"),
        ("punctuation", "{"),
        ("pname", "ex:a"),
        ("iri", "<i>"),
        ("string", '"s"'),
        ("langtag", "@en"),
        ("punctuation", ";"),
        ("bnode", "_:b"),
        ("number", "1.5"),
        ("punctuation", "}"),
    ]


def test_codepoint_escapes_decoded() -> None:
    assert decode_codepoint_escapes("\\u0053ERVICE \\U0001F600") == "SERVICE \U0001f600"
    assert decode_codepoint_escapes("\\uD800") == "\\uD800"


def test_service_in_any_letter_case() -> None:
    for letters in itertools.product(*[(c.lower(), c.upper()) for c in "service"]):
        word = "".join(letters)
        assert find_service(f"SELECT * {{ {word} <http://127.0.0.1:9/> {{ }} }}") is not None
