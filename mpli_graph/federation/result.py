"""The result of a federated query: the solutions or triples plus a report for every member queried."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from mpli_graph.errors import NotAcceptableError

STATUS_OK = "ok"
STATUS_ERROR = "error"
STATUS_TIMEOUT = "timeout"
STATUS_TOO_LARGE = "too_large"
STATUS_MALFORMED = "malformed"
STATUS_STALE = "stale"
"""Statuses of a source: responded, failed, timed out, sent more than the size
limit, sent unreadable data, or replaced by its last harvested copy."""

RESULTS_MEDIA_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_MEDIA_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@dataclass
class SourceReport:
    """The outcome of one member's request: its status, time and error."""

    endpoint: str
    status: str
    elapsed_ms: float
    error: str | None = None
    rows: int = 0
    age_seconds: float | None = None

    def to_json(self) -> dict:
        """Return the report as the JSON object of a result's ``sources`` list."""
        body: dict = {
            "endpoint": self.endpoint,
            "status": self.status,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "error": self.error,
        }
        if self.age_seconds is not None:
            body["age_seconds"] = round(self.age_seconds, 1)
        return body


@dataclass
class FederatedResult:
    """A federated query's result, kept serialized, with the sources' reports.

    ``payload`` is SPARQL JSON results for SELECT and ASK, and N-Triples for
    CONSTRUCT and DESCRIBE, so the result can be returned in any format later
    without running the query again.
    """

    form: str
    payload: bytes
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every member that was sent a request returned a result."""
        return all(source.status == STATUS_OK for source in self.sources)

    @property
    def is_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE results."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def solutions(self) -> ox.QuerySolutions:
        """Return the SELECT solutions, parsed again from the payload."""
        return ox.parse_query_results(self.payload, ox.QueryResultsFormat.JSON)

    def rows(self) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Return the SELECT solutions as dictionaries from variable name to term."""
        solutions = self.solutions()
        names = [variable.value for variable in solutions.variables]
        return [
            {name: solution[name] for name in names if solution[name] is not None}
            for solution in solutions
        ]

    @property
    def boolean(self) -> bool:
        """The boolean result of an ASK query."""
        return bool(ox.parse_query_results(self.payload, ox.QueryResultsFormat.JSON))

    def triples(self) -> list[ox.Triple]:
        """Return the CONSTRUCT or DESCRIBE triples."""
        return list(ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES))

    def sources_json(self) -> list[dict]:
        """Return the sources' reports as JSON objects."""
        return [source.to_json() for source in self.sources]

    def serialize(self, media_type: str) -> bytes:
        """Serialize the result in a SPARQL results or RDF media type."""
        if self.is_graph:
            rdf_format = GRAPH_MEDIA_TYPES.get(media_type)
            if rdf_format is None:
                raise NotAcceptableError(
                    f"cannot serialize a graph result as {media_type}: use one of "
                    + ", ".join(GRAPH_MEDIA_TYPES)
                )
            return ox.serialize(self.triples(), format=rdf_format)

        results_format = RESULTS_MEDIA_TYPES.get(media_type)
        if results_format is None:
            raise NotAcceptableError(
                f"cannot serialize query results as {media_type}: use one of "
                + ", ".join(RESULTS_MEDIA_TYPES)
            )
        if results_format == ox.QueryResultsFormat.JSON:
            return self.payload
        parsed = ox.parse_query_results(self.payload, ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=results_format)
