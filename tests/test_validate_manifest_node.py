"""``mpli validate`` and ``POST /validate`` report a document without a manifest node as not conforming."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import rdflib

from mpli_graph.commands.validate import has_manifest_node
from mpli_graph.manifest.validate import validate
from mpli_graph.resources import EXAMPLES_DIR

NO_MANIFEST = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/thing> rdfs:label "An example resource, not a manifest" .
"""


def run_validate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mpli_graph.cli", "validate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_library_validate_stays_unchanged() -> None:
    graph = rdflib.Graph().parse(data=NO_MANIFEST, format="turtle")
    assert not has_manifest_node(graph)
    assert validate(graph).conforms


def test_cli_reports_document_without_manifest_node(tmp_path: Path) -> None:
    document = tmp_path / "no-manifest.ttl"
    document.write_text(NO_MANIFEST, encoding="utf-8")

    text = run_validate(document)
    assert text.returncode == 1, text.stderr
    assert "no mpli:ProviderManifest or mpli:ConsumerManifest node" in text.stdout
    assert "Traceback" not in text.stderr

    as_json = run_validate(document, "--format", "json")
    assert as_json.returncode == 1
    [outcome] = json.loads(as_json.stdout)
    assert outcome["conforms"] is False
    assert "no mpli:ProviderManifest" in outcome["results"][-1]["message"]


def test_cli_accepts_real_provider_manifest() -> None:
    result = run_validate(EXAMPLES_DIR / "providers" / "hetzner-cloud.ttl")
    assert result.returncode == 0, result.stdout + result.stderr
