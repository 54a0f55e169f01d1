"""Tests of ``mpli validate``: exit codes, reports, and clear errors without tracebacks.

The command runs in a subprocess, as a user runs it, so that a traceback on
standard error would be seen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data" / "shapes"
CONFORMING = DATA_DIR / "ProviderManifestShape.pass.ttl"
NOT_CONFORMING = DATA_DIR / "ComputeOfferingShape.fail.ttl"


def run_mpli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mpli_graph.cli", "validate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )


def assert_clean_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    assert "error:" in result.stderr


def test_conforming_manifest_exits_zero() -> None:
    result = run_mpli(CONFORMING)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout
    assert "Traceback" not in result.stderr


def test_non_conforming_manifest_exits_one() -> None:
    result = run_mpli(NOT_CONFORMING)

    assert result.returncode == 1, result.stderr
    assert "does not conform" in result.stdout
    assert "mpli:vcpuCount must be one non-negative xsd:decimal" in result.stdout
    assert "focus <https://example.org/vm>" in result.stdout
    assert "path mpli:vcpuCount" in result.stdout
    assert 'value "-4.0"^^xsd:decimal' in result.stdout


def test_json_report_parses() -> None:
    result = run_mpli("--format", "json", CONFORMING, NOT_CONFORMING)

    reports = json.loads(result.stdout)
    assert result.returncode == 1
    assert [report["file"] for report in reports] == [str(CONFORMING), str(NOT_CONFORMING)]
    assert reports[0]["conforms"] is True
    assert reports[1]["conforms"] is False
    violation = next(entry for entry in reports[1]["results"] if entry["severity"] == "Violation")
    assert violation["focusNode"] == "<https://example.org/vm>"
    assert violation["path"] == "<https://w3id.org/mpli#vcpuCount>"
    assert violation["sourceShape"] == "<https://w3id.org/mpli/shapes#ComputeOfferingShape>"


def test_malformed_turtle_names_file_line_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text('@prefix ex: <https://example.org/> .\n\nex:a ex:b "unterminated ;\n', encoding="utf-8")

    result = run_mpli(path)

    assert_clean_error(result)
    assert str(path) in result.stderr
    assert "line 3, column 11" in result.stderr


def test_context_outside_allowlist_names_url(tmp_path: Path) -> None:
    path = tmp_path / "manifest.jsonld"
    path.write_text(json.dumps({"@context": "https://contexts.example.com/cloud.jsonld", "@id": "https://example.org/a"}))

    result = run_mpli(path)

    assert_clean_error(result)
    assert "https://contexts.example.com/cloud.jsonld" in result.stderr
    assert "allowlist" in result.stderr


def test_empty_file_is_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.ttl"
    path.write_bytes(b"")

    result = run_mpli(path)

    assert_clean_error(result)
    assert "empty" in result.stderr


def test_binary_file_is_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "image.ttl"
    path.write_bytes(bytes(range(256)) * 4)

    result = run_mpli(path)

    assert_clean_error(result)
    assert "not UTF-8" in result.stderr or "binary" in result.stderr


def test_missing_file_is_clean_error(tmp_path: Path) -> None:
    result = run_mpli(tmp_path / "missing.ttl")

    assert_clean_error(result)
    assert "not found" in result.stderr


def test_directory_is_clean_error(tmp_path: Path) -> None:
    result = run_mpli(tmp_path)

    assert_clean_error(result)
    assert "is a directory" in result.stderr


def test_unknown_suffix_is_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "manifest.docx"
    path.write_text("not rdf", encoding="utf-8")

    result = run_mpli(path)

    assert_clean_error(result)
    assert ".docx" in result.stderr


def test_missing_shapes_option_file_is_clean_error(tmp_path: Path) -> None:
    result = run_mpli("--shapes", tmp_path / "absent.ttl", "--", CONFORMING)

    assert_clean_error(result)
    assert "absent.ttl" in result.stderr


def test_broken_shapes_file_is_clean_error(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<x> a sh:NodeShape", encoding="utf-8")

    result = run_mpli("--shapes", shapes, "--", CONFORMING)

    assert_clean_error(result)
    assert str(shapes) in result.stderr


def test_error_and_non_conforming_exit_two() -> None:
    result = run_mpli(NOT_CONFORMING, DATA_DIR / "absent.ttl")

    assert result.returncode == 2
    assert "does not conform" in result.stdout
    assert "not found" in result.stderr


def test_json_report_includes_errors(tmp_path: Path) -> None:
    path = tmp_path / "empty.ttl"
    path.write_bytes(b"")

    result = run_mpli("--format", "json", path, CONFORMING)

    reports = json.loads(result.stdout)
    assert result.returncode == 2
    assert reports[0]["error"]["error"] == "InputError"
    assert reports[1]["conforms"] is True


def test_input_format_option(tmp_path: Path) -> None:
    path = tmp_path / "manifest.txt"
    path.write_text(CONFORMING.read_text(encoding="utf-8"), encoding="utf-8")

    result = run_mpli("--input-format", "turtle", path)

    assert result.returncode == 0, result.stderr


def test_custom_shapes_option(tmp_path: Path) -> None:
    shapes = tmp_path / "only-region.ttl"
    shapes.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix mpli: <https://w3id.org/mpli#> .
<https://example.org/shapes#RegionNeedsCity> a sh:NodeShape ;
    sh:targetClass mpli:Region ;
    sh:property [ sh:path mpli:city ; sh:minCount 1 ; sh:message "Example: a region needs a city." ] .
""",
        encoding="utf-8",
    )

    result = run_mpli("--shapes", shapes, "--", NOT_CONFORMING)

    assert result.returncode == 1
    assert "Example: a region needs a city." in result.stdout
    assert "mpli:vcpuCount" not in result.stdout


def test_no_files_is_usage_error() -> None:
    result = run_mpli()

    assert result.returncode == 2
    assert "Traceback" not in result.stderr

