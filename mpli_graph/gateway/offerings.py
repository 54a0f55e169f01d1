"""Read providers and offerings out of the store for the marketplace's REST API.

Offerings are found by ``mpli:offeredBy``; the ``type`` filter follows
``rdfs:subClassOf`` in the vocabulary graph, so ``StorageOffering`` also
finds block, object and file storage. An offering's countries come from its
own locations (a zone counts with the region it is part of) or, when it
states none, from the locations its provider operates. Filter values reach
the queries only as pyoxigraph substitutions, never as query text.

An offering's public ``id`` is its IRI in unpadded base64url, so that it fits
in one path segment and maps back to the IRI without a lookup table.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Variable

from mpli_graph.errors import InputError, NotFoundError
from mpli_graph.gateway.backend import GraphBackend
from mpli_graph.store import METADATA_GRAPH, VOCABULARY_GRAPH

MPLI = "https://w3id.org/mpli#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COUNTRY_AUTHORITY = "http://publications.europa.eu/resource/authority/country/"
COUNTRY_CODE = re.compile(r"^[A-Z]{3}$")
TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")

PREFIXES = f"""PREFIX mpli: <{MPLI}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

PROVIDERS_QUERY = (
    PREFIXES
    + f"""
SELECT ?provider ?graph (SAMPLE(?name) AS ?label) (SAMPLE(?hq) AS ?country)
       (COUNT(DISTINCT ?offering) AS ?offerings)
WHERE {{
  GRAPH ?graph {{ ?provider a mpli:Provider . }}
  FILTER(?graph NOT IN (<{METADATA_GRAPH}>, <{VOCABULARY_GRAPH}>))
  OPTIONAL {{ GRAPH ?graph {{ ?provider rdfs:label ?name }} }}
  OPTIONAL {{ GRAPH ?graph {{ ?provider mpli:headquarterCountry ?hq }} }}
  OPTIONAL {{ ?offering mpli:offeredBy ?provider }}
}}
GROUP BY ?provider ?graph
ORDER BY ?provider
"""
)

# A location's country is stated on it or on what it is part of, up to two levels up
# (datacenter, zone, region). An offering without locations takes its provider's.
COUNTRIES_QUERY = (
    PREFIXES
    + """
SELECT DISTINCT ?offering ?country WHERE {
  {
    ?offering mpli:offeredBy ?provider ; mpli:location ?location .
  } UNION {
    ?offering mpli:offeredBy ?provider .
    FILTER NOT EXISTS { ?offering mpli:location ?anyLocation }
    ?provider mpli:operatesLocation ?location .
  }
  { ?location mpli:country ?country }
  UNION { ?location mpli:partOf ?parent . ?parent mpli:country ?country }
  UNION { ?location mpli:partOf ?parent . ?parent mpli:partOf ?grandparent . ?grandparent mpli:country ?country }
}
"""
)


@dataclass(frozen=True)
class OfferingFilter:
    """The filters of ``GET /offerings``; ``None`` means "do not filter on this"."""

    provider: str | None = None
    type: str | None = None
    country: str | None = None
    min_vcpu: Decimal | None = None


def offering_id(iri: str) -> str:
    """Return the public id of the offering ``iri``: the IRI in unpadded base64url."""
    return base64.urlsafe_b64encode(iri.encode("utf-8")).decode("ascii").rstrip("=")


def offering_iri(identifier: str) -> str:
    """Return the IRI behind a public offering id; raise :class:`NotFoundError` if it is not one."""
    padded = identifier + "=" * (-len(identifier) % 4)
    try:
        iri = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        NamedNode(iri)
    except (binascii.Error, UnicodeError, ValueError):
        raise NotFoundError(
            f"offering {identifier!r} does not exist: ids are the ones GET /offerings lists"
        ) from None
    return iri


