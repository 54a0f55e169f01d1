"""Check that a consumer's requirements use only terms the store's vocabulary defines.

Resolution reads units, multipliers, scheme hierarchies and claim-status ranks
from the vocabulary graph. A property, unit, scheme, status or value that the
graph does not define would make a query silently return "unknown" or "violated"
for every offering, so it is rejected before any query runs.
"""

from __future__ import annotations

import pyoxigraph as ox

from mpli_graph.errors import InputError, UnknownTermError
from mpli_graph.resolution.model import ConsumerRequirements, Requirement
from mpli_graph.store import VOCABULARY_GRAPH, ManifestStore
from mpli_graph.vocabulary import PREFIXES

__all__ = ["check_terms"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MPLI = "https://w3id.org/mpli#"
QUDT = "http://qudt.org/schema/qudt/"

# Namespaces whose terms the vocabulary lists in full: the mpli: ontology, the MPLI
# concept schemes and the EU Publications Office authority tables (countries, currencies).
CONTROLLED_NAMESPACES = ("https://w3id.org/mpli#", "https://w3id.org/mpli/", "http://publications.europa.eu/resource/authority/")

# How many defined terms of the same namespace an unknown-value message suggests.
SUGGESTIONS = 8

# Properties from RDF itself that a requirement may name although no MPLI module defines them.
_STANDARD_PROPERTIES = {RDF_TYPE}


def check_terms(store: ManifestStore, consumer: ConsumerRequirements) -> None:
    """Raise UnknownTermError for the first term of ``consumer`` that the vocabulary does not define.

    A minimum or maximum requirement gets its property's canonical unit here, and also takes
    it as its own unit when it has no ``mpli:unit``.
    """
    for requirement in consumer.requirements:
        _check_requirement(store, requirement)


def _check_requirement(store: ManifestStore, requirement: Requirement) -> None:
    where = f"requirement {requirement.label or requirement.key}"

    if requirement.on_property is not None:
        _check_defined(store, requirement.on_property, "property", where)

    values = [requirement.value, *requirement.allowed_values]
    for value in values:
        if isinstance(value, ox.NamedNode):
            _check_controlled_value(store, value.value, where)
    if requirement.kind == "price" and requirement.currency is not None:
        _check_controlled_value(store, requirement.currency, where)

    if requirement.kind == "capability" and _is_quantity_property(store, requirement.on_property):
        raise InputError(
            f"{where}: <{requirement.on_property}> is a quantity (an mpli:QuantityProperty), so a capability "
            "requirement cannot compare it; use an mpli:MinimumRequirement or mpli:MaximumRequirement "
            "with mpli:value and mpli:unit"
        )

    if requirement.kind in ("minimum", "maximum"):
        _check_quantity_units(store, requirement, where)
    elif requirement.kind == "certification":
        for scheme in requirement.schemes:
            _check_defined(store, scheme, "certification scheme", where)
        if requirement.minimum_claim_status is not None:
            _check_value(store, requirement.minimum_claim_status, MPLI + "claimStatusRank", "claim status", where)
    elif requirement.kind == "capability" and requirement.version_property is not None:
        _check_defined(store, requirement.version_property, "version property", where)
    elif requirement.kind == "price":
        _check_value(store, requirement.price_unit, MPLI + "hoursPerUnit", "time-based price unit", where)


def _check_quantity_units(store: ManifestStore, requirement: Requirement, where: str) -> None:
    canonical = _object(store, requirement.on_property, MPLI + "canonicalUnit")
    if canonical is None:
        raise UnknownTermError(
            f"{where}: property <{requirement.on_property}> has no mpli:canonicalUnit in the vocabulary, "
            "so it is not a quantity; use a quantity property or add one in an ontology module"
        )
    requirement.canonical_unit = canonical
    if requirement.unit is None:
        # Without mpli:unit the value is in the property's canonical unit.
        requirement.unit = canonical
    for unit in (requirement.unit, canonical):
        if _object(store, unit, QUDT + "conversionMultiplier") is None:
            raise UnknownTermError(
                f"{where}: unit <{unit}> is not defined in the vocabulary (no qudt:conversionMultiplier); "
                "use a QUDT unit that the vocabulary lists, such as unit:GibiBYTE"
            )

    requested_kinds = _objects(store, requirement.unit, QUDT + "hasQuantityKind")
    canonical_kinds = _objects(store, canonical, QUDT + "hasQuantityKind")
    if requested_kinds and canonical_kinds and not requested_kinds & canonical_kinds:
        raise UnknownTermError(
            f"{where}: unit <{requirement.unit}> measures {', '.join(sorted(requested_kinds))}, but "
            f"<{requirement.on_property}> is stated in <{canonical}>; use a unit of the same quantity kind"
        )


def _check_defined(store: ManifestStore, term: str, what: str, where: str) -> None:
    if term in _STANDARD_PROPERTIES or store.vocabulary_defines(term):
        return
    raise UnknownTermError(
        f"{where}: {what} <{term}> is not defined in the vocabulary; check its spelling, "
        "or load the ontology module that defines it"
    )


def _check_controlled_value(store: ManifestStore, term: str, where: str) -> None:
    """Raise UnknownTermError when ``term`` is in a controlled namespace but the vocabulary does not define it."""
    if not term.startswith(CONTROLLED_NAMESPACES) or store.vocabulary_defines(term):
        return

    namespace = term[: max(term.rfind("/"), term.rfind("#")) + 1]
    same_spelling = _defined_ignoring_case(store, term)
    if same_spelling:
        hint = f" Did you mean {_compact(same_spelling)}?"
    elif namespace == MPLI:
        hint = ""
    else:
        defined = _defined_in(store, namespace)
        more = ", ..." if len(defined) == SUGGESTIONS else ""
        hint = f" Its namespace has {', '.join(_compact(iri) for iri in defined)}{more}." if defined else ""
    raise UnknownTermError(
        f"{where}: value {_compact(term)} <{term}> is not defined in the vocabulary.{hint} "
        "Use a term that docs/vocabulary.md lists, or load the ontology module that defines it."
    )


def _defined_ignoring_case(store: ManifestStore, term: str) -> str | None:
    """Return the defined term that differs from ``term`` only in letter case, if there is one."""
    rows = store.select(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{ ?s a ?type }} "
        f"FILTER(isIRI(?s) && LCASE(STR(?s)) = LCASE({ox.Literal(term)})) }} ORDER BY ?s LIMIT 1",
        union=False,
    )
    return rows[0]["s"].value if rows else None


