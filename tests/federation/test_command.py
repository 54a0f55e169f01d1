"""Tests of ``mpli federation demo``: real provider processes on loopback, all stopped afterwards."""

from __future__ import annotations

import argparse

import pytest

from mpli_graph.commands import federation as command
from mpli_graph.errors import InputError
from mpli_graph.resources import EXAMPLES_DIR

PROVIDERS = EXAMPLES_DIR / "providers"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers())
    return parser.parse_args(argv)


def test_demo_resolves_live_and_stops_everything(monkeypatch, capsys):
    started = []
    original = command.start_provider

    def recording_start(manifest):
        process = original(manifest)
        started.append(process)
        return process

    monkeypatch.setattr(command, "start_provider", recording_start)
    args = parse(
        ["federation", "demo", "--top", "3", "--providers", str(PROVIDERS / "hetzner-cloud.ttl"), str(PROVIDERS / "cloud-and-heat.ttl")]
    )

    exit_code = args.handler(args)
    output = capsys.readouterr().out

    assert exit_code == 0
    assert len(started) == 2
    assert all(process.poll() is not None for process in started)
    assert "live resolution of https://example.org/consumer/german-public-sector/manifest" in output
    assert output.count("\nok ") == 2
    assert "    1. " in output
    assert "    3. " in output
    assert "    4. " not in output
    assert "stopped 2 provider endpoints and the marketplace" in output


def test_demo_missing_manifest(tmp_path):
    args = parse(["federation", "demo", "--providers", str(tmp_path / "absent.ttl")])

    with pytest.raises(InputError, match="not found"):
        args.handler(args)


def test_demo_empty_folder(tmp_path):
    args = parse(["federation", "demo", "--providers", str(tmp_path)])

    with pytest.raises(InputError, match="no provider manifest"):
        args.handler(args)