def parse_filter(
    provider: str | None, type_name: str | None, country: str | None, min_vcpu: str | None
) -> OfferingFilter:
    """Check the raw query parameters of ``GET /offerings`` and return the filter."""
    if provider is not None:
        try:
            NamedNode(provider)
        except ValueError:
            raise InputError(
                f"provider={provider!r} is not an IRI; give the provider IRI from GET /providers"
            ) from None

    if type_name is not None and not TYPE_NAME.match(type_name):
        raise InputError(
            f"type={type_name!r} is not an MPLI class name; use a name such as ComputeOffering or StorageOffering"
        )

    if country is not None:
        code = country.removeprefix(COUNTRY_AUTHORITY).upper()
        if not COUNTRY_CODE.match(code):
            raise InputError(
                f"country={country!r} is not an ISO 3166-1 alpha-3 code; use a code such as DEU or FRA"
            )
        country = code

    minimum: Decimal | None = None
    if min_vcpu is not None:
        try:
            minimum = Decimal(min_vcpu)
        except InvalidOperation:
            raise InputError(
                f"min_vcpu={min_vcpu!r} is not a number; give a number such as 4"
            ) from None
        if not minimum.is_finite() or minimum < 0:
            raise InputError(f"min_vcpu={min_vcpu!r} must be a finite number of at least 0")

    return OfferingFilter(provider=provider, type=type_name, country=country, min_vcpu=minimum)


