"""Build one provider manifest graph: stable IRIs, locations, sources and licences.

A :class:`ManifestBuilder` collects everything the importers learn about one
provider. Every node gets an IRI under ``https://w3id.org/mpli/catalog/<slug>/``
(no blank nodes), so that the Turtle output is the same on every run.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from mpli_graph.errors import InputError
from mpli_graph.importers.countries import country_iri
from mpli_graph.importers.sources import SourceFile
from mpli_graph.importers.terms import CATALOG, CC_BY_SA_4, MPLI, PREFIXES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProviderEntry:
    """A provider of the catalogue: its slug, display name and the names source files use.

    ``zone_records`` marks that the provider's rows in ``regions_normalized.csv``
    are availability zones (the provider's API calls them zones), not regions.
    """

    slug: str
    label: str
    source_names: tuple[str, ...]
    zone_records: bool = False


def slugify(text: str) -> str:
    """Turn an identifier into an IRI path segment: lower case, ``+`` as ``-plus``."""
    segment = text.strip().lower().replace("&", "-and-").replace("+", "-plus")
    segment = re.sub(r"[^a-z0-9._-]+", "-", segment)
    return re.sub(r"-{2,}", "-", segment).strip("-")


def decimal_literal(value: Decimal | int | float | str) -> Literal:
    """Return an ``xsd:decimal`` literal without exponent notation."""
    number = Decimal(str(value))
    text = format(number, "f")
    return Literal(text, datatype=XSD.decimal)


@dataclass
class LocationInfo:
    """Facts that the sources state about one location code of a provider."""

    code: str
    kind: URIRef = MPLI.Region
    country: str = ""
    country_basis: str = ""
    city: str = ""
    parent: str = ""
    sources: set[str] = field(default_factory=set)


class ManifestBuilder:
    """Collect the triples of one provider manifest."""

    def __init__(self, entry: ProviderEntry, source_table: dict[str, SourceFile]) -> None:
        self.entry = entry
        self.source_table = source_table
        self.base = f"{CATALOG}{entry.slug}/"
        self.graph = Graph()
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace, override=True, replace=True)
        self.graph.bind("catalog", self.base)
        self.provider = URIRef(self.base + "provider")
        self.manifest = URIRef(self.base + "manifest")
        self.offerings: list[URIRef] = []
        self._offering_set: set[URIRef] = set()
        self.locations: dict[str, LocationInfo] = {}
        self.used_sources: set[str] = set()

        self.graph.add((self.provider, RDF.type, MPLI.Provider))
        self.graph.add((self.provider, RDFS.label, Literal(entry.label)))

    def iri(self, *parts: str) -> URIRef:
        """Mint the IRI ``<base><part>/<part>...`` from identifiers of the source data."""
        return URIRef(self.base + "/".join(slugify(part) for part in parts))

    def use_source(self, file: str) -> URIRef:
        """Record that the manifest uses ``file`` and return the IRI naming that file."""
        if file not in self.source_table:
            logger.warning(
                "%s: source file %s is not listed in the source table; "
                "its licence is not recorded",
                self.entry.label,
                file,
            )
        self.used_sources.add(file)
        return source_iri(file)

    def add_offering(
        self,
        kind: URIRef,
        path: tuple[str, ...],
        offering_id: str,
        label: str,
        source: str,
        files: tuple[str, ...],
    ) -> URIRef:
        """Add an offering of class ``kind`` with its identifier, label and source record."""
        offering = self.iri("offering", *path)
        if offering in self._offering_set:
            raise InputError(
                f"{source}: a second record for the offering {offering}; "
                "remove the duplicate row or give it its own region or zone"
            )
        self._offering_set.add(offering)

        self.graph.add((offering, RDF.type, kind))
        self.graph.add((offering, MPLI.offeredBy, self.provider))
        self.graph.add((offering, MPLI.offeringId, Literal(offering_id)))
        self.graph.add((offering, RDFS.label, Literal(label)))
        self.graph.add((offering, DCTERMS.source, Literal(source)))
        for file in files:
            self.use_source(file)
        self.offerings.append(offering)
        return offering

    def location(self, code: str) -> LocationInfo:
        """Return the location record for ``code``, creating an empty one."""
        if code not in self.locations:
            self.locations[code] = LocationInfo(code=code)
        return self.locations[code]

    def location_iri(self, code: str) -> URIRef:
        """Return the IRI of the location ``code`` (and register the location)."""
        self.location(code)
        return self.iri("location", code)

    def add_quantity(self, subject: URIRef, predicate: URIRef, value: Decimal | None) -> None:
        """Add a decimal quantity unless the value is unknown."""
        if value is not None:
            self.graph.add((subject, predicate, decimal_literal(value)))

    def finish(self, modified: date) -> Graph:
        """Add the locations, sources, licence and manifest node, and return the graph."""
        self._add_locations()

        graph = self.graph
        graph.add((self.manifest, RDF.type, MPLI.ProviderManifest))
        graph.add((self.manifest, RDFS.label, Literal(f"MPLI provider manifest of {self.entry.label}")))
        graph.add((self.manifest, DCTERMS.publisher, self.provider))
        graph.add((self.manifest, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.date)))
        graph.add((self.manifest, MPLI.describes, self.provider))
        for offering in self.offerings:
            graph.add((self.manifest, MPLI.describes, offering))

        share_alike = False
        for file in sorted(self.used_sources):
            node = source_iri(file)
            graph.add((self.manifest, DCTERMS.source, node))
            graph.add((node, RDFS.label, Literal(file)))
            info = self.source_table.get(file)
            if info is None:
                continue
            graph.add((node, DCTERMS.description, Literal(info.origin)))
            graph.add((node, DCTERMS.rights, Literal(info.license)))
            if info.license_iri:
                graph.add((node, DCTERMS.license, URIRef(info.license_iri)))
            if info.attribution:
                graph.add((node, DCTERMS.bibliographicCitation, Literal(info.attribution)))
            share_alike = share_alike or info.share_alike

        if share_alike:
            attributions = sorted(
                {
                    self.source_table[file].attribution
                    for file in self.used_sources
                    if file in self.source_table and self.source_table[file].share_alike
                }
            )
            graph.add((self.manifest, DCTERMS.license, URIRef(CC_BY_SA_4)))
            graph.add(
                (
                    self.manifest,
                    DCTERMS.rights,
                    Literal(
                        "Contains data under CC BY-SA 4.0, so this manifest is shared under "
                        "CC BY-SA 4.0. Attribution: " + "; ".join(attributions)
                    ),
                )
            )
        return graph

    def _add_locations(self) -> None:
        """Write one node per location code with its class, country, city and parent."""
        graph = self.graph
        for code in sorted(self.locations):
            info = self.locations[code]
            node = self.iri("location", code)
            graph.add((node, RDF.type, info.kind))
            graph.add((node, MPLI.locationCode, Literal(code)))
            graph.add((node, RDFS.label, Literal(f"{self.entry.label} {code}")))
            if info.country:
                context = f"{self.entry.label} location {code}"
                graph.add((node, MPLI.country, country_iri(info.country, context)))
                graph.add((node, MPLI.countryBasis, Literal(info.country_basis)))
            if info.city:
                graph.add((node, MPLI.city, Literal(info.city)))
            if info.parent:
                graph.add((node, MPLI.partOf, self.location_iri(info.parent)))
            for file in sorted(info.sources):
                graph.add((node, DCTERMS.source, Literal(file)))


def source_iri(file: str) -> URIRef:
    """Return the IRI that names one source file of the catalogue."""
    return URIRef(f"{CATALOG}source/{file}")
