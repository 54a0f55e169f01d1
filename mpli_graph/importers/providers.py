"""Convert the public provider data into one MPLI provider manifest per provider.

:func:`import_providers` reads the source files of ``examples/data/providers``
(listed with origin and licence in its ``SOURCES.md``) and writes
``<output>/<provider-slug>.ttl``. The output is deterministic: every node has
a stable IRI and re-running the import gives identical files.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from rdflib import Graph

from mpli_graph.importers import certifications, delivery, gaiax, managed_services, offerings
from mpli_graph.importers.catalog import ManifestBuilder, ProviderEntry
from mpli_graph.importers.locations import (
    REGION_COLUMNS,
    add_region_countries_from_zones,
    add_region_record,
)
from mpli_graph.importers.serialize import write_turtle
from mpli_graph.importers.sources import CsvRow, read_csv, read_json, read_source_table, require_folder
from mpli_graph.resources import EXAMPLES_DIR

logger = logging.getLogger(__name__)

DEFAULT_SOURCE = EXAMPLES_DIR / "data" / "providers"
DEFAULT_OUTPUT = EXAMPLES_DIR / "providers"
REGIONS_FILE = "regions_normalized.csv"

# The date the files of examples/data/providers were copied from their
# sources. Every generated manifest uses it as dcterms:modified, so the output
# does not change from run to run. Update it when the files are refreshed.
SNAPSHOT_DATE = date(2026, 12, 4)

# The one table that maps the provider names of all source files to a provider.
PROVIDERS = [
    ProviderEntry("scaleway", "Scaleway", ("Scaleway",), zone_records=True),
    ProviderEntry("ovhcloud", "OVHcloud", ("OVHcloud",)),
    ProviderEntry("hetzner-cloud", "Hetzner Cloud", ("Hetzner Cloud", "Hetzner Online")),
    ProviderEntry("upcloud", "UpCloud", ("UpCloud",), zone_records=True),
    ProviderEntry(
        "open-telekom-cloud",
        "Open Telekom Cloud",
        ("Open Telekom Cloud", "Open Telekom Cloud (T-Systems)", "Open Telekom Cloud (Swiss)"),
    ),
    ProviderEntry("ionos-cloud", "IONOS Cloud", ("IONOS Cloud", "IONOS")),
    ProviderEntry("seeweb", "Seeweb", ("Seeweb",)),
    ProviderEntry("nebius", "Nebius", ("Nebius",)),
    ProviderEntry("cloud-and-heat", "Cloud&Heat", ("Cloud&Heat IaaS", "Cloud&Heat Technologies")),
]
SCS_REGISTER_NAMES = {"cloud-and-heat": "Cloud&Heat IaaS"}


def provider_lookup() -> dict[str, ProviderEntry]:
    """Return the provider entry for every name that a source file uses."""
    return {name: entry for entry in PROVIDERS for name in entry.source_names}


def import_providers(
    source: Path = DEFAULT_SOURCE,
    output: Path = DEFAULT_OUTPUT,
    modified: date = SNAPSHOT_DATE,
) -> list[Path]:
    """Convert the source files in ``source`` and write one manifest per provider to ``output``.

    Returns the written paths, sorted. Raises :class:`~mpli_graph.errors.InputError`
    for a missing folder, a missing file or column, or an invalid value.
    """
    graphs = build_manifests(source, modified)

    output.mkdir(parents=True, exist_ok=True)
    paths = []
    for slug, graph in sorted(graphs.items()):
        path = output / f"{slug}.ttl"
        write_turtle(graph, path)
        logger.info("wrote %s (%d triples)", path, len(graph))
        paths.append(path)
    return paths


def build_manifests(source: Path, modified: date = SNAPSHOT_DATE) -> dict[str, Graph]:
    """Read the source files in ``source`` and return the manifest graph of each provider slug."""
    require_folder(source)
    table = read_source_table(source)
    lookup = provider_lookup()
    builders = {entry.slug: ManifestBuilder(entry, table) for entry in PROVIDERS}

    for row in read_csv(source, REGIONS_FILE, REGION_COLUMNS):
        builder = builder_for(builders, lookup, row)
        if builder is not None:
            add_region_record(builder, row, zone_kind=builder.entry.zone_records)

    for row in read_csv(source, offerings.OFFERINGS_FILE, offerings.OFFERING_COLUMNS):
        builder = builder_for(builders, lookup, row)
        if builder is not None:
            offerings.add_offering_row(builder, row)

    overview_rows = read_csv(source, delivery.OVERVIEW_FILE, delivery.OVERVIEW_COLUMNS)
    s3_evidence: dict[str, str] = {}
    for row in overview_rows:
        builder = builder_for(builders, lookup, row)
        if builder is not None:
            delivery.add_overview_row(builder, row)
            evidence = delivery.s3_evidence(row)
            if evidence:
                s3_evidence[builder.entry.slug] = evidence

    claim_rows = read_csv(source, certifications.CLAIMS_FILE, certifications.CLAIM_COLUMNS)
    for row in claim_rows:
        builder = builder_for(builders, lookup, row)
        if builder is not None:
            certifications.add_claim_row(builder, row)
    for slug, builder in builders.items():
        own_rows = [row for row in claim_rows if lookup.get(row["provider"]) is builder.entry]
        certifications.add_support_response(builder, own_rows)

    add_managed_services(source, builders, s3_evidence)
    add_cloud_and_heat(source, builders["cloud-and-heat"])

    # A provider that sells S3-compatible object storage states S3 on itself
    # too, so that a consumer asking for S3 "from the same provider" finds its
    # virtual machines. In this data that is UpCloud: its overview row names
    # S3-style managed object storage, and its API fixtures list the regions.
    for slug, builder in builders.items():
        delivery.add_provider_s3(builder, s3_evidence.get(slug, ""))

    graphs = {}
    for slug, builder in builders.items():
        add_region_countries_from_zones(builder)
        graphs[slug] = builder.finish(modified)
    return graphs


def builder_for(
    builders: dict[str, ManifestBuilder], lookup: dict[str, ProviderEntry], row: CsvRow
) -> ManifestBuilder | None:
    """Return the builder of the row's provider; log and return ``None`` for other providers."""
    entry = lookup.get(row["provider"])
    if entry is None:
        logger.warning(
            "%s skipped: provider %r is not in the provider table of the importer",
            row.record(),
            row["provider"],
        )
        return None
    return builders[entry.slug]