def _json_value(term) -> object:
    """Return a JSON value for an RDF term: numbers for numeric literals, text otherwise."""
    if isinstance(term, Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in (
            "decimal",
            "integer",
            "int",
            "long",
            "double",
            "float",
            "nonNegativeInteger",
        ):
            try:
                number = Decimal(term.value)
            except InvalidOperation:
                return term.value
            if number.is_finite() and number == number.to_integral_value():
                return int(number)
            return float(number)
        if datatype == "boolean":
            return term.value == "true"
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value


def _local_name(iri: str) -> str:
    return iri.split("#")[-1].rsplit("/", 1)[-1]


class OfferingCatalogue:
    """The provider and offering views of one :class:`GraphBackend`."""

    def __init__(self, backend: GraphBackend) -> None:
        self.backend = backend

    def providers(self) -> list[dict]:
        """List every provider with its label, headquarters country, graph and offering count."""
        rows = self.backend.store.query(PROVIDERS_QUERY, use_default_graph_as_union=True)
        assert isinstance(rows, QuerySolutions)
        providers = []
        for row in rows:
            country = row["country"]
            providers.append(
                {
                    "iri": row["provider"].value,
                    "label": row["label"].value if row["label"] is not None else None,
                    "country": _local_name(country.value) if country is not None else None,
                    "graph": row["graph"].value,
                    "offerings": int(row["offerings"].value),
                }
            )
        return providers

    def matching_offerings(self, criteria: OfferingFilter) -> list[str]:
        """Return the IRIs of the offerings that pass ``criteria``, sorted."""
        blocks = ["?offering mpli:offeredBy ?provider ."]
        substitutions: dict[Variable, NamedNode | Literal] = {}

        if criteria.provider is not None:
            substitutions[Variable("requestedProvider")] = NamedNode(criteria.provider)
            blocks.append("FILTER(?provider = ?requestedProvider)")
        if criteria.type is not None:
            substitutions[Variable("requestedType")] = NamedNode(MPLI + criteria.type)
            blocks.append(
                "?offering a ?type .\n"
                f"FILTER(?type = ?requestedType || EXISTS {{ GRAPH <{VOCABULARY_GRAPH}> "
                "{ ?type rdfs:subClassOf+ ?requestedType } })"
            )
        if criteria.min_vcpu is not None:
            substitutions[Variable("minimumVcpu")] = Literal(
                str(criteria.min_vcpu),
                datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal"),
            )
            blocks.append("?offering mpli:vcpuCount ?vcpu .\nFILTER(?vcpu >= ?minimumVcpu)")

        # pyoxigraph substitutes only variables that the query projects.
        projected = " ".join(f"?{variable.value}" for variable in substitutions)
        query = (
            PREFIXES
            + f"SELECT DISTINCT ?offering {projected} WHERE {{\n"
            + "\n".join(blocks)
            + "\n}\nORDER BY ?offering"
        )
        rows = self.backend.store.query(
            query,
            default_graph=[NamedNode(graph) for graph in self.backend.graph_names()] or None,
            substitutions=substitutions or None,
        )
        assert isinstance(rows, QuerySolutions)
        found = [row["offering"].value for row in rows if isinstance(row["offering"], NamedNode)]
        if criteria.country is not None:
            countries = self.countries()
            found = [iri for iri in found if criteria.country in countries.get(iri, ())]
        return found

    def countries(self) -> dict[str, frozenset[str]]:
        """Map every offering IRI to the country codes of its locations, cached per store state."""
        return self.backend.memoize("offering countries", self._query_countries)

    def _query_countries(self) -> dict[str, frozenset[str]]:
        graphs = [NamedNode(graph) for graph in self.backend.graph_names()]
        found: dict[str, set[str]] = {}
        for row in self.backend.store.query(COUNTRIES_QUERY, default_graph=graphs or None):
            found.setdefault(row["offering"].value, set()).add(_local_name(row["country"].value))
        return {iri: frozenset(codes) for iri, codes in found.items()}

    def describe(self, iris: list[str], with_properties: bool = False) -> list[dict]:
        """Return the JSON view of each offering in ``iris``, in the same order."""
        if not iris:
            return []
        values = " ".join(f"<{iri}>" for iri in iris)
        graphs = [NamedNode(graph) for graph in self.backend.graph_names()]

        statements: dict[str, list[tuple[str, object]]] = {iri: [] for iri in iris}
        rows = self.backend.store.query(
            f"SELECT ?offering ?p ?o WHERE {{ VALUES ?offering {{ {values} }} ?offering ?p ?o }}",
            default_graph=graphs or None,
        )
        for row in rows:
            statements[row["offering"].value].append((row["p"].value, row["o"]))

        countries = self.countries()
        return [
            self._view(iri, statements[iri], sorted(countries.get(iri, ())), with_properties)
            for iri in iris
        ]

    def _view(
        self,
        iri: str,
        statements: list[tuple[str, object]],
        countries: list[str],
        with_properties: bool,
    ) -> dict:
        first: dict[str, object] = {}
        types: list[str] = []
        properties: dict[str, list[object]] = {}
        for predicate, term in statements:
            value = _json_value(term)
            first.setdefault(predicate, value)
            properties.setdefault(predicate, []).append(value)
            if predicate == RDF_TYPE and isinstance(term, NamedNode):
                types.append(_local_name(term.value))

        view: dict[str, object] = {
            "id": offering_id(iri),
            "iri": iri,
            "offeringId": first.get(MPLI + "offeringId"),
            "label": first.get(RDFS_LABEL),
            "provider": first.get(MPLI + "offeredBy"),
            "types": sorted(types),
            "vcpuCount": first.get(MPLI + "vcpuCount"),
            "memorySize": first.get(MPLI + "memorySize"),
            "countries": countries,
            "href": f"/offerings/{offering_id(iri)}",
        }
        if with_properties:
            view["properties"] = {
                predicate: sorted(values, key=str)
                for predicate, values in sorted(properties.items())
            }
        return view

    def offering(self, identifier: str) -> dict:
        """Return one offering with all its properties; raise :class:`NotFoundError` if absent."""
        iri = offering_iri(identifier)
        if iri not in self.matching_offerings(OfferingFilter()):
            raise NotFoundError(
                f"offering {identifier!r} ({iri}) does not exist in any loaded manifest"
            )
        return self.describe([iri], with_properties=True)[0]
