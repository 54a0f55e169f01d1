"""The store operations that the gateway uses: query, read, replace and remove manifest graphs.

:class:`GraphBackend` wraps a :class:`~mpli_graph.store.ManifestStore`, in
which each manifest source is one named graph, beside a metadata graph and a
vocabulary graph. The SPARQL endpoint's default graph is the union of the
manifest graphs only; the metadata and vocabulary graphs stay reachable by
name in ``GRAPH`` clauses. Replacing a source is one transaction in the
store, so a concurrent reader sees the old or the new manifest, never a mix.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timezone

from typing import TypeVar

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple, parse

from mpli_graph.errors import NotFoundError
from mpli_graph.gateway.query_guard import tokenize
from mpli_graph.store import (
    METADATA_GRAPH,
    VOCABULARY_GRAPH,
    ManifestStore,
    SourceRecord,
    ValidationSummary,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

HIDDEN_GRAPHS = (METADATA_GRAPH, VOCABULARY_GRAPH)


class GraphBackend:
    """The manifest graphs of a :class:`ManifestStore`, with the operations the HTTP layer needs."""

    def __init__(self, manifest_store: ManifestStore) -> None:
        self.manifest_store = manifest_store
        self.store = manifest_store.pyoxigraph_store
        self._memo: dict[str, tuple[tuple[str, ...], object]] = {}
        self._published: dict[str, tuple[str, list[Triple]]] = {}
        self._memo_lock = threading.Lock()

    def state_key(self) -> tuple[str, ...]:
        """Return a value that changes whenever any manifest source is loaded, replaced or removed."""
        return tuple(
            f"{record.iri} {record.content_hash} {record.loaded_at}"
            for record in self.manifest_store.sources()
        )

    def memoize(self, name: str, compute: Callable[[], T]) -> T:
        """Return ``compute()``, reusing the last value computed under ``name`` while the store is unchanged."""
        key = self.state_key()
        with self._memo_lock:
            cached = self._memo.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]  # type: ignore[return-value]
        value = compute()
        with self._memo_lock:
            self._memo[name] = (key, value)
        return value

    def graph_names(self) -> list[str]:
        """List the IRIs of the loaded manifest sources, sorted."""
        return [record.iri for record in self.manifest_store.sources()]

    def record(self, graph: str) -> SourceRecord:
        """Return the metadata record of ``graph``; raise :class:`NotFoundError` if it is not loaded."""
        record = self.manifest_store.source(graph)
        if record is None:
            raise NotFoundError(f"graph <{graph}> is not loaded in this store")
        return record

    def has_graph(self, graph: str) -> bool:
        """Tell whether ``graph`` is a loaded manifest source."""
        return self.manifest_store.source(graph) is not None

    def version(self, graph: str) -> str:
        """Return a string that changes whenever ``graph`` is loaded again or replaced."""
        record = self.record(graph)
        return f"{record.content_hash} {record.loaded_at}"

    def triples(self, graph: str) -> list[Triple]:
        """Return the triples of the manifest graph ``graph``."""
        self.record(graph)
        quads = self.store.quads_for_pattern(None, None, None, NamedNode(graph))
        return [Triple(quad.subject, quad.predicate, quad.object) for quad in quads]

    def published_triples(self, graph: str) -> list[Triple]:
        """Return the triples of ``graph`` with the literals exactly as they were loaded.

        pyoxigraph 0.5's store keeps ``xsd:decimal`` literals by value, so ``"4.0"^^xsd:decimal``
        comes back as ``"4"^^xsd:decimal``, a different RDF term. Documents loaded
        through :meth:`replace_graph` keep their parsed triples for publishing while
        the store still contains that same content. Other graphs come from the store.
        """
        record = self.record(graph)
        published = self._published.get(graph)
        if published is not None and published[0] == record.content_hash:
            return published[1]
        return self.triples(graph)

    def triple_count(self, graph: str | None = None) -> int:
        """Count the triples of one manifest graph, or of all of them when ``graph`` is None."""
        if graph is not None:
            return self.record(graph).triple_count
        return sum(record.triple_count for record in self.manifest_store.sources())

    def modified(self, graph: str) -> datetime:
        """Return when ``graph`` was last loaded or replaced, in UTC."""
        loaded_at = datetime.fromisoformat(self.record(graph).loaded_at)
        if loaded_at.tzinfo is None:
            loaded_at = loaded_at.replace(tzinfo=timezone.utc)
        return loaded_at

    def replace_graph(
        self,
        graph: str,
        data: bytes,
        rdf_format: RdfFormat,
        validation: ValidationSummary | None,
        origin: str | None = None,
    ) -> SourceRecord:
        """Load ``data`` as the manifest graph ``graph``, replacing it in one transaction."""
        record = self.manifest_store.load_source(
            graph, data, format=rdf_format, origin=origin, validation=validation
        )
        parsed = [
            Triple(quad.subject, quad.predicate, quad.object)
            for quad in parse(data, format=rdf_format)
        ]
        self._published[graph] = (record.content_hash, parsed)
        self.manifest_store.flush()
        logger.info("graph <%s> replaced: %d triples", graph, record.triple_count)
        return record

    def delete_graph(self, graph: str) -> None:
        """Remove the manifest graph ``graph``; raise :class:`NotFoundError` if it is not loaded."""
        self.manifest_store.remove_source(graph)
        self._published.pop(graph, None)
        self.manifest_store.flush()
        logger.info("graph <%s> removed", graph)

    def query(
        self,
        text: str,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
    ):
        """Run a SPARQL query on the raw store and return pyoxigraph's results object.

        Without ``default_graph``, the default graph is the union of the manifest
        graphs when ``union_default_graph`` is set, else the store's own default graph.
        Without ``named_graphs``, every manifest graph and the metadata and vocabulary
        graphs can be named in GRAPH. A query with FROM or FROM NAMED and neither
        parameter uses its own dataset. pyoxigraph raises ``SyntaxError`` for a bad query.
        """
        if not default_graph and not named_graphs and declares_dataset(text):
            # The query's own FROM and FROM NAMED clauses define its dataset, because
            # no protocol dataset parameter overrides them.
            return self.store.query(text)

        manifest_graphs = self.graph_names()
        if default_graph:
            default_nodes = [NamedNode(iri) for iri in default_graph]
        elif union_default_graph and manifest_graphs:
            default_nodes = [NamedNode(iri) for iri in manifest_graphs]
        else:
            default_nodes = [DefaultGraph()]

        if named_graphs:
            named_nodes = [NamedNode(iri) for iri in named_graphs]
        else:
            named_nodes = [NamedNode(iri) for iri in manifest_graphs + list(HIDDEN_GRAPHS)]

        return self.store.query(text, default_graph=default_nodes, named_graphs=named_nodes)


def declares_dataset(text: str) -> bool:
    """Tell whether a query has its own ``FROM`` or ``FROM NAMED`` clause."""
    return any(token.kind == "word" and token.text.upper() == "FROM" for token in tokenize(text))
