"""Map regions and zones to ``mpli:Region`` and ``mpli:AvailabilityZone`` nodes.

Locations come from ``regions_normalized.csv`` (one row per region or zone,
with country and the basis of that country) and from the region and zone
columns of the offering rows. A country is stated only where a source states
it or where its basis records how it was derived.
"""

from __future__ import annotations

import logging
import re

from rdflib import URIRef

from mpli_graph.importers.catalog import ManifestBuilder
from mpli_graph.importers.sources import CsvRow
from mpli_graph.importers.terms import MPLI

logger = logging.getLogger(__name__)

REGION_COLUMNS = [
    "provider", "region_id", "display_name", "city", "country_iso2", "lat", "lon", "basis",
    "source_file",
]  # fmt: skip

# Open Telekom Cloud publishes its region codes without a country field; the
# country code inside each region name is the only evidence.
REGION_CODE_COUNTRIES = {
    "open-telekom-cloud": {"eu-de": "DE", "eu-nl": "NL", "eu-ch2": "CH"},
}
DERIVED_FROM_CODE = "derived from the region code"


def add_region_record(builder: ManifestBuilder, row: CsvRow, zone_kind: bool) -> None:
    """Add one ``regions_normalized.csv`` row and let the provider operate it."""
    code = row["region_id"]
    info = builder.location(code)
    if zone_kind:
        info.kind = MPLI.AvailabilityZone
    info.sources.add(row.record())

    country = row["country_iso2"]
    derived = REGION_CODE_COUNTRIES.get(builder.entry.slug, {}).get(code)
    if country:
        info.country = country
        info.country_basis = row["basis"]
    elif derived:
        info.country = derived
        info.country_basis = DERIVED_FROM_CODE

    city = row["city"]
    if city and "inferred" in city:
        logger.info("%s: city of %s left out because the source infers it", row.record(), code)
    elif city:
        info.city = city.split(" (")[0].strip()

    parent = re.fullmatch(r"(.+)/\d+", code)
    if parent and "child location of " + parent.group(1) in city:
        info.parent = parent.group(1)
        builder.location(info.parent)

    source_file = row["source_file"]
    if source_file in builder.source_table:
        builder.use_source(source_file)
    builder.use_source(row.file)
    builder.graph.add((builder.provider, MPLI.operatesLocation, builder.location_iri(code)))


def place_offering_row(builder: ManifestBuilder, row: CsvRow) -> URIRef | None:
    """Return the location of an offering row (its zone, else its region), or ``None``."""
    region = row["region"]
    zone = row["zone"]
    if not region and not zone:
        return None

    if region:
        builder.location(region)
    if zone and zone != region:
        zone_info = builder.location(zone)
        zone_info.kind = MPLI.AvailabilityZone
        if region:
            zone_info.parent = region
    elif zone:
        builder.location(zone).kind = MPLI.AvailabilityZone

    code = zone or region
    info = builder.location(code)
    if row["country_iso2"] and not info.country:
        info.country = row["country_iso2"]
        info.country_basis = row["country_basis"]
    return builder.location_iri(code)


def add_region_countries_from_zones(builder: ManifestBuilder) -> None:
    """Give a region without a stated country the country that all of its zones share."""
    zones_by_region: dict[str, list[str]] = {}
    for info in builder.locations.values():
        if info.parent:
            zones_by_region.setdefault(info.parent, []).append(info.code)

    for region, zones in sorted(zones_by_region.items()):
        info = builder.locations[region]
        if info.country:
            continue
        countries = {builder.locations[zone].country for zone in zones}
        if len(countries) != 1 or "" in countries:
            continue
        first = builder.locations[sorted(zones)[0]]
        info.country = first.country
        info.country_basis = f"country of its zones ({first.country_basis})"