def add_managed_services(
    source: Path, builders: dict[str, ManifestBuilder], s3_evidence: dict[str, str]
) -> None:
    """Add the managed services of Scaleway, UpCloud and IONOS Cloud."""
    scaleway = read_json(source, managed_services.SCALEWAY_FILE)
    managed_services.add_scaleway_services(builders["scaleway"], scaleway)

    upcloud = read_json(source, managed_services.UPCLOUD_FILE)
    managed_services.add_upcloud_services(
        builders["upcloud"], upcloud, s3_evidence.get("upcloud", "")
    )

    ionos_rows = read_csv(source, managed_services.IONOS_FILE, managed_services.IONOS_COLUMNS)
    managed_services.add_ionos_services(builders["ionos-cloud"], ionos_rows)


def add_cloud_and_heat(source: Path, builder: ManifestBuilder) -> None:
    """Add the Cloud&Heat provider and offerings from its Gaia-X credentials."""
    legal_person = read_json(source, gaiax.LEGAL_PERSON_FILE)
    registration = read_json(source, gaiax.REGISTRATION_FILE)
    gaiax.add_legal_person(builder, legal_person, registration)

    register = read_json(source, gaiax.SCS_FILE)
    evidence = gaiax.add_scs_evidence(builder, register, SCS_REGISTER_NAMES["cloud-and-heat"])

    vmo = read_json(source, gaiax.VMO_FILE)
    gaiax.add_vm_offering(builder, vmo, evidence)
