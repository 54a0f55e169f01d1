"""Keep the facts of a store that do not depend on the consumer, between resolutions of the same data.

The offerings, their holders, prices, locations and quantity values are the same
for every consumer manifest, and reading them from pyoxigraph costs more than
evaluating the requirements in Python. :func:`store_facts` keeps them per
:class:`ManifestStore` together with a state key: each source's IRI, content
hash and load time from the metadata graph, plus the size of the vocabulary
graph. Loading, replacing or removing a source, or adding a vocabulary module,
changes the key, and the next resolution reads the facts again.
"""

from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import dataclass, field

import pyoxigraph as ox

from mpli_graph.resolution.holders import Holders
from mpli_graph.resolution.prices import PriceFacts
from mpli_graph.resolution.queries import Table, run_values
from mpli_graph.resolution.sets import location_countries
from mpli_graph.store import VOCABULARY_GRAPH, ManifestStore

__all__ = ["StoreFacts", "forget_facts", "store_facts"]

logger = logging.getLogger(__name__)

OfferingRow = tuple[str, str, str | None, str | None, str | None]

_FACTS: weakref.WeakKeyDictionary[ManifestStore, StoreFacts] = weakref.WeakKeyDictionary()
_FACTS_LOCK = threading.Lock()


@dataclass
class StoreFacts:
    """The consumer-independent facts of one state of a store; the parts read lazily are filled on first use.

    ``offerings`` contains one row per offering (IRI, provider, provider label, label,
    identifier), the first row where a value is stated twice.
    """

    store_ref: weakref.ref[ManifestStore]
    state: tuple
    offerings: list[OfferingRow]
    holders: Holders
    price_facts: PriceFacts
    _quantities: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    _statements: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)
    _extremes: dict[str, dict[str, tuple[float, str, float, str]]] = field(default_factory=dict)

    _locations: tuple[dict[str, set[str]], dict[str, set[str]]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def store(self) -> ManifestStore:
        """Return the store these facts were read from.

        The facts refer to it weakly, so that keeping them does not keep a closed store alive.
        """
        store = self.store_ref()
        if store is None:
            raise ReferenceError("the store of these resolution facts no longer exists")
        return store

    def quantity_values(self, properties: list[str]) -> dict[str, dict[str, list[str]]]:
        """Return, per property, the numeric values that each holder states for it."""
        missing = [p for p in dict.fromkeys(properties) if p not in self._quantities]
        if missing:
            table = Table(("property",), [{"property": ox.NamedNode(p)} for p in missing])
            values: dict[str, dict[str, list[str]]] = {p: {} for p in missing}
            for holder, property_iri, value in run_values(
                self.store, "quantity", [table], ("holder", "property", "value")
            ):
                values[property_iri].setdefault(holder, []).append(value)
            with self._lock:
                self._quantities.update(values)
        return {p: self._quantities[p] for p in properties}

    def statements(self, property_iri: str) -> list[tuple[str, str, bool]]:
        """Return every (holder, value, whether the value is a literal) stated for ``property_iri``."""
        statements = self._statements.get(property_iri)
        if statements is None:
            table = Table(("property",), [{"property": ox.NamedNode(property_iri)}])
            statements = [
                (holder, term, literal == "true")
                for holder, _, term, literal in run_values(
                    self.store, "statements", [table], ("holder", "property", "object", "literal")
                )
            ]
            self._statements[property_iri] = statements
        return statements

    def quantity_extremes(self, property_iri: str) -> dict[str, tuple[float, str, float, str]]:
        """Return, per holder of a value of ``property_iri``, its smallest and largest value as (float, lexical).

        Among equal numbers the first stated wins, as ``min`` and ``max`` pick it.
        """
        extremes = self._extremes.get(property_iri)
        if extremes is None:
            extremes = {}
            for holder, values in self.quantity_values([property_iri])[property_iri].items():
                smallest = min(values, key=float)
                largest = max(values, key=float)
                extremes[holder] = (float(smallest), smallest, float(largest), largest)
            self._extremes[property_iri] = extremes
        return extremes

    def location_countries(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Return the countries located per offering and operated per holder (see :func:`.sets.location_countries`)."""
        if self._locations is None:
            self._locations = location_countries(self.store, self.holders)
        return self._locations


def store_facts(store: ManifestStore) -> StoreFacts:
    """Return the facts of ``store`` in its current state, reading them again when the state changed.

    NOTE: a write made directly on ``store.pyoxigraph_store`` does not change the state
    key; after one, call :func:`forget_facts` or resolutions keep using the old facts.
    """
    state = _state(store)
    with _FACTS_LOCK:
        facts = _FACTS.get(store)
    if facts is not None and facts.state == state:
        return facts

    offerings: dict[str, OfferingRow] = {}
    columns = ("offering", "provider", "providerLabel", "label", "offeringId")
    for row in run_values(store, "offerings", [], columns):
        if row[0] not in offerings:
            offerings[row[0]] = row  # type: ignore[assignment]
    holders = Holders.load(store, {row[0]: row[1] for row in offerings.values()})
    facts = StoreFacts(weakref.ref(store), state, list(offerings.values()), holders, PriceFacts.load(store))
    with _FACTS_LOCK:
        _FACTS[store] = facts
    logger.debug("Read the facts of %d offerings for resolution", len(offerings))
    return facts


def forget_facts(store: ManifestStore) -> None:
    """Drop the facts kept for ``store``, so that the next resolution reads them again."""
    with _FACTS_LOCK:
        _FACTS.pop(store, None)


def _state(store: ManifestStore) -> tuple:
    """Return a key that changes when a source is loaded, replaced or removed, or the vocabulary grows."""
    sources = tuple((record.iri, record.content_hash, record.loaded_at) for record in store.sources())
    rows = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{ ?s ?p ?o }} }}", union=False
    )
    return sources, rows[0]["n"].value
