"""Keep manifests in a pyoxigraph store, one named graph per manifest source.

A *source* is one manifest as it arrived: a file, a URL or a provider's own
endpoint. Its triples live in a named graph whose name is the source IRI. The
metadata graph records for each source where it came from
(``prov:wasDerivedFrom``), when it was loaded (``prov:generatedAtTime``), a
SHA-256 content hash that serves as an ETag, and the SHACL result. The
vocabulary (ontology modules and concept schemes) sits in its own named graph,
so queries can read canonical units, unit multipliers and country groups.

Replacing a source is a single SPARQL Update request, and pyoxigraph applies
one request in one transaction: a reader sees the old graph or the new one,
never a mix of both. A new source is stored by one pyoxigraph load, also a
single transaction, and its metadata record follows.

Queries run over the union of all graphs unless a call passes ``union=False``.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
import pyoxigraph as ox

from mpli_graph.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    QuerySyntaxError,
    RdfSyntaxError,
    UnsupportedFormatError,
)
from mpli_graph.resources import ontology_files

__all__ = [
    "METADATA_GRAPH",
    "VOCABULARY_GRAPH",
    "ManifestStore",
    "SourceRecord",
    "ValidationSummary",
    "rdf_format_for",
]

logger = logging.getLogger(__name__)

METADATA_GRAPH = "https://w3id.org/mpli/graph/metadata"
VOCABULARY_GRAPH = "https://w3id.org/mpli/graph/vocabulary"

MPLI = "https://w3id.org/mpli#"
PROV = "http://www.w3.org/ns/prov#"
SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_FORMATS_BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

_QUERY_ERROR_POSITION = re.compile(r"error at (\d+):(\d+): (.*)")

_METADATA_QUERY = f"""
PREFIX prov: <{PROV}>
PREFIX mpli: <{MPLI}>
PREFIX sh: <{SH}>
SELECT ?source ?origin ?loaded ?hash ?triples ?conforms ?violations ?warnings WHERE {{
  GRAPH <{METADATA_GRAPH}> {{
    ?source a mpli:ManifestSource ;
      prov:generatedAtTime ?loaded ;
      mpli:contentHash ?hash ;
      mpli:tripleCount ?triples .
    OPTIONAL {{ ?source prov:wasDerivedFrom ?origin }}
    OPTIONAL {{
      ?source mpli:validationReport ?report .
      ?report sh:conforms ?conforms ;
        mpli:violationCount ?violations ;
        mpli:warningCount ?warnings .
    }}
  }}
}}
ORDER BY ?source
"""


@dataclass(frozen=True)
class ValidationSummary:
    """The SHACL outcome for one source: conforms or not, and how many results of each severity."""

    conforms: bool
    violations: int = 0
    warnings: int = 0


@dataclass(frozen=True)
class SourceRecord:
    """The metadata kept for one loaded source."""

    iri: str
    origin: str | None
    loaded_at: str
    content_hash: str
    triple_count: int
    validation: ValidationSummary | None

    @property
    def etag(self) -> str:
        """Return the content hash quoted as an HTTP entity tag."""
        return f'"{self.content_hash}"'


def rdf_format_for(path: Path | str) -> ox.RdfFormat:
    """Return the RDF format that a file name's suffix names, or raise UnsupportedFormatError."""
    suffix = Path(path).suffix.lower()
    try:
        return _FORMATS_BY_SUFFIX[suffix]
    except KeyError:
        known = ", ".join(sorted(_FORMATS_BY_SUFFIX))
        raise UnsupportedFormatError(
            f"{path}: unsupported RDF file suffix {suffix!r}; use one of {known}"
        ) from None


