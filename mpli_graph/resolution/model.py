"""Read the requirements of a consumer manifest into plain Python objects.

A consumer manifest (``mpli:ConsumerManifest``) lists ``mpli:requirement``
nodes. Each has a kind (its class), a strength (``mpli:Must`` or
``mpli:Should`` with ``mpli:weight``), an optional trust level and the
parameters of its kind. This module reads them from an rdflib graph and
rejects a manifest that is missing what resolution needs, naming the node and
the missing property.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Iterable

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, BNode, Literal, URIRef

from mpli_graph.errors import InputError

__all__ = [
    "KINDS",
    "ConsumerRequirements",
    "ExchangeRate",
    "Requirement",
    "read_requirements",
    "to_rdflib_graph",
]

logger = logging.getLogger(__name__)

MPLI = rdflib.Namespace("https://w3id.org/mpli#")

KINDS = {
    MPLI.MinimumRequirement: "minimum",
    MPLI.MaximumRequirement: "maximum",
    MPLI.SetRequirement: "set",
    MPLI.CertificationRequirement: "certification",
    MPLI.CapabilityRequirement: "capability",
    MPLI.PriceRequirement: "price",
}

COUNTRY_PROPERTY = str(MPLI.country)


@dataclass
class Requirement:
    """One requirement of a consumer manifest, with every parameter that resolution reads."""

    key: str
    kind: str
    strength: str
    weight: float
    label: str | None = None
    trust_level: str | None = None
    on_property: str | None = None
    value: ox.NamedNode | ox.Literal | None = None
    unit: str | None = None
    canonical_unit: str | None = None
    allowed_values: list[ox.NamedNode | ox.Literal] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    match: str = "any"
    minimum_claim_status: str | None = None
    minimum_version: str | None = None
    version_property: str | None = None
    currency: str | None = None
    price_unit: str | None = None

    @property
    def is_must(self) -> bool:
        """Return whether the requirement is a must."""
        return self.strength == "must"

    @property
    def needs_verified_claims(self) -> bool:
        """Return whether certifications count only when a credential backs them."""
        return self.trust_level == str(MPLI.VerifiedLevel)

    @property
    def is_location(self) -> bool:
        """Return whether this is a set requirement on the country of the offering."""
        return self.kind == "set" and self.on_property == COUNTRY_PROPERTY


@dataclass(frozen=True)
class ExchangeRate:
    """A rate the consumer gives: one unit of source currency is ``rate`` units of target currency."""

    source_currency: str
    target_currency: str
    rate: Decimal


@dataclass
class ConsumerRequirements:
    """The consumer manifest's IRI, its requirements and its exchange rates."""

    consumer: str
    requirements: list[Requirement]
    exchange_rates: list[ExchangeRate]

    def of_kind(self, kind: str) -> list[Requirement]:
        """Return the requirements of one kind, in manifest order."""
        return [r for r in self.requirements if r.kind == kind]

    @property
    def currency(self) -> str | None:
        """Return the currency of the first price requirement, the one that ranking uses."""
        for requirement in self.of_kind("price"):
            return requirement.currency
        return None


def to_rdflib_graph(data: rdflib.Graph | Iterable[ox.Triple | ox.Quad]) -> rdflib.Graph:
    """Return ``data`` as an rdflib graph, converting pyoxigraph triples or quads when needed."""
    if isinstance(data, rdflib.Graph):
        return data
    graph = rdflib.Graph()
    for statement in data:
        graph.add((_to_rdflib(statement.subject), _to_rdflib(statement.predicate), _to_rdflib(statement.object)))
    return graph