def _defined_in(store: ManifestStore, namespace: str) -> list[str]:
    """Return up to :data:`SUGGESTIONS` terms that the vocabulary defines in ``namespace``, sorted."""
    prefix = str(ox.Literal(namespace))
    rows = store.select(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{ ?s a ?type }} "
        f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix}) && !CONTAINS(STRAFTER(STR(?s), {prefix}), \"/\")) }} "
        f"ORDER BY ?s LIMIT {SUGGESTIONS}",
        union=False,
    )
    return [row["s"].value for row in rows]


def _compact(iri: str) -> str:
    """Return ``iri`` as prefix:name with the vocabulary's prefixes, or in angle brackets."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and "/" not in iri[len(str(namespace)):]:
            return f"{prefix}:{iri[len(str(namespace)):]}"
    return f"<{iri}>"


def _is_quantity_property(store: ManifestStore, prop: str | None) -> bool:
    """Return whether the vocabulary types ``prop`` as an mpli:QuantityProperty."""
    return prop is not None and MPLI + "QuantityProperty" in _objects(store, prop, RDF_TYPE)


def _check_value(store: ManifestStore, term: str | None, predicate: str, what: str, where: str) -> None:
    if term is not None and _object(store, term, predicate) is not None:
        return
    raise UnknownTermError(
        f"{where}: {what} <{term}> is not defined in the vocabulary (it has no <{predicate}>); "
        "check its spelling against docs/vocabulary.md"
    )


def _object(store: ManifestStore, subject: str, predicate: str) -> str | None:
    values = _objects(store, subject, predicate)
    return min(values) if values else None


def _objects(store: ManifestStore, subject: str, predicate: str) -> set[str]:
    try:
        node = ox.NamedNode(subject)
    except ValueError:
        raise InputError(f"invalid IRI {subject!r} in the consumer manifest") from None
    rows = store.select(
        f"SELECT ?s ?o WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{ ?s <{predicate}> ?o }} }}",
        union=False,
        substitutions={"s": node},
    )
    return {row["o"].value for row in rows}