class ManifestStore:
    """A pyoxigraph store holding manifests, their metadata and the MPLI vocabulary.

    ``path=None`` keeps everything in memory; a path opens (or creates) an
    on-disk store, which takes pyoxigraph's lock on that folder.
    ``read_only=True`` opens an existing on-disk store beside a writer.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        load_vocabulary: bool = True,
    ) -> None:
        if path is None:
            self._store = ox.Store()
        elif read_only:
            self._store = ox.Store.read_only(str(path))
        else:
            self._store = ox.Store(str(path))
        self.path = Path(path) if path is not None else None
        self.read_only = read_only

        has_vocabulary = self._store.contains_named_graph(ox.NamedNode(VOCABULARY_GRAPH))
        if load_vocabulary and not read_only and not has_vocabulary:
            for module in ontology_files():
                self.add_vocabulary(module)

    @property
    def pyoxigraph_store(self) -> ox.Store:
        """Return the underlying pyoxigraph store, for callers that need its full API."""
        return self._store

    # Vocabulary

    def add_vocabulary(self, module: Path | str | bytes, format: ox.RdfFormat | None = None) -> int:
        """Add an ontology or concept-scheme module to the vocabulary graph and return its triple count.

        ``module`` is a file path, or the document itself as bytes with ``format`` given.
        Extension modules go here too, so that resolution can read their properties and units.
        """
        data, rdf_format, name = _read_input(module, format)
        triples = _parse_triples(data, rdf_format, name)
        self._store.extend(
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(VOCABULARY_GRAPH)) for t in triples
        )
        logger.debug("Added %d vocabulary triples from %s", len(triples), name)
        return len(triples)

    def vocabulary_defines(self, term: str) -> bool:
        """Return whether the vocabulary graph states anything about ``term`` as a subject."""
        return bool(
            self._store.query(
                f"ASK {{ GRAPH <{VOCABULARY_GRAPH}> {{ <{_checked_iri(term)}> ?p ?o }} }}"
            )
        )

    # Sources

    def load_source(
        self,
        source_iri: str,
        data: Path | str | bytes,
        *,
        format: ox.RdfFormat | None = None,
        origin: str | None = None,
        validation: ValidationSummary | None = None,
        check_provider_conflicts: bool = True,
    ) -> SourceRecord:
        """Load or replace one manifest source and return its record.

        ``data`` is a file path or the document as bytes or text (then ``format`` is required).
        Replacing a loaded source is one SPARQL Update request, so readers see the old
        graph or the new one. A new source is parsed and stored by pyoxigraph in one
        transaction, and its metadata follows in a second one, which is faster for large
        manifests because no Python objects are built per triple.
        With ``check_provider_conflicts``, a provider IRI that another source already
        describes raises ConflictError, because two sources would then merge into one provider.
        """
        source = _checked_iri(source_iri)
        raw, rdf_format, name = _read_input(data, format)
        if origin is None and isinstance(data, Path):
            origin = data.resolve().as_uri()
        graph = ox.NamedNode(source)

        if self._store.contains_named_graph(graph) or self.source(source) is not None:
            triple_count = self._replace_graph(source, raw, rdf_format, name, check_provider_conflicts)
        else:
            triple_count = self._add_graph(source, raw, rdf_format, name, check_provider_conflicts)

        content_hash = "sha256-" + hashlib.sha256(raw).hexdigest()
        loaded_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        metadata = _metadata_triples(source, origin, loaded_at, content_hash, triple_count, validation)
        self._store.update(
            f"DELETE WHERE {{ GRAPH <{METADATA_GRAPH}> {{ <{source}> <{MPLI}validationReport> ?r . ?r ?rp ?ro }} }} ;\n"
            f"DELETE WHERE {{ GRAPH <{METADATA_GRAPH}> {{ <{source}> ?p ?o }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{METADATA_GRAPH}> {{\n{metadata}\n}} }}"
        )
        logger.info("Loaded %s (%d triples) into graph %s", name, triple_count, source)

        record = self.source(source)
        assert record is not None
        return record

    def replace_source(self, source_iri: str, data: Path | str | bytes, **options) -> SourceRecord:
        """Replace a source that is already loaded, atomically; raise NotFoundError if it is not."""
        if self.source(source_iri) is None:
            raise NotFoundError(f"no source {source_iri} is loaded; use load_source to add it")
        return self.load_source(source_iri, data, **options)

    def remove_source(self, source_iri: str) -> None:
        """Remove a source's graph and its metadata in one transaction; raise NotFoundError if absent."""
        source = _checked_iri(source_iri)
        if self.source(source) is None:
            raise NotFoundError(f"no source {source} is loaded")
        self._store.update(
            f"DROP SILENT GRAPH <{source}> ;\n"
            f"DELETE WHERE {{ GRAPH <{METADATA_GRAPH}> {{ <{source}> <{MPLI}validationReport> ?r . ?r ?rp ?ro }} }} ;\n"
            f"DELETE WHERE {{ GRAPH <{METADATA_GRAPH}> {{ <{source}> ?p ?o }} }}"
        )
        logger.info("Removed source %s", source)

    def sources(self) -> list[SourceRecord]:
        """List the records of every loaded source, ordered by IRI."""
        return [_record_from_solution(s) for s in self._store.query(_METADATA_QUERY)]

    def source(self, source_iri: str) -> SourceRecord | None:
        """Return the record of one source, or None when it is not loaded."""
        source = ox.NamedNode(_checked_iri(source_iri))
        for solution in self._store.query(_METADATA_QUERY, substitutions={ox.Variable("source"): source}):
            return _record_from_solution(solution)
        return None

    def export_source(self, source_iri: str, format: ox.RdfFormat = ox.RdfFormat.TURTLE) -> bytes:
        """Serialize one source's graph; raise NotFoundError if it is not loaded."""
        source = _checked_iri(source_iri)
        if not self._store.contains_named_graph(ox.NamedNode(source)):
            raise NotFoundError(f"no source {source} is loaded")
        return self._store.dump(format=format, from_graph=ox.NamedNode(source))

    # Queries

    def query(
        self,
        sparql: str,
        *,
        union: bool = True,
        substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query.

        With ``union`` (the default) the default graph is the union of all graphs.
        A syntax error raises QuerySyntaxError. pyoxigraph may also raise errors while
        results are iterated; :meth:`select` collects rows so that those surface here too.
        """
        bound = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        try:
            return self._store.query(sparql, use_default_graph_as_union=union, substitutions=bound or None)
        except SyntaxError as error:
            raise _query_syntax_error(error) from None

    def select(self, sparql: str, **options) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Run a SELECT query and return every row as a dict from variable name to term."""
        solutions = self.query(sparql, **options)
        if not isinstance(solutions, ox.QuerySolutions):
            raise InputError("select() needs a SELECT query")
        names = [v.value for v in solutions.variables]
        try:
            return [{n: term for n, term in zip(names, row) if term is not None} for row in solutions]
        except OSError as error:
            raise InputError(f"query evaluation failed: {error}") from None

    def ask(self, sparql: str, **options) -> bool:
        """Run an ASK query and return its boolean result."""
        return bool(self.query(sparql, **options))

    def construct(self, sparql: str, **options) -> list[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE query and return its triples."""
        result = self.query(sparql, **options)
        if not isinstance(result, ox.QueryTriples):
            raise InputError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(result)

    def flush(self) -> None:
        """Write pending changes of an on-disk store to disk."""
        if self.path is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        """Flush an on-disk store and release it, so another store object can open the same folder.

        pyoxigraph has no close call: its lock goes when the last reference to the store goes,
        so this drops this object's reference and runs the garbage collector.
        """
        if self._store is None:
            return
        self.flush()
        self._store = None
        gc.collect()

    def __enter__(self) -> "ManifestStore":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # Internal steps

    def _replace_graph(
        self, source: str, raw: bytes, rdf_format: ox.RdfFormat, name: str, check_conflicts: bool
    ) -> int:
        """Swap a source's graph for the parsed document in one SPARQL Update request."""
        triples = _parse_triples(raw, rdf_format, name)
        if check_conflicts:
            providers = {
                t.subject.value
                for t in triples
                if t.predicate.value == RDF_TYPE
                and isinstance(t.object, ox.NamedNode)
                and t.object.value == MPLI + "Provider"
                and isinstance(t.subject, ox.NamedNode)
            }
            self._check_provider_conflicts(source, providers, name)

        body = "\n".join(f"{t} ." for t in triples)
        self._store.update(f"DROP SILENT GRAPH <{source}> ;\nINSERT DATA {{ GRAPH <{source}> {{\n{body}\n}} }}")
        return self._triple_count(source)

    def _add_graph(self, source: str, raw: bytes, rdf_format: ox.RdfFormat, name: str, check_conflicts: bool) -> int:
        """Store a new source's graph in one pyoxigraph load, removing it again on a provider conflict."""
        graph = ox.NamedNode(source)
        try:
            self._store.load(raw, format=rdf_format, to_graph=graph)
        except SyntaxError as error:
            line, column = _position_of(error)
            raise RdfSyntaxError(name, str(error).splitlines()[0], line, column) from None

        if check_conflicts:
            rows = self._store.query(
                f"SELECT DISTINCT ?p WHERE {{ GRAPH <{source}> {{ ?p a <{MPLI}Provider> FILTER(isIRI(?p)) }} }}"
            )
            providers = {row["p"].value for row in rows}
            try:
                self._check_provider_conflicts(source, providers, name)
            except ConflictError:
                self._store.remove_graph(graph)
                raise
        return self._triple_count(source)

    def _triple_count(self, source: str) -> int:
        rows = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{source}> {{ ?s ?p ?o }} }}")
        return int(next(iter(rows))["n"].value)

    def _check_provider_conflicts(self, source: str, providers: set[str], name: str) -> None:
        for provider in sorted(providers):
            rows = self._store.query(
                f"SELECT ?g WHERE {{ GRAPH ?g {{ <{provider}> a <{MPLI}Provider> }} "
                f"FILTER(?g NOT IN (<{source}>, <{VOCABULARY_GRAPH}>)) }} LIMIT 1"
            )
            for row in rows:
                raise ConflictError(
                    f"{name}: provider {provider} is already described by source {row['g'].value}; "
                    "give each provider one manifest, or remove the other source first"
                )


