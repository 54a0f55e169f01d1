"""Fixtures for gateway tests: real werkzeug servers on 127.0.0.1 around provider and marketplace apps."""

from __future__ import annotations

import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from mpli_graph.gateway import GatewayConfig, create_app
from mpli_graph.gateway.state import EXTENSION_KEY, GatewayState
from mpli_graph.resources import EXAMPLES_DIR

ADMIN_TOKEN = "test-admin-token-8f2c"
PROVIDER_MANIFEST = EXAMPLES_DIR / "providers" / "hetzner-cloud.ttl"
MARKETPLACE_MANIFESTS = (
    EXAMPLES_DIR / "providers" / "hetzner-cloud.ttl",
    EXAMPLES_DIR / "providers" / "cloud-and-heat.ttl",
    EXAMPLES_DIR / "providers" / "ionos-cloud.ttl",
)

CONSUMER_MANIFEST = """
@prefix mpli: <https://w3id.org/mpli#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix mgroup: <https://w3id.org/mpli/country-group/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .

ex:consumer a mpli:ConsumerManifest ;
    rdfs:label "Example consumer" ;
    mpli:requirement ex:cpu, ex:eu .
ex:cpu a mpli:MinimumRequirement ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:vcpuCount ; mpli:value 4.0 ; mpli:unit unit:NUM .
ex:eu a mpli:SetRequirement ; mpli:strength mpli:Should ; mpli:weight 1.0 ;
    mpli:onProperty mpli:country ; mpli:allowedValue mgroup:EU .
"""


@dataclass
class HttpReply:
    """Status, headers and body of one HTTP exchange."""

    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(
    method: str, url: str, body: bytes | str | None = None, headers: dict[str, str] | None = None
) -> HttpReply:
    """Send one request with urllib (no proxy) and return the reply, also for 4xx and 5xx."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return HttpReply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return HttpReply(error.code, error.headers, error.read())


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Run ``app`` on a free port of 127.0.0.1 in a thread; yield its base URL; stop it afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="test-gateway", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class RunningGateway:
    """A started gateway: its base URL, its app and the app's state."""

    url: str
    app: Flask

    @property
    def state(self) -> GatewayState:
        return self.app.extensions[EXTENSION_KEY]


def provider_config(manifest: Path, **overrides: object) -> GatewayConfig:
    """Return a provider configuration for ``manifest`` with the test admin token."""
    values: dict[str, object] = {
        "role": "provider",
        "manifest": manifest,
        "admin_token": ADMIN_TOKEN,
    }
    values.update(overrides)
    return GatewayConfig(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    """Serve a copy of a real provider manifest (read-only tests share it)."""
    manifest = tmp_path_factory.mktemp("provider") / "manifest.ttl"
    shutil.copyfile(PROVIDER_MANIFEST, manifest)
    app = create_app(provider_config(manifest))
    with serve(app) as url:
        yield RunningGateway(url, app)


@pytest.fixture
def fresh_provider(tmp_path: Path) -> Iterator[RunningGateway]:
    """Serve a provider of its own, for tests that change the manifest."""
    manifest = tmp_path / "manifest.ttl"
    shutil.copyfile(PROVIDER_MANIFEST, manifest)
    app = create_app(provider_config(manifest))
    with serve(app) as url:
        yield RunningGateway(url, app)


@pytest.fixture(scope="session")
def marketplace() -> Iterator[RunningGateway]:
    """Serve a marketplace over three real provider manifests."""
    config = GatewayConfig(
        role="marketplace", providers=MARKETPLACE_MANIFESTS, admin_token=ADMIN_TOKEN
    )
    app = create_app(config)
    with serve(app) as url:
        yield RunningGateway(url, app)
