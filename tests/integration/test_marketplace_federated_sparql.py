"""The marketplace's ``/sparql`` with federation members: SERVICE to members runs, to others is rejected."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from mpli_graph.gateway import GatewayConfig, create_app
from mpli_graph.resources import EXAMPLES_DIR
from tests.integration.conftest import serve

PROVIDER_FILES = ("hetzner-cloud.ttl", "cloud-and-heat.ttl")
JSON_RESULTS = "application/sparql-results+json"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

OFFERINGS_QUERY = """
PREFIX mpli: <https://w3id.org/mpli#>
SELECT ?offering ?vcpu WHERE {{
  {{ SERVICE <{first}> {{ ?offering mpli:vcpuCount ?vcpu }} }}
  UNION
  {{ SERVICE <{second}> {{ ?offering mpli:vcpuCount ?vcpu }} }}
  FILTER(?vcpu >= 16)
}}
"""

MEMBER_QUERY = """
PREFIX mpli: <https://w3id.org/mpli#>
SELECT ?offering ?vcpu WHERE { ?offering mpli:vcpuCount ?vcpu FILTER(?vcpu >= 16) }
"""


class CountingListener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts and closes each at once."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.2)
        self.connections = 0
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stopped.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture(scope="module")
def marketplace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Serve two provider gateways and a marketplace whose members file names them."""
    folder = tmp_path_factory.mktemp("federated-sparql")
    manifests = [Path(shutil.copyfile(EXAMPLES_DIR / "providers" / name, folder / name)) for name in PROVIDER_FILES]

    with ExitStack() as stack:
        endpoints = []
        for manifest in manifests:
            app = create_app(GatewayConfig(role="provider", manifest=manifest))
            endpoints.append(stack.enter_context(serve(app)) + "/sparql")
        members = folder / "members.txt"
        members.write_text("\n".join(endpoints) + "\n", encoding="utf-8")

        config = GatewayConfig(role="marketplace", providers=(), members=members)
        url = stack.enter_context(serve(create_app(config)))
        yield {"url": url, "endpoints": endpoints}


def select(endpoint: str, query: str) -> tuple[int, dict, bytes]:
    """POST a query to an endpoint and return the status, headers and body."""
    body = urllib.parse.urlencode({"query": query}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON_RESULTS}
    request = urllib.request.Request(endpoint, data=body, method="POST", headers=headers)
    try:
        with NO_PROXY.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def rows(body: bytes) -> set[tuple[str, str]]:
    """Return the (offering, vcpu) pairs of SPARQL JSON results."""
    bindings = json.loads(body)["results"]["bindings"]
    return {(row["offering"]["value"], row["vcpu"]["value"]) for row in bindings}


def test_federated_query_joins_members(marketplace):
    first, second = marketplace["endpoints"]
    query = OFFERINGS_QUERY.format(first=first, second=second)

    status, headers, body = select(marketplace["url"] + "/sparql", query)

    assert status == 200
    expected = set()
    for endpoint in (first, second):
        member_status, _, member_body = select(endpoint, MEMBER_QUERY)
        assert member_status == 200
        expected |= rows(member_body)
    assert expected
    assert rows(body) == expected
    sources = json.loads(headers["MPLI-Federation-Sources"])
    assert sorted(source["endpoint"] for source in sources) == sorted([first, second])
    assert {source["status"] for source in sources} == {"ok"}


def test_non_member_service_rejected_without_connection(marketplace):
    listener = CountingListener()
    try:
        query = OFFERINGS_QUERY.format(first=marketplace["endpoints"][0], second=listener.url)
        status, _, body = select(marketplace["url"] + "/sparql", query)
    finally:
        listener.close()

    assert status == 403
    assert listener.url in json.loads(body)["message"]
    assert listener.connections == 0


def test_plain_query_still_local(marketplace):
    status, headers, body = select(marketplace["url"] + "/sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

    assert status == 200
    assert "MPLI-Federation-Sources" not in headers
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0"