def _read_input(
    data: Path | str | bytes, rdf_format: ox.RdfFormat | None
) -> tuple[bytes, ox.RdfFormat, str]:
    if isinstance(data, Path):
        try:
            raw = data.read_bytes()
        except OSError as error:
            raise InputError(f"{data}: cannot read file: {error.strerror or error}") from None
        return raw, rdf_format or rdf_format_for(data), str(data)
    if rdf_format is None:
        raise InputError("an RDF document given as text or bytes needs its format")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return raw, rdf_format, "<input>"


def _parse_triples(raw: bytes, rdf_format: ox.RdfFormat, name: str) -> list[ox.Triple]:
    try:
        quads = list(ox.parse(raw, format=rdf_format))
    except SyntaxError as error:
        line, column = _position_of(error)
        raise RdfSyntaxError(name, str(error).splitlines()[0], line, column) from None
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _position_of(error: SyntaxError) -> tuple[int | None, int | None]:
    line = getattr(error, "lineno", None)
    column = getattr(error, "offset", None)
    return line, column


def _query_syntax_error(error: SyntaxError) -> QuerySyntaxError:
    # pyoxigraph 0.5 writes the position into the message: "error at 1:26: expected ...".
    text = str(error).splitlines()[0]
    match = _QUERY_ERROR_POSITION.match(text)
    if match:
        return QuerySyntaxError(match.group(3), int(match.group(1)), int(match.group(2)))
    line, column = _position_of(error)
    return QuerySyntaxError(text, line, column)


