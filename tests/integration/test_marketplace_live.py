"""The marketplace over HTTP: ``POST /resolve?live=true`` against provider gateways, and the member settings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from mpli_graph.errors import NotFoundError
from mpli_graph.gateway import GatewayConfig, config_from_environment, create_app
from mpli_graph.resources import EXAMPLES_DIR
from tests.integration.conftest import http, serve

PROVIDER_FILES = ("hetzner-cloud.ttl", "cloud-and-heat.ttl")
CONSUMER = EXAMPLES_DIR / "consumers" / "startup-small.ttl"


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Serve two provider gateways and a marketplace that loads the same manifests and names them as members."""
    folder = tmp_path_factory.mktemp("marketplace")
    manifests = [Path(shutil.copyfile(EXAMPLES_DIR / "providers" / name, folder / name)) for name in PROVIDER_FILES]
    consumer = Path(shutil.copyfile(CONSUMER, folder / "consumer.ttl")).read_bytes()

    with ExitStack() as stack:
        endpoints = []
        for manifest in manifests:
            app = create_app(GatewayConfig(role="provider", manifest=manifest))
            endpoints.append(stack.enter_context(serve(app)) + "/sparql")
        members = folder / "members.txt"
        members.write_text("\n".join(endpoints) + "\n", encoding="utf-8")

        config = GatewayConfig(role="marketplace", providers=tuple(manifests), members=members)
        marketplace = stack.enter_context(serve(create_app(config)))
        yield {"url": marketplace, "endpoints": endpoints, "members": members, "consumer": consumer, "manifests": manifests}


def _post_resolve(url: str, consumer: bytes, query: str = "") -> tuple[int, dict]:
    status, body = http("POST", f"{url}/resolve{query}", consumer, "text/turtle")
    return status, json.loads(body)


def test_live_resolve_equals_loaded(federation):
    live_status, live = _post_resolve(federation["url"], federation["consumer"], "?live=true")
    status, loaded = _post_resolve(federation["url"], federation["consumer"])

    assert live_status == 200
    assert status == 200
    sources = live.pop("sources")
    assert sorted(source["endpoint"] for source in sources) == sorted(federation["endpoints"])
    assert [source["status"] for source in sources] == ["ok", "ok"]
    assert live["offering_count"] > 0
    assert live == loaded


def test_live_false_is_loaded(federation):
    _, explicit = _post_resolve(federation["url"], federation["consumer"], "?live=false")
    _, default = _post_resolve(federation["url"], federation["consumer"])

    assert "sources" not in explicit
    assert explicit == default


def test_live_top_keeps_best(federation):
    status, live = _post_resolve(federation["url"], federation["consumer"], "?live=true&top=2")

    assert status == 200
    assert len(live["results"]) == 2


def test_live_not_boolean_rejected(federation):
    status, body = _post_resolve(federation["url"], federation["consumer"], "?live=maybe")

    assert status == 400
    assert "live='maybe'" in body["message"]


def test_live_invalid_consumer_rejected(federation):
    status, body = http("POST", f"{federation['url']}/resolve?live=true", "not turtle at all", "text/turtle")

    assert status == 400
    assert json.loads(body)["error"] == "RdfSyntaxError"


def test_federation_routes_registered(federation):
    status, body = http("POST", f"{federation['url']}/federation/resolve", federation["consumer"], "text/turtle")

    assert status == 200
    assert len(json.loads(body)["sources"]) == 2


def test_live_without_members_rejected(federation):
    config = GatewayConfig(role="marketplace", providers=tuple(federation["manifests"]))
    with serve(create_app(config)) as url:
        status, body = _post_resolve(url, federation["consumer"], "?live=true")
        federation_status, _ = http("POST", f"{url}/federation/resolve", federation["consumer"], "text/turtle")

    assert status == 400
    assert "--members FILE" in body["message"]
    assert federation_status == 404


def test_members_from_environment(tmp_path):
    members = tmp_path / "members.txt"

    config = config_from_environment("marketplace", {"MPLI_MEMBERS": str(members), "MPLI_TRUST_POLICY": "policy.ttl"})

    assert config.members == members
    assert config.trust_policy == Path("policy.ttl")


def test_missing_members_file_stops_start(tmp_path):
    config = GatewayConfig(role="marketplace", members=tmp_path / "absent.txt")

    with pytest.raises(NotFoundError) as raised:
        create_app(config)

    assert "absent.txt" in raised.value.message


def test_serve_marketplace_members_flag(federation):
    command = Path(sys.executable).with_name("mpli")
    process = subprocess.Popen(
        [
            str(command), "serve", "marketplace", "--members", str(federation["members"]),
            "--providers", *[str(path) for path in federation["manifests"]], "--port", "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in first_line, first_line
        url = first_line.split("serving on ", 1)[1].strip().rstrip("/")
        status, live = _post_resolve(url, federation["consumer"], "?live=true")
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()

    assert status == 200
    assert [source["status"] for source in live["sources"]] == ["ok", "ok"]
