"""``mpli serve``: configuration order (defaults, MPLI_ variables, flags) and a real server process."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mpli_graph.cli import build_parser
from mpli_graph.commands.serve import build_config
from mpli_graph.errors import InputError
from mpli_graph.gateway.config import GatewayConfig, config_from_environment
from tests.gateway.conftest import PROVIDER_MANIFEST, http

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def parse(*argv: str):
    return build_parser().parse_args(["serve", *argv])


def test_defaults_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("MPLI_"):
            monkeypatch.delenv(name)
    config = build_config(parse("marketplace"))
    assert config == GatewayConfig(role="marketplace")
    assert config.host == "127.0.0.1"
    assert config.admin_token is None


def test_environment_then_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MPLI_QUERY_TIMEOUT", "3")
    monkeypatch.setenv("MPLI_PORT", "9001")
    monkeypatch.setenv("MPLI_ADMIN_TOKEN", "from-environment")
    monkeypatch.setenv("MPLI_PROVIDERS", os.pathsep.join(["a.ttl", "b.ttl"]))
    monkeypatch.setenv("MPLI_UNION_DEFAULT_GRAPH", "false")

    from_environment = build_config(parse("marketplace"))
    assert from_environment.query_timeout == 3.0
    assert from_environment.port == 9001
    assert from_environment.admin_token == "from-environment"
    assert from_environment.providers == (Path("a.ttl"), Path("b.ttl"))
    assert from_environment.union_default_graph is False

    token_file = tmp_path / "token"
    token_file.write_text("from-file\n", encoding="utf-8")
    flagged = build_config(
        parse(
            "marketplace",
            "--query-timeout",
            "7",
            "--port",
            "0",
            "--token-file",
            str(token_file),
            "--providers",
            "c.ttl",
        )
    )
    assert flagged.query_timeout == 7.0
    assert flagged.port == 0
    assert flagged.admin_token == "from-file"
    assert flagged.providers == (Path("c.ttl"),)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MPLI_PORT", "eighty", "MPLI_PORT='eighty' is not a number"),
        ("MPLI_PORT", "70000", "port 70000 is out of range"),
        ("MPLI_UNION_DEFAULT_GRAPH", "maybe", "is not a boolean"),
        ("MPLI_MAX_BODY_BYTES", "0", "max_body_bytes must be positive"),
    ],
)
def test_bad_environment_values(variable: str, value: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        config_from_environment("provider", {variable: value})


def test_empty_token_file_rejected(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError, match="token file is empty"):
        build_config(parse("provider", "--token-file", str(token_file)))


def test_admin_token_not_in_repr() -> None:
    assert "secret-value" not in repr(GatewayConfig(admin_token="secret-value"))


def run_mpli(*argv: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MPLI_")}
    environment.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "mpli_graph.cli", *argv],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_provider_process(tmp_path: Path) -> None:
    process = run_mpli(
        "serve",
        "provider",
        "--manifest",
        str(PROVIDER_MANIFEST),
        "--port",
        "0",
        env={"MPLI_ADMIN_TOKEN": "process-token"},
    )
    try:
        line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, (
            process.stderr.read() if process.poll() is not None else line
        )
        url = line.strip().rsplit(" ", 1)[-1].rstrip("/")

        manifest = http("GET", f"{url}/.well-known/mpli")
        assert manifest.status == 200
        assert manifest.headers["ETag"]

        unauthorised = http(
            "PUT", f"{url}/rdf-graphs?default", manifest.body, {"Content-Type": "text/turtle"}
        )
        assert unauthorised.status == 401
        authorised = http(
            "PUT",
            f"{url}/rdf-graphs?default",
            manifest.body,
            {"Content-Type": "text/turtle", "Authorization": "Bearer process-token"},
        )
        assert authorised.status == 204
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        stderr = process.stderr.read()
        process.stderr.close()
    assert "GET /.well-known/mpli 200" in stderr
    assert "id=" in stderr


def test_serve_rejects_non_conforming_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "bad.ttl"
    manifest.write_text(
        "@prefix mpli: <https://w3id.org/mpli#> . @prefix ex: <https://example.org/> .\n"
        "ex:offer a mpli:ComputeOffering .\n",
        encoding="utf-8",
    )
    process = run_mpli("serve", "provider", "--manifest", str(manifest), "--port", "0")
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "does not conform" in stderr
    assert stdout == ""


def test_serve_provider_needs_manifest() -> None:
    process = run_mpli("serve", "provider", "--port", "0")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "--manifest" in stderr


def test_wsgi_entry_point_reads_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mpli_graph.gateway.wsgi import create_app_from_environment

    token_file = tmp_path / "token"
    token_file.write_text("file-token\n", encoding="utf-8")
    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.NullHandler()])
    monkeypatch.setenv("MPLI_ROLE", "provider")
    monkeypatch.setenv("MPLI_MANIFEST", str(PROVIDER_MANIFEST))
    monkeypatch.setenv("MPLI_ADMIN_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("MPLI_TRUSTED_PROXIES", "1")
    app = create_app_from_environment()
    client = app.test_client()

    description = client.get(
        "/sparql", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "mpli.example.org"}
    )
    assert b"<https://mpli.example.org/sparql>" in description.data

    denied = client.put("/rdf-graphs?default", data=b"x", headers={"Authorization": "Bearer other"})
    assert denied.status_code == 401


def test_wsgi_entry_point_needs_role(monkeypatch: pytest.MonkeyPatch) -> None:
    from mpli_graph.gateway.wsgi import create_app_from_environment

    monkeypatch.delenv("MPLI_ROLE", raising=False)
    with pytest.raises(InputError, match="MPLI_ROLE"):
        create_app_from_environment()


def start_and_read_url(process: subprocess.Popen) -> str:
    line = process.stdout.readline()
    if "serving on" not in line:
        process.kill()
        raise AssertionError(f"server did not start: {line}{process.stderr.read()}")
    return line.strip().rsplit(" ", 1)[-1].rstrip("/")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    assert process.wait(timeout=10) == 0
    process.stdout.close()
    process.stderr.close()


def test_marketplace_store_persists_between_runs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = run_mpli(
        "serve",
        "marketplace",
        "--providers",
        str(PROVIDER_MANIFEST),
        "--store",
        str(store),
        "--port",
        "0",
    )
    try:
        url = start_and_read_url(first)
        providers = json.loads(http("GET", f"{url}/providers").body)
    finally:
        stop(first)
    assert providers["total"] == 1

    second = run_mpli("serve", "marketplace", "--store", str(store), "--port", "0")
    try:
        url = start_and_read_url(second)
        reloaded = json.loads(http("GET", f"{url}/providers").body)
    finally:
        stop(second)
    assert reloaded["items"] == providers["items"]
