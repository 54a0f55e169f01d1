"""``mpli validate``: check manifests against the SHACL shapes.

Exit codes: 0 when every file conforms, 1 when at least one does not conform,
2 when a file cannot be read or parsed, or the arguments are invalid. Every
file is checked even after an error, and the highest code wins.

A document without an ``mpli:ProviderManifest`` or ``mpli:ConsumerManifest``
node does not conform either: the shapes target those nodes, so an empty or
unrelated document would otherwise pass with no results. The library function
:func:`mpli_graph.manifest.validate.validate` leaves this check out, because it
also validates small focused graphs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import rdflib
from rdflib.namespace import RDF, SH

from mpli_graph.errors import MpliError, NotConformingError
from mpli_graph.manifest.parse import parse_file, resolve_format
from mpli_graph.manifest.report import ValidationReport, ValidationResult
from mpli_graph.manifest.validate import load_ontology_graph, load_shapes_graph, validate

logger = logging.getLogger(__name__)

EXIT_CONFORMS = 0
EXIT_NOT_CONFORMING = NotConformingError.exit_code
EXIT_INPUT_ERROR = MpliError.exit_code

MPLI = rdflib.Namespace("https://w3id.org/mpli#")
MANIFEST_CLASSES = (MPLI.ProviderManifest, MPLI.ConsumerManifest)
NO_MANIFEST_NODE = (
    "the document has no mpli:ProviderManifest or mpli:ConsumerManifest node, so the shapes "
    "checked nothing; type the manifest node with one of these classes"
)


def has_manifest_node(graph: rdflib.Graph, classes: tuple[rdflib.URIRef, ...] = MANIFEST_CLASSES) -> bool:
    """Tell whether ``graph`` has a node typed with one of ``classes``."""
    return any((None, RDF.type, manifest_class) in graph for manifest_class in classes)


def missing_manifest_result(message: str = NO_MANIFEST_NODE) -> ValidationResult:
    """Return a violation saying that the document has no manifest node."""
    return ValidationResult(
        focus_node=None,
        path=RDF.type,
        value=None,
        message=message,
        severity=SH.Violation,
        source_shape=None,
        constraint=None,
    )


def with_manifest_node_check(graph: rdflib.Graph, report: ValidationReport) -> ValidationReport:
    """Return ``report``, plus a violation when ``graph`` has no provider or consumer manifest node."""
    if has_manifest_node(graph):
        return report
    return ValidationReport([*report.results, missing_manifest_result()])


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate",
        help="check manifests against the SHACL shapes",
        description=(
            "Parse each manifest (Turtle, JSON-LD, N-Triples, N-Quads, TriG or RDF/XML, "
            "chosen by the file suffix) and validate it with the SHACL shapes. Exit 0 when all "
            "conform, 1 when one does not conform (has a violation), 2 when a file cannot be read."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", type=Path, help="manifest files to validate")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="report format on standard output (default: text)",
    )
    parser.add_argument(
        "--input-format",
        metavar="FORMAT",
        help="RDF syntax of every FILE (turtle, json-ld, n-triples, n-quads, trig, rdf-xml); "
        "default: from each file suffix",
    )
    parser.add_argument(
        "--shapes",
        nargs="+",
        metavar="PATH",
        type=Path,
        help="SHACL shapes files to use instead of the project's shapes/ folder",
    )
    parser.add_argument(
        "--ontology",
        nargs="+",
        metavar="PATH",
        type=Path,
        help="ontology files to use instead of the project's ontology/ folder",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate every file named in ``args`` and print one report per file."""
    input_format = resolve_format(args.input_format) if args.input_format else None
    shape_paths = _existing_paths(args.shapes, "--shapes")
    ontology_paths = _existing_paths(args.ontology, "--ontology")

    # Load shapes and ontology before the files, so that a broken shapes file is
    # reported once rather than once per manifest.
    load_shapes_graph(shape_paths)
    load_ontology_graph(ontology_paths)

    exit_code = EXIT_CONFORMS
    outcomes: list[dict[str, Any]] = []

    for path in args.files:
        try:
            graph = parse_file(path, input_format)
            report = validate(graph, shape_paths=shape_paths, ontology_paths=ontology_paths)
            report = with_manifest_node_check(graph, report)
        except MpliError as error:
            outcomes.append({"file": str(path), "error": error.to_json()})
            exit_code = max(exit_code, error.exit_code)
            if args.format == "text":
                print(f"error: {error.message}", file=sys.stderr)
            continue

        outcomes.append({"file": str(path), "report": report})
        if not report.conforms:
            exit_code = max(exit_code, EXIT_NOT_CONFORMING)
        if args.format == "text":
            print(_text_report(path, report))

    if args.format == "json":
        print(json.dumps([_json_outcome(outcome) for outcome in outcomes], indent=2))
    return exit_code


def _existing_paths(paths: list[Path] | None, option: str) -> list[Path] | None:
    if paths is None:
        return None
    for path in paths:
        if not path.is_file():
            state = "is a directory" if path.is_dir() else "not found"
            raise MpliError(f"{option} {path}: {state}; pass Turtle files, such as shapes/core.ttl")
    return paths


def _text_report(path: Path, report: ValidationReport) -> str:
    text = report.to_text()
    return f"{path}: {text}\n"


def _json_outcome(outcome: dict[str, Any]) -> dict[str, Any]:
    if "report" in outcome:
        return {"file": outcome["file"], **outcome["report"].to_json()}
    return {"file": outcome["file"], "conforms": False, "error": outcome["error"]}
