"""Map rows of ``providers_overview.csv`` to provider facts: delivery, APIs, headquarters.

A value is taken only where the row gives evidence for it: values with a
question mark or evidence "not sourced" are left out.
"""

from __future__ import annotations

import logging
import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from mpli_graph.importers.catalog import ManifestBuilder
from mpli_graph.importers.countries import country_iri
from mpli_graph.importers.sources import CsvRow
from mpli_graph.importers.terms import MAPI, MPLI, MTOOL

logger = logging.getLogger(__name__)

OVERVIEW_FILE = "providers_overview.csv"
OVERVIEW_COLUMNS = [
    "provider", "hq_country_iso2", "hq_evidence", "terraform_registry_address",
    "terraform_evidence", "ansible_collection", "ansible_evidence",
    "api_compatibility_evidenced", "managed_services_evidenced", "data_files_in_this_folder",
]  # fmt: skip

# Phrases of the api_compatibility_evidenced column -> API family.
API_PHRASES = [
    ("proprietary rest api", MAPI["proprietary-rest"]),
    ("openstack", MAPI.openstack),
    ("aws-ec2-compatible", MAPI.ec2),
]
# "S3", "S3-style" or "S3-compatible" in the api_compatibility_evidenced column.
S3_PHRASE = re.compile(r"\bs3\b", re.IGNORECASE)


def add_overview_row(builder: ManifestBuilder, row: CsvRow) -> None:
    """Add headquarters, delivery methods and API compatibility from one overview row."""
    graph = builder.graph
    provider = builder.provider
    builder.use_source(OVERVIEW_FILE)
    graph.add((provider, DCTERMS.source, Literal(row.record())))

    add_headquarters(builder, row)

    address = row["terraform_registry_address"]
    if address:
        delivery = builder.iri("delivery", "terraform")
        graph.add((provider, MPLI.delivery, delivery))
        graph.add((delivery, RDF.type, MPLI.TerraformDelivery))
        graph.add((delivery, MPLI.terraformProviderSource, Literal(address)))
        graph.add((delivery, MPLI.deliveryTool, MTOOL.opentofu))
        graph.add((delivery, MPLI.deliveryTool, MTOOL.terraform))
        graph.add((delivery, DCTERMS.source, Literal(f"{row.record()}: {row['terraform_evidence']}")))

    collection = row["ansible_collection"].split(" (")[0].strip()
    if collection:
        delivery = builder.iri("delivery", "ansible")
        graph.add((provider, MPLI.delivery, delivery))
        graph.add((delivery, RDF.type, MPLI.AnsibleDelivery))
        graph.add((delivery, MPLI.ansibleCollection, Literal(collection)))
        graph.add((delivery, MPLI.deliveryTool, MTOOL.ansible))
        graph.add((delivery, DCTERMS.source, Literal(f"{row.record()}: {row['ansible_evidence']}")))

    for api in api_families(row["api_compatibility_evidenced"]):
        graph.add((provider, MPLI.apiCompatibility, api))


def add_headquarters(builder: ManifestBuilder, row: CsvRow) -> None:
    """Add the headquarters country unless the row marks it as uncertain or unsourced."""
    country = row["hq_country_iso2"]
    evidence = row["hq_evidence"]
    if not country:
        return
    if "?" in country or "not sourced" in evidence.lower():
        logger.info("%s: headquarters %r left out (not evidenced)", row.record(), country)
        return
    code = country.split()[0]
    context = f"{row.record()} hq_country_iso2"
    builder.graph.add((builder.provider, MPLI.headquarterCountry, country_iri(code, context)))


def api_families(text: str) -> list[URIRef]:
    """Return the API families that an ``api_compatibility_evidenced`` value names."""
    lowered = text.lower()
    if "?" in lowered or "not sourced" in lowered:
        return []
    return [api for phrase, api in API_PHRASES if phrase in lowered]


def s3_evidence(row: CsvRow) -> str:
    """Return the row's record and text when it evidences an S3 API, else an empty string."""
    text = row["api_compatibility_evidenced"]
    lowered = text.lower()
    if "?" in lowered or "not sourced" in lowered or not S3_PHRASE.search(text):
        return ""
    return f"{row.record()}: {text}"


def add_provider_s3(builder: ManifestBuilder, evidence: str) -> None:
    """State S3 API compatibility on the provider when it sells S3-compatible object storage.

    A provider-level statement applies to every offering of the provider, so
    it is made only when the overview row evidences an S3 API (``evidence``)
    and the provider's data has at least one object storage offering stated
    S3-compatible. The provider's ``dcterms:source`` names both.
    """
    graph = builder.graph
    stores = sorted(
        str(graph.value(offering, MPLI.offeringId))
        for offering in builder.offerings
        if (offering, RDF.type, MPLI.ObjectStorageOffering) in graph
        and (offering, MPLI.apiCompatibility, MAPI.s3) in graph
    )
    if not evidence or not stores:
        if evidence:
            logger.info(
                "%s: the overview names an S3 API, but the data has no S3-compatible object "
                "storage offering, so the provider states no S3 compatibility",
                builder.entry.label,
            )
        return

    graph.add((builder.provider, MPLI.apiCompatibility, MAPI.s3))
    graph.add(
        (
            builder.provider,
            DCTERMS.source,
            Literal(
                f"S3 compatibility: sells S3-compatible object storage ({', '.join(stores)}); "
                f"{evidence}"
            ),
        )
    )
