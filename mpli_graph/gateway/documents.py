"""Read manifest documents from request bodies, and validate them before they are stored.

Parsing goes through :func:`mpli_graph.manifest.parse_data`, so JSON-LD
contexts come only from the local allowlist and syntax errors keep their line
and column. Validation runs the project's SHACL shapes. A non-conforming manifest raises
:class:`NotConformingError` carrying the report, and the error handler sends
that report in the body of the 422 response.
"""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from flask import request

from mpli_graph.errors import InputError, NotConformingError
from mpli_graph.gateway.limits import check_body_size
from mpli_graph.manifest import format_for_media_type, parse_data
from mpli_graph.manifest.report import ValidationReport
from mpli_graph.manifest.validate import validate as validate_graph
from mpli_graph.store import ValidationSummary


@dataclass
class CheckedManifest:
    """A parsed manifest, its N-Triples bytes and, when validated, its SHACL report and summary."""

    graph: rdflib.Graph
    n_triples: bytes
    report: ValidationReport | None = None
    summary: ValidationSummary | None = None


def request_format(max_bytes: int) -> tuple[bytes, str]:
    """Return the request body and its RDF format name, from ``Content-Type``."""
    rdf_format = format_for_media_type(request.headers.get("Content-Type") or "(none)")
    data = request.get_data(cache=True)
    check_body_size(len(data), max_bytes)
    if not data.strip():
        raise InputError("the request body is empty; send an RDF document")
    return data, rdf_format


def validation_report(graph: rdflib.Graph) -> ValidationReport:
    """Validate ``graph`` against the SHACL shapes and return the report."""
    return validate_graph(graph)


def summary_of(report: ValidationReport) -> ValidationSummary:
    """Return the store's short form of a SHACL report: conforms, violation and warning counts."""
    return ValidationSummary(
        conforms=report.conforms, violations=len(report.violations), warnings=len(report.warnings)
    )


def check_manifest(data: bytes, rdf_format: str, source: str, validate: bool) -> CheckedManifest:
    """Parse ``data`` and, with ``validate``, raise :class:`NotConformingError` if it does not conform."""
    graph = parse_data(data, rdf_format, source)
    n_triples = graph.serialize(format="nt", encoding="utf-8")
    if not validate:
        return CheckedManifest(graph, n_triples)

    report = validation_report(graph)
    summary = summary_of(report)
    if not report.conforms:
        error = NotConformingError(
            f"{source}: the manifest does not conform to the MPLI shapes "
            f"({summary.violations} violations); nothing was changed. Fix the results in the report."
        )
        error.report = report  # type: ignore[attr-defined]
        raise error
    return CheckedManifest(graph, n_triples, report, summary)