def read_requirements(graph: rdflib.Graph) -> ConsumerRequirements:
    """Read the consumer manifest in ``graph``; raise InputError naming what is missing or invalid."""
    manifests = sorted(set(graph.subjects(RDF.type, MPLI.ConsumerManifest)), key=str)
    if not manifests:
        raise InputError(
            "the consumer document has no node of type mpli:ConsumerManifest; "
            "declare one and link each requirement with mpli:requirement"
        )
    if len(manifests) > 1:
        raise InputError(
            f"the consumer document declares {len(manifests)} consumer manifests "
            f"({', '.join(str(m) for m in manifests)}); resolve one manifest per document"
        )
    manifest = manifests[0]

    nodes = sorted(graph.objects(manifest, MPLI.requirement), key=_sort_key)
    if not nodes:
        raise InputError(f"consumer manifest {manifest} lists no mpli:requirement")

    requirements = [_read_requirement(graph, node, index) for index, node in enumerate(nodes, start=1)]
    rates = [_read_rate(graph, node) for node in sorted(graph.objects(manifest, MPLI.exchangeRate), key=_sort_key)]
    logger.debug("Read %d requirements from %s", len(requirements), manifest)
    return ConsumerRequirements(str(manifest), requirements, rates)


def _read_requirement(graph: rdflib.Graph, node: URIRef | BNode, index: int) -> Requirement:
    name = _node_name(node)
    kinds = [KINDS[t] for t in graph.objects(node, RDF.type) if t in KINDS]
    if len(kinds) != 1:
        known = ", ".join(sorted(f"mpli:{str(k).split('#')[1]}" for k in KINDS))
        raise InputError(f"requirement {name} needs exactly one type of {known}, found {len(kinds)}")
    kind = kinds[0]

    strength_node = _one(graph, node, MPLI.strength, name, required=True)
    if strength_node == MPLI.Must:
        strength, weight = "must", 0.0
    elif strength_node == MPLI.Should:
        strength = "should"
        weight_literal = _one(graph, node, MPLI.weight, name, required=False)
        weight = float(_decimal(weight_literal, name, "mpli:weight")) if weight_literal is not None else 1.0
        if weight < 0:
            raise InputError(f"requirement {name}: mpli:weight {weight} is negative; use zero or more")
    else:
        raise InputError(f"requirement {name}: mpli:strength is {strength_node}; use mpli:Must or mpli:Should")

    key = str(node) if isinstance(node, URIRef) else f"urn:mpli:requirement:{index}"
    label = _one(graph, node, RDFS.label, name, required=False)
    trust = _one(graph, node, MPLI.trustLevel, name, required=False)
    requirement = Requirement(
        key=key,
        kind=kind,
        strength=strength,
        weight=weight,
        label=str(label) if label is not None else None,
        trust_level=str(trust) if trust is not None else None,
    )
    _READERS[kind](graph, node, name, requirement)
    return requirement


def _read_quantity(graph: rdflib.Graph, node, name: str, requirement: Requirement) -> None:
    requirement.on_property = _iri(_one(graph, node, MPLI.onProperty, name, required=True), name, "mpli:onProperty")
    value = _one(graph, node, MPLI.value, name, required=True)
    requirement.value = _decimal_literal(_decimal(value, name, "mpli:value"))
    unit = _one(graph, node, MPLI.unit, name, required=False)
    requirement.unit = _iri(unit, name, "mpli:unit") if unit is not None else None


def _read_set(graph: rdflib.Graph, node, name: str, requirement: Requirement) -> None:
    requirement.on_property = _iri(_one(graph, node, MPLI.onProperty, name, required=True), name, "mpli:onProperty")
    allowed = sorted(graph.objects(node, MPLI.allowedValue), key=_sort_key)
    if not allowed:
        raise InputError(f"requirement {name}: a set requirement needs at least one mpli:allowedValue")
    requirement.allowed_values = [_to_oxigraph(v) for v in allowed]


def _read_certification(graph: rdflib.Graph, node, name: str, requirement: Requirement) -> None:
    schemes = sorted(graph.objects(node, MPLI.scheme), key=_sort_key)
    if not schemes:
        raise InputError(f"requirement {name}: a certification requirement needs at least one mpli:scheme")
    requirement.schemes = [_iri(s, name, "mpli:scheme") for s in schemes]
    match = _one(graph, node, MPLI.match, name, required=False)
    if match is None or match == MPLI.AnyOf:
        requirement.match = "any"
    elif match == MPLI.AllOf:
        requirement.match = "all"
    else:
        raise InputError(f"requirement {name}: mpli:match is {match}; use mpli:AnyOf or mpli:AllOf")
    status = _one(graph, node, MPLI.minimumClaimStatus, name, required=False)
    if status is not None:
        requirement.minimum_claim_status = _iri(status, name, "mpli:minimumClaimStatus")


