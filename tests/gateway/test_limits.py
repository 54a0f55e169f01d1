"""Query time and result size limits, body size limits, and the worker slots behind them."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from mpli_graph.errors import LimitExceededError, PayloadTooLargeError
from mpli_graph.gateway import create_app
from mpli_graph.gateway.limits import (
    BoundedOutput,
    OutputLimitReached,
    QueryLimits,
    QueryRunner,
    check_body_size,
)
from tests.gateway.conftest import PROVIDER_MANIFEST, RunningGateway, http, provider_config, serve

CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def limited_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    manifest = tmp_path_factory.mktemp("limited") / "manifest.ttl"
    manifest.write_bytes(PROVIDER_MANIFEST.read_bytes())
    config = provider_config(
        manifest,
        query_timeout=0.5,
        max_result_bytes=64 * 1024,
        max_concurrent_queries=2,
        max_body_bytes=4096,
    )
    app = create_app(config)
    with serve(app) as url:
        yield RunningGateway(url, app)


def query(gateway: RunningGateway, text: str, accept: str = "application/sparql-results+json"):
    return http(
        "GET",
        f"{gateway.url}/sparql?" + urllib.parse.urlencode({"query": text}),
        headers={"Accept": accept},
    )


def test_time_limit_gives_503_and_frees_worker(limited_provider: RunningGateway) -> None:
    runner = limited_provider.state.runner
    runner.limits = QueryLimits(timeout=0.5, max_result_bytes=10**12, max_concurrent_queries=2)
    try:
        started = time.monotonic()
        reply = query(limited_provider, CROSS_JOIN, "text/tab-separated-values")
        waited = time.monotonic() - started
    finally:
        runner.limits = QueryLimits(
            timeout=0.5, max_result_bytes=64 * 1024, max_concurrent_queries=2
        )

    assert reply.status == 503
    body = json.loads(reply.body)
    assert body["error"] == "LimitExceededError"
    assert "time limit of 0.5 s" in body["message"]
    assert reply.headers["Retry-After"] == "5"
    assert waited < 3

    slots = [runner._slots.acquire(timeout=5) for _ in range(2)]
    assert slots == [True, True], "the abandoned query still holds its worker slot"
    for _ in slots:
        runner._slots.release()


def test_result_size_limit_gives_503(limited_provider: RunningGateway) -> None:
    reply = query(limited_provider, "SELECT * WHERE { ?s ?p ?o }")
    assert reply.status == 503
    body = json.loads(reply.body)
    assert "larger than the limit of 65536 bytes" in body["message"]


def test_small_result_passes_limits(limited_provider: RunningGateway) -> None:
    reply = query(limited_provider, "SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert reply.status == 200
    assert len(json.loads(reply.body)["results"]["bindings"]) == 5


def test_request_body_limit_gives_413(limited_provider: RunningGateway) -> None:
    text = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    reply = http(
        "POST", f"{limited_provider.url}/sparql", text, {"Content-Type": "application/sparql-query"}
    )
    assert reply.status == 413
    assert json.loads(reply.body)["error"] == "PayloadTooLargeError"


def test_runner_rejects_when_all_slots_busy() -> None:
    runner = QueryRunner(QueryLimits(timeout=0.3, max_result_bytes=100, max_concurrent_queries=1))
    release = threading.Event()

    def slow(output: BoundedOutput) -> None:
        release.wait(5)

    with pytest.raises(LimitExceededError, match="time limit"):
        runner.run(slow)
    with pytest.raises(LimitExceededError, match="already running"):
        runner.run(lambda output: None)
    release.set()
    time.sleep(0.1)
    assert runner.run(lambda output: output.write(b"ok")) == b"ok"


def test_runner_passes_errors_of_the_work_through() -> None:
    runner = QueryRunner(QueryLimits())

    def failing(output: BoundedOutput) -> None:
        raise PayloadTooLargeError("too large for the test")

    with pytest.raises(PayloadTooLargeError, match="too large for the test"):
        runner.run(failing)


def test_bounded_output_stops_at_size_and_deadline() -> None:
    output = BoundedOutput(max_bytes=4, deadline=time.monotonic() + 60)
    output.write(b"1234")
    with pytest.raises(OutputLimitReached):
        output.write(b"5")
    assert output.reason == "size"

    late = BoundedOutput(max_bytes=100, deadline=time.monotonic() - 1)
    with pytest.raises(OutputLimitReached):
        late.write(b"x")
    assert late.reason == "time"


def test_check_body_size() -> None:
    check_body_size(10, 10)
    check_body_size(None, 10)
    with pytest.raises(PayloadTooLargeError, match="11 bytes"):
        check_body_size(11, 10)


def test_invalid_limits_rejected(tmp_path: Path) -> None:
    from mpli_graph.errors import InputError

    with pytest.raises(InputError, match="query_timeout"):
        provider_config(tmp_path / "x.ttl", query_timeout=0)


def test_resolution_time_limit_gives_503() -> None:
    from mpli_graph.gateway import GatewayConfig
    from tests.gateway.conftest import CONSUMER_MANIFEST, MARKETPLACE_MANIFESTS

    config = GatewayConfig(
        role="marketplace", providers=MARKETPLACE_MANIFESTS[:1], query_timeout=0.01
    )
    with serve(create_app(config)) as url:
        reply = http("POST", f"{url}/resolve", CONSUMER_MANIFEST, {"Content-Type": "text/turtle"})
    assert reply.status == 503
    body = json.loads(reply.body)
    assert "resolution ran longer than the time limit of 0.01 s" in body["message"]
    assert "?top=N" in body["message"]
