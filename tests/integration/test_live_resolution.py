"""``mpli resolve --endpoint`` and ``--members`` against provider endpoints served on 127.0.0.1.

Each provider endpoint is a real gateway (``create_app`` with the provider
role, or the ``mpli serve provider`` command) over a copy of a real example
manifest, so live resolution must rank exactly as resolution over the same
manifests loaded from files.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from mpli_graph.cli import main
from mpli_graph.gateway import GatewayConfig, create_app
from mpli_graph.resources import EXAMPLES_DIR
from mpli_graph.store import ManifestStore
from tests.integration.conftest import (
    CONSUMER_REQUIREMENT,
    CONSUMER_TURTLE,
    PROVIDER_TURTLE,
    CertificationBody,
    policy_json,
    serve,
    write_json,
)

PROVIDER_FILES = ("hetzner-cloud.ttl", "cloud-and-heat.ttl", "seeweb.ttl")
CONSUMER_FILES = ("startup-small.ttl", "german-public-sector.ttl")


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Copy the example provider and consumer manifests, so both sides of a comparison read the same files."""
    folder = tmp_path_factory.mktemp("manifests")
    copies = {}
    for name in PROVIDER_FILES:
        copies[name] = Path(shutil.copyfile(EXAMPLES_DIR / "providers" / name, folder / name))
    for name in CONSUMER_FILES:
        copies[name] = Path(shutil.copyfile(EXAMPLES_DIR / "consumers" / name, folder / f"consumer-{name}"))
    return copies


@pytest.fixture(scope="module")
def endpoints(manifests: dict[str, Path]) -> Iterator[list[str]]:
    """Serve each provider manifest from its own provider gateway; yield the SPARQL endpoint URLs."""
    with ExitStack() as stack:
        urls = []
        for name in PROVIDER_FILES:
            app = create_app(GatewayConfig(role="provider", manifest=manifests[name]))
            urls.append(stack.enter_context(serve(app)) + "/sparql")
        yield urls


