"""The SHACL validation report of a manifest, as text for people and JSON for programs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import rdflib
import rdflib.collection
from rdflib.namespace import SH

PREFIXES = {
    "mpli": "https://w3id.org/mpli#",
    "mplish": "https://w3id.org/mpli/shapes#",
    "mcert": "https://w3id.org/mpli/certification-scheme/",
    "mstatus": "https://w3id.org/mpli/claim-status/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "currency": "http://publications.europa.eu/resource/authority/currency/",
    "unit": "http://qudt.org/vocab/unit/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}

DEFAULT_MAX_PER_GROUP = 20


def display_term(term: rdflib.term.Node | str | None) -> str:
    """Return a short readable form of an RDF term: a prefixed name, ``<IRI>``, ``_:id`` or a literal."""
    if term is None:
        return "-"
    if isinstance(term, str) and not isinstance(term, rdflib.term.Node):
        return term
    if isinstance(term, rdflib.URIRef):
        for prefix, namespace in PREFIXES.items():
            local = str(term)[len(namespace):]
            if str(term).startswith(namespace) and local and all(c.isalnum() or c in "-_." for c in local):
                return f"{prefix}:{local}"
        return f"<{term}>"
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    if isinstance(term, rdflib.Literal):
        text = f'"{term}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype:
            return f"{text}^^{display_term(term.datatype)}"
        return text
    return "(path)"


def render_path(graph: rdflib.Graph, path: rdflib.term.Node | None) -> rdflib.term.Node | str | None:
    """Return a SHACL path as its IRI, or a complex path written in SPARQL property path syntax."""
    if path is None or isinstance(path, rdflib.URIRef):
        return path

    if (path, rdflib.RDF.first, None) in graph:
        return "/".join(str(display_term(step) if isinstance(step, rdflib.URIRef) else render_path(graph, step))
                        for step in rdflib.collection.Collection(graph, path))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        members = [render_path(graph, member) for member in rdflib.collection.Collection(graph, alternatives)]
        return "(" + "|".join(display_term(m) if isinstance(m, rdflib.URIRef) else str(m) for m in members) + ")"
    for predicate, suffix in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"),
                              (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            text = display_term(inner) if isinstance(inner, rdflib.URIRef) else str(render_path(graph, inner))
            return f"^{text}" if suffix == "^" else f"{text}{suffix}"
    return "(path)"


def _local_name(term: rdflib.term.Node | None) -> str | None:
    if term is None:
        return None
    return str(term).rsplit("#", 1)[-1]


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result: which node broke which shape, where, and why.

    ``source_shape`` is the shape's IRI; for a blank-node property shape it is the
    node shape that contains it. ``path`` is an IRI or, for a complex path, its
    SPARQL property path text.
    """

    focus_node: rdflib.term.Node | None
    path: rdflib.term.Node | str | None
    value: rdflib.term.Node | None
    message: str
    severity: rdflib.term.Node
    source_shape: rdflib.term.Node | None
    constraint: rdflib.term.Node | None

    @property
    def severity_name(self) -> str:
        """The severity without its namespace: ``Violation``, ``Warning`` or ``Info``."""
        return _local_name(self.severity) or "Violation"

    def sort_key(self) -> tuple:
        """Order results by severity, message, focus node and value."""
        return (
            SEVERITY_ORDER.get(self.severity, 3),
            self.message,
            str(self.focus_node),
            str(self.path),
            str(self.value),
        )

    def to_json(self) -> dict[str, Any]:
        """Return the result as a JSON object; RDF terms are written in N-Triples form."""
        return {
            "severity": self.severity_name,
            "focusNode": _n3(self.focus_node),
            "path": _n3(self.path),
            "value": _n3(self.value),
            "message": self.message,
            "sourceShape": _n3(self.source_shape),
            "constraint": _local_name(self.constraint),
        }


def _n3(term: rdflib.term.Node | str | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, str) and not isinstance(term, rdflib.term.Node):
        return term
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    if isinstance(term, (rdflib.URIRef, rdflib.Literal)):
        return term.n3()
    return "(path)"


class ValidationReport:
    """The results of validating one data graph; it conforms when no result is a violation."""

    def __init__(self, results: list[ValidationResult]) -> None:
        self.results = results

    @property
    def conforms(self) -> bool:
        """True when no result has severity ``sh:Violation``."""
        return not self.violations

    @property
    def violations(self) -> list[ValidationResult]:
        """The results of severity ``sh:Violation``."""
        return [result for result in self.results if result.severity == SH.Violation]

    @property
    def warnings(self) -> list[ValidationResult]:
        """The results of severity ``sh:Warning``."""
        return [result for result in self.results if result.severity == SH.Warning]

    def counts(self) -> dict[str, int]:
        """Count the results per severity name."""
        counts: dict[str, int] = defaultdict(int)
        for result in self.results:
            counts[result.severity_name] += 1
        return dict(counts)

    def summary(self) -> str:
        """Return one line: whether the graph conforms and how many results of each severity it has."""
        state = "conforms" if self.conforms else "does not conform"
        counts = self.counts()
        if not counts:
            return f"{state}: no violations or warnings"
        parts = [f"{counts[name]} {name.lower()}{'s' if counts[name] != 1 else ''}" for name in sorted(
            counts, key=lambda name: SEVERITY_ORDER.get(SH[name], 3)
        )]
        return f"{state}: {', '.join(parts)}"

    def to_text(self, max_per_group: int = DEFAULT_MAX_PER_GROUP) -> str:
        """Return a readable report: results grouped by severity and message, with counts.

        Each group lists at most ``max_per_group`` results (focus node, path,
        value) and ends with the number it left out.
        """
        lines = [self.summary()]

        groups: dict[tuple[str, str], list[ValidationResult]] = defaultdict(list)
        for result in self.results:
            groups[(result.severity_name, result.message)].append(result)

        for (severity, message), members in groups.items():
            lines.append("")
            lines.append(f"{severity} ({len(members)}): {message}")
            for result in members[:max_per_group]:
                lines.append(
                    f"  focus {display_term(result.focus_node)}"
                    f"  path {display_term(result.path)}"
                    f"  value {display_term(result.value)}"
                )
            if len(members) > max_per_group:
                lines.append(f"  ... and {len(members) - max_per_group} more")

        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Return the report as a JSON object with the conformance, counts and every result."""
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [result.to_json() for result in self.results],
        }