def _checked_iri(iri: str) -> str:
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise InputError(f"invalid IRI {iri!r}: {error}") from None
    if any(c in iri for c in "<>\"{}| ^`\\"):
        raise InputError(f"invalid IRI {iri!r}: it contains a character that IRIs do not allow")
    return iri


def _metadata_triples(
    source: str,
    origin: str | None,
    loaded_at: str,
    content_hash: str,
    triple_count: int,
    validation: ValidationSummary | None,
) -> str:
    lines = [
        f"<{source}> <{RDF_TYPE}> <{MPLI}ManifestSource> .",
        f"<{source}> <{PROV}generatedAtTime> {ox.Literal(loaded_at, datatype=ox.NamedNode(XSD + 'dateTime'))} .",
        f"<{source}> <{MPLI}contentHash> {ox.Literal(content_hash)} .",
        f"<{source}> <{MPLI}tripleCount> {ox.Literal(str(triple_count), datatype=ox.NamedNode(XSD + 'integer'))} .",
    ]
    if origin:
        origin_term = ox.NamedNode(origin) if _is_iri(origin) else ox.Literal(origin)
        lines.append(f"<{source}> <{PROV}wasDerivedFrom> {origin_term} .")
    if validation is not None:
        integer = ox.NamedNode(XSD + "integer")
        boolean = ox.NamedNode(XSD + "boolean")
        lines += [
            f"<{source}> <{MPLI}validationReport> _:report .",
            f"_:report <{RDF_TYPE}> <{SH}ValidationReport> .",
            f"_:report <{SH}conforms> {ox.Literal(str(validation.conforms).lower(), datatype=boolean)} .",
            f"_:report <{MPLI}violationCount> {ox.Literal(str(validation.violations), datatype=integer)} .",
            f"_:report <{MPLI}warningCount> {ox.Literal(str(validation.warnings), datatype=integer)} .",
        ]
    return "\n".join(lines)


def _is_iri(value: str) -> bool:
    if ":" not in value or " " in value:
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def _record_from_solution(solution: ox.QuerySolution) -> SourceRecord:
    validation = None
    if solution["conforms"] is not None:
        validation = ValidationSummary(
            conforms=solution["conforms"].value == "true",
            violations=int(solution["violations"].value),
            warnings=int(solution["warnings"].value),
        )
    origin = solution["origin"]
    return SourceRecord(
        iri=solution["source"].value,
        origin=origin.value if origin is not None else None,
        loaded_at=solution["loaded"].value,
        content_hash=solution["hash"].value,
        triple_count=int(solution["triples"].value),
        validation=validation,
    )