def _resolve_json(capsys, *arguments: str) -> tuple[int, dict, str]:
    code = main(["resolve", *arguments, "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def _free_port() -> int:
    """Return a port of 127.0.0.1 on which nothing listens (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("consumer", CONSUMER_FILES)
def test_live_equals_harvested(capsys, manifests, endpoints, consumer):
    provider_paths = [str(manifests[name]) for name in PROVIDER_FILES]
    endpoint_arguments = [argument for url in endpoints for argument in ("--endpoint", url)]

    local_code, local, _ = _resolve_json(capsys, str(manifests[consumer]), "--providers", *provider_paths)
    live_code, live, _ = _resolve_json(capsys, str(manifests[consumer]), *endpoint_arguments)

    assert live_code == local_code
    assert [source["status"] for source in live["sources"]] == ["ok"] * len(endpoints)
    assert sorted(source["endpoint"] for source in live["sources"]) == sorted(endpoints)
    sources = live.pop("sources")
    assert all(source["error"] is None for source in sources)
    assert live["offering_count"] > 0
    assert live == local


def test_members_file_with_dead_member(capsys, tmp_path, manifests, endpoints):
    dead = f"http://127.0.0.1:{_free_port()}/sparql"
    members = tmp_path / "members.txt"
    members.write_text("\n".join([*endpoints, dead]) + "\n", encoding="utf-8")
    consumer = str(manifests["startup-small.ttl"])

    code, live, error = _resolve_json(capsys, consumer, "--members", str(members), "--member-timeout", "2")
    _, local, _ = _resolve_json(capsys, consumer, "--providers", *[str(manifests[name]) for name in PROVIDER_FILES])

    statuses = {source["endpoint"]: source["status"] for source in live.pop("sources")}
    assert statuses[dead] == "error"
    assert all(statuses[url] == "ok" for url in endpoints)
    assert f"warning: member {dead}" in error
    assert live == local
    assert code in (0, 1)


def test_store_copy_replaces_dead_member(capsys, tmp_path, manifests, endpoints):
    dead = f"http://127.0.0.1:{_free_port()}/sparql"
    store_path = tmp_path / "store"
    with ManifestStore(store_path) as store:
        store.load_source(dead, manifests["seeweb.ttl"], origin=dead)
    consumer = str(manifests["startup-small.ttl"])

    _, live, error = _resolve_json(capsys, consumer, "--endpoint", endpoints[0], "--endpoint", dead, "--store", str(store_path))
    _, local, _ = _resolve_json(
        capsys, consumer, "--providers", str(manifests[PROVIDER_FILES[0]]), str(manifests["seeweb.ttl"])
    )

    statuses = {source["endpoint"]: source["status"] for source in live.pop("sources")}
    assert statuses == {endpoints[0]: "ok", dead: "stale"}
    assert f"warning: member {dead}: stale" in error
    assert live == local


def test_strict_members_fails_on_dead_member(capsys, manifests, endpoints):
    dead = f"http://127.0.0.1:{_free_port()}/sparql"

    code = main(
        ["resolve", str(manifests["startup-small.ttl"]), "--endpoint", endpoints[0], "--endpoint", dead, "--strict-members"]
    )

    assert code == 2
    assert dead in capsys.readouterr().err


def test_endpoint_and_providers_together_rejected(capsys, manifests, endpoints):
    code = main(
        ["resolve", str(manifests["startup-small.ttl"]), "--endpoint", endpoints[0], "--providers", str(manifests["seeweb.ttl"])]
    )

    assert code == 2
    assert "use one of them" in capsys.readouterr().err


def test_table_output_lists_live_offerings(capsys, manifests, endpoints):
    code = main(["resolve", str(manifests["startup-small.ttl"]), "--endpoint", endpoints[0], "--top", "3"])
    output = capsys.readouterr().out

    assert code in (0, 1)
    assert "Hetzner" in output


@pytest.fixture
def trust_endpoint(tmp_path: Path) -> Iterator[str]:
    """Serve the made-up provider whose certification a credential backs; yield its SPARQL endpoint URL."""
    manifest = tmp_path / "test-cloud.ttl"
    manifest.write_text(PROVIDER_TURTLE, encoding="utf-8")
    with serve(create_app(GatewayConfig(role="provider", manifest=manifest))) as url:
        yield url + "/sparql"


def _trust_files(tmp_path: Path, body: CertificationBody, credential: dict) -> list[str]:
    folder = tmp_path / "credentials"
    folder.mkdir()
    write_json(folder / "credential.json", credential)
    write_json(folder / "status-list.json", body.status_list())
    policy = write_json(tmp_path / "policy.json", policy_json(body.did))
    consumer = tmp_path / "consumer.ttl"
    consumer.write_text(CONSUMER_TURTLE, encoding="utf-8")
    return [str(consumer), "--policy", str(policy), "--credentials", str(folder)]


def _requirement_verdict(output: dict) -> dict:
    return {item["requirement"]: item for item in output["results"][0]["requirements"]}[CONSUMER_REQUIREMENT]


def test_live_verified_credential_satisfies(capsys, tmp_path, trust_endpoint, body):
    arguments = _trust_files(tmp_path, body, body.credential())

    code, output, _ = _resolve_json(capsys, *arguments, "--endpoint", trust_endpoint)

    assert code == 0
    assert output["sources"][0]["status"] == "ok"
    assert _requirement_verdict(output)["verdict"] == "satisfied"


def test_live_revoked_credential_violated(capsys, tmp_path, trust_endpoint, body):
    credential = body.credential(status_index=5)
    body.revoked.set(5)
    arguments = _trust_files(tmp_path, body, credential)

    code, output, _ = _resolve_json(capsys, *arguments, "--endpoint", trust_endpoint)

    assert code == 1
    verdict = _requirement_verdict(output)
    assert verdict["verdict"] == "violated"
    assert "not revoked failed" in verdict["note"]


def test_against_mpli_serve_provider(capsys, manifests):
    command = Path(sys.executable).with_name("mpli")
    process = subprocess.Popen(
        [str(command), "serve", "provider", "--manifest", str(manifests["seeweb.ttl"]), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in first_line, first_line
        endpoint = first_line.split("serving on ", 1)[1].strip() + "sparql"
        consumer = str(manifests["startup-small.ttl"])

        live_code, live, _ = _resolve_json(capsys, consumer, "--endpoint", endpoint)
        local_code, local, _ = _resolve_json(capsys, consumer, "--providers", str(manifests["seeweb.ttl"]))
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()

    assert live.pop("sources")[0]["status"] == "ok"
    assert live_code == local_code
    assert live == local
