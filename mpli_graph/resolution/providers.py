"""Load provider manifest files into a store, validating each against the SHACL shapes first.

A file that does not conform is skipped with a warning that names it, or, in
strict mode, rejected with NotConformingError. Two files that describe the same
provider IRI are rejected with ConflictError, because their offerings would
merge into one provider.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from mpli_graph.errors import InputError, NotConformingError
from mpli_graph.manifest import parse_file
from mpli_graph.manifest.parse import SUFFIXES
from mpli_graph.manifest.validate import validate
from mpli_graph.store import ManifestStore, ValidationSummary

__all__ = ["ProviderLoad", "find_manifest_files", "load_providers"]

logger = logging.getLogger(__name__)

MPLI = "https://w3id.org/mpli#"


@dataclass
class ProviderLoad:
    """The outcome of loading one provider manifest file: loaded or skipped, with its validation summary."""

    path: Path
    source: str
    loaded: bool
    offerings: int
    summary: str
    seconds: float


def find_manifest_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the RDF files directly inside them; raise InputError when none remain."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{path}: file or folder not found")
    if not files:
        named = ", ".join(str(p) for p in paths)
        raise InputError(f"no provider manifest files found in {named}; pass .ttl, .jsonld, .nt or .rdf files")
    return files


def load_providers(store: ManifestStore, files: list[Path], *, strict: bool = False) -> list[ProviderLoad]:
    """Validate and load each file as its own source (named by its file IRI) and report on each."""
    loads = []
    for path in files:
        started = time.perf_counter()
        source = path.resolve().as_uri()
        graph = parse_file(path)
        report = validate(graph)
        summary = ValidationSummary(report.conforms, len(report.violations), len(report.warnings))

        if not report.conforms:
            if strict:
                raise NotConformingError(f"{path}: provider manifest {report.summary()}\n{report.to_text()}")
            logger.warning("Skipping %s: the provider manifest %s", path, report.summary())
            loads.append(ProviderLoad(path, source, False, 0, report.summary(), time.perf_counter() - started))
            continue

        if SUFFIXES.get(path.suffix.lower()) == "json-ld":
            # JSON-LD goes through the parsed graph, whose contexts came from the local allowlist.
            data = graph.serialize(format="nt", encoding="utf-8")
            store.load_source(source, data, format=ox.RdfFormat.N_TRIPLES, origin=source, validation=summary)
        else:
            store.load_source(source, path, validation=summary)
        offerings = _count_offerings(store, source)
        loads.append(ProviderLoad(path, source, True, offerings, report.summary(), time.perf_counter() - started))
    return loads


def _count_offerings(store: ManifestStore, source: str) -> int:
    rows = store.select(
        f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH <{source}> {{ ?o <{MPLI}offeredBy> ?p }} }}",
        union=False,
    )
    return int(rows[0]["n"].value)
