"""Render IRIs, units and numbers in explanations the way the vocabulary writes them.

Unit symbols (``qudt:symbol``) and claim-status ranks come from the store's
vocabulary graph; IRIs are shortened with the prefixes of the MPLI vocabulary.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from mpli_graph.resolution.queries import run_query
from mpli_graph.store import ManifestStore

__all__ = ["PREFIXES", "Namer"]

PREFIXES = {
    "mpli": "https://w3id.org/mpli#",
    "mcert": "https://w3id.org/mpli/certification-scheme/",
    "mstatus": "https://w3id.org/mpli/claim-status/",
    "mgroup": "https://w3id.org/mpli/country-group/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "currency": "http://publications.europa.eu/resource/authority/currency/",
    "mformat": "https://w3id.org/mpli/format/",
    "mapi": "https://w3id.org/mpli/api/",
    "mplatform": "https://w3id.org/mpli/platform/",
    "march": "https://w3id.org/mpli/cpu-architecture/",
    "mtool": "https://w3id.org/mpli/delivery-tool/",
    "mdb": "https://w3id.org/mpli/database-engine/",
    "unit": "http://qudt.org/vocab/unit/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}


# Symbols for units whose vocabulary entry has no qudt:symbol.
_UNIT_SYMBOLS = {
    PREFIXES["unit"] + "GibiBYTE": "GiB",
    PREFIXES["unit"] + "MebiBYTE": "MiB",
    PREFIXES["unit"] + "TebiBYTE": "TiB",
    PREFIXES["unit"] + "KibiBYTE": "KiB",
    PREFIXES["unit"] + "GigaBYTE": "GB",
    PREFIXES["unit"] + "MegaBYTE": "MB",
    PREFIXES["unit"] + "TeraBYTE": "TB",
    PREFIXES["unit"] + "MegaBIT-PER-SEC": "Mbit/s",
    PREFIXES["unit"] + "GigaBIT-PER-SEC": "Gbit/s",
    PREFIXES["unit"] + "PERCENT": "%",
    PREFIXES["unit"] + "HR": "h",
    PREFIXES["unit"] + "DAY": "d",
}

_PRICE_UNIT_WORDS = {
    PREFIXES["mpli"] + "PerHour": "per hour",
    PREFIXES["mpli"] + "PerMinute": "per minute",
    PREFIXES["mpli"] + "PerMonth": "per month",
    PREFIXES["mpli"] + "PerGiBMonth": "per GiB and month",
}


class Namer:
    """Shorten IRIs and format values for people, with unit symbols and status ranks from the vocabulary."""

    def __init__(self, store: ManifestStore) -> None:
        self._compacted: dict[str, str] = {}
        self._quantities: dict[tuple[str, str], str] = {}
        self.symbols: dict[str, str] = {}
        self.ranks: dict[str, int] = {}
        for row in run_query(store, "vocabulary", []):
            term = row["term"].value
            if "symbol" in row:
                self.symbols.setdefault(term, row["symbol"].value)
            if "rank" in row:
                self.ranks[term] = int(row["rank"].value)

    def compact(self, iri: str) -> str:
        """Return ``iri`` as prefix:name when a known prefix matches, else the IRI itself."""
        compacted = self._compacted.get(iri)
        if compacted is None:
            compacted = iri
            for prefix, namespace in PREFIXES.items():
                if iri.startswith(namespace) and len(iri) > len(namespace):
                    compacted = f"{prefix}:{iri[len(namespace):]}"
                    break
            self._compacted[iri] = compacted
        return compacted

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        """Return an RDF term for display: a compact IRI, or a literal's lexical form."""
        if isinstance(term, ox.NamedNode):
            return self.compact(term.value)
        return term.value

    def unit(self, iri: str) -> str:
        """Return a unit's symbol from the vocabulary, or its compact IRI when the vocabulary has none."""
        return self.symbols.get(iri) or _UNIT_SYMBOLS.get(iri) or self.compact(iri)

    def quantity(self, number: str, unit: str) -> str:
        """Return a number with its unit symbol; counts (unit:NUM) get no symbol."""
        text = self._quantities.get((number, unit))
        if text is None:
            text = self.number(number)
            if unit != PREFIXES["unit"] + "NUM":
                text = f"{text} {self.unit(unit)}"
            self._quantities[(number, unit)] = text
        return text

    def currency(self, iri: str) -> str:
        """Return a currency IRI as its ISO 4217 code, such as EUR."""
        compact = self.compact(iri)
        return compact.removeprefix("currency:")

    def price_unit(self, iri: str) -> str:
        """Return a price unit in words, such as "per hour"."""
        return _PRICE_UNIT_WORDS.get(iri, self.compact(iri))

    def rank(self, status: str | None) -> int | None:
        """Return the claim-status rank of ``status``, or None when no status is given."""
        if status is None:
            return None
        return self.ranks.get(status)

    @staticmethod
    def number(text: str, places: int | None = None) -> str:
        """Return a decimal without trailing zeros, rounded to ``places`` when given."""
        try:
            value = Decimal(text)
        except InvalidOperation:
            return text
        if places is not None:
            value = round(value, places)
        formatted = format(value.normalize(), "f")
        return formatted