def _read_capability(graph: rdflib.Graph, node, name: str, requirement: Requirement) -> None:
    requirement.on_property = _iri(_one(graph, node, MPLI.onProperty, name, required=True), name, "mpli:onProperty")
    requirement.value = _to_oxigraph(_one(graph, node, MPLI.value, name, required=True))
    minimum_version = _one(graph, node, MPLI.minimumVersion, name, required=False)
    if minimum_version is not None:
        requirement.minimum_version = str(minimum_version)
        if not _is_dotted_version(requirement.minimum_version):
            raise InputError(
                f"requirement {name}: mpli:minimumVersion {requirement.minimum_version!r} is not a dotted "
                "version; write numbers separated by dots, such as \"1.30\""
            )
        version_property = _one(graph, node, MPLI.versionProperty, name, required=True)
        requirement.version_property = _iri(version_property, name, "mpli:versionProperty")


def _read_price(graph: rdflib.Graph, node, name: str, requirement: Requirement) -> None:
    value = _one(graph, node, MPLI.value, name, required=True)
    requirement.value = _decimal_literal(_decimal(value, name, "mpli:value"))
    requirement.currency = _iri(_one(graph, node, MPLI.currency, name, required=True), name, "mpli:currency")
    requirement.price_unit = _iri(_one(graph, node, MPLI.priceUnit, name, required=True), name, "mpli:priceUnit")


_READERS = {
    "minimum": _read_quantity,
    "maximum": _read_quantity,
    "set": _read_set,
    "certification": _read_certification,
    "capability": _read_capability,
    "price": _read_price,
}


def _read_rate(graph: rdflib.Graph, node) -> ExchangeRate:
    name = _node_name(node)
    source = _iri(_one(graph, node, MPLI.sourceCurrency, name, required=True), name, "mpli:sourceCurrency")
    target = _iri(_one(graph, node, MPLI.targetCurrency, name, required=True), name, "mpli:targetCurrency")
    rate = _decimal(_one(graph, node, MPLI.rate, name, required=True), name, "mpli:rate")
    if rate <= 0:
        raise InputError(f"exchange rate {name}: mpli:rate {rate} must be greater than zero")
    return ExchangeRate(source, target, rate)


def _one(graph: rdflib.Graph, node, predicate: URIRef, name: str, *, required: bool):
    values = list(graph.objects(node, predicate))
    local = "mpli:" + str(predicate).split("#")[-1] if str(predicate).startswith(str(MPLI)) else str(predicate)
    if len(values) > 1:
        raise InputError(f"{name}: {local} has {len(values)} values; give exactly one")
    if not values:
        if required:
            raise InputError(f"{name}: {local} is missing")
        return None
    return values[0]


def _iri(term, name: str, property_name: str) -> str:
    if not isinstance(term, URIRef):
        raise InputError(f"{name}: {property_name} must be an IRI, found {term!r}")
    return str(term)


def _decimal(term, name: str, property_name: str) -> Decimal:
    if not isinstance(term, Literal):
        raise InputError(f"{name}: {property_name} must be a number, found {term}")
    try:
        return Decimal(str(term))
    except InvalidOperation:
        raise InputError(f"{name}: {property_name} {str(term)!r} is not a number") from None


def _decimal_literal(number: Decimal) -> ox.Literal:
    return ox.Literal(format(number, "f"), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))


def _is_dotted_version(text: str) -> bool:
    return all(part.isdigit() for part in text.split("."))


def _node_name(node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else f"blank node _:{node}"


def _sort_key(term) -> tuple[int, str]:
    return (0 if isinstance(term, URIRef) else 1, str(term))


def _to_oxigraph(term) -> ox.NamedNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(f"a blank node ({term}) cannot be a requirement value; use an IRI or a literal")


def _to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise InputError(f"unsupported RDF term {term!r} in the consumer document")
