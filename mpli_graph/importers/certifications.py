"""Map rows of ``certification_claims.csv`` to certification claims and service levels.

Each row is one claim by or about a provider, with its source and how strong
that source is. The claim status keeps that strength (self-declared,
third-party, registry ...). Rows that are no certification become the term
that fits them (an availability figure becomes an ``mpli:ServiceLevel``) or
are skipped with a logged reason.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from mpli_graph.importers.catalog import ManifestBuilder, decimal_literal
from mpli_graph.importers.sources import CsvRow
from mpli_graph.importers.terms import MCERT, MPLI, MSTATUS

logger = logging.getLogger(__name__)

CLAIMS_FILE = "certification_claims.csv"
CLAIM_COLUMNS = [
    "provider", "scope", "certification_or_label", "claim_status", "source_type",
    "source_url_or_file", "evidence_note",
]  # fmt: skip

CLAIM_STATUSES = {
    "claimed by vendor": MSTATUS["self-declared"],
    "claimed by vendor (old page)": MSTATUS["self-declared"],
    "third-party statement": MSTATUS["third-party"],
    "listed in label registry": MSTATUS.registry,
    "certified": MSTATUS.registry,
    "recorded by open dataset": MSTATUS["self-declared"],
    "in progress (not qualified)": MSTATUS["in-progress"],
    "referenced (url only)": MSTATUS.referenced,
    "documented shared-responsibility for hds": MSTATUS.referenced,
}

# Label text of the source (lower case) -> schemes. The first matching pattern wins.
SCHEME_PATTERNS: list[tuple[str, tuple[str, ...]]] = [
    (r"soc 1 / soc 2 / soc 3", ("soc-1", "soc-2", "soc-3")),
    (r"^iso/iec 27001", ("iso-iec-27001",)),
    (r"^iso/iec 27017", ("iso-iec-27017",)),
    (r"^iso/iec 27018", ("iso-iec-27018",)),
    (r"^iso/iec 27701", ("iso-iec-27701",)),
    (r"^iso 22301", ("iso-22301",)),
    (r"^pci dss", ("pci-dss",)),
    (r"^hds", ("hds",)),
    (r"^secnumcloud", ("secnumcloud",)),
    (r"^bsi c5 type 1", ("bsi-c5-type-1",)),
    (r"^bsi c5 type 2", ("bsi-c5-type-2",)),
    (r"^bsi c5", ("bsi-c5",)),
    (r"^csa star level 1", ("csa-star-level-1",)),
    (r"^csa star level 2", ("csa-star-level-2",)),
    (r"^csa star level 3", ("csa-star-level-3",)),
    (r"^csa ccm / open certification framework level 1", ("csa-star-level-1",)),
    (r"^scs-compatible iaas \+ kaas", ("scs-compatible-iaas", "scs-compatible-kaas")),
    (r"^scs-compatible iaas", ("scs-compatible-iaas",)),
    (r"^scs-compatible kaas", ("scs-compatible-kaas",)),
]
AVAILABILITY_PATTERN = re.compile(r"^sla availability ([0-9.]+) ?%$")

OPEN_DATASET_NOTE = (
    "Vendor claim recorded by a third party (an open dataset), not checked by that party"
)


@dataclass(frozen=True)
class NoteClaim:
    """A claim that the evidence note of a claim row lists beside the row's own claim."""

    provider: str
    row_label: str
    scheme: str
    listed_as: str


# The Trusted Cloud registry row of Open Telekom Cloud lists further
# certifications in its evidence note; each becomes a claim with the same
# evidence. "ISO 45001:2018" (occupational safety) has no scheme and is left out.
NOTE_CLAIMS = [
    NoteClaim("Open Telekom Cloud", "BSI C5 (ISAE 3000)", "iso-22301", "ISO 22301:2020"),
    NoteClaim("Open Telekom Cloud", "BSI C5 (ISAE 3000)", "soc-1", "SOC 1 (ISAE 3402)"),
    NoteClaim("Open Telekom Cloud", "BSI C5 (ISAE 3000)", "soc-2", "SOC 2"),
    NoteClaim("Open Telekom Cloud", "BSI C5 (ISAE 3000)", "tcdp", "Trusted Cloud Data Profile v1.0"),
]
SUPPORT_RESPONSE_PATTERN = re.compile(r"support response (\d+(?:\.\d+)?) ?h\b")


def schemes_of(label: str) -> tuple[str, ...]:
    """Return the scheme local names for a certification label, or ``()``."""
    text = label.strip().lower()
    for pattern, schemes in SCHEME_PATTERNS:
        if re.search(pattern, text):
            return schemes
    return ()


def add_claim_row(builder: ManifestBuilder, row: CsvRow) -> None:
    """Add the certification claims (or the service level) of one claim row."""
    label = row["certification_or_label"]
    status_text = row["claim_status"].lower()

    if status_text == "not certified":
        logger.warning("%s skipped: %r is listed as not certified, so it is no claim", row.record(), label)
        return

    availability = AVAILABILITY_PATTERN.match(label.lower())
    if availability:
        add_service_level(builder, row, availability.group(1))
        return

    schemes = schemes_of(label)
    if not schemes:
        logger.warning(
            "%s skipped: %r (%s) matches no certification scheme of the vocabulary",
            row.record(),
            label,
            row["claim_status"],
        )
        return

    status = CLAIM_STATUSES.get(status_text)
    if status is None:
        logger.warning("%s skipped: claim status %r has no mapping", row.record(), row["claim_status"])
        return

    builder.use_source(CLAIMS_FILE)
    for scheme in schemes:
        claim = claim_iri(builder, scheme)
        add_claim(builder, claim, scheme, status, row)
        note = evidence_note(row, status_text)
        if note:
            builder.graph.add((claim, MPLI.evidenceNote, Literal(note)))

    for extra in NOTE_CLAIMS:
        if extra.provider == row["provider"] and extra.row_label == label:
            claim = claim_iri(builder, extra.scheme)
            add_claim(builder, claim, extra.scheme, status, row)
            builder.graph.add(
                (
                    claim,
                    MPLI.evidenceNote,
                    Literal(f"{extra.listed_as}, listed in the evidence note of this row"),
                )
            )


def claim_iri(builder: ManifestBuilder, scheme: str) -> URIRef:
    """Return a fresh claim IRI ``<provider>/certification/<scheme>[-n]``."""
    candidate = builder.iri("certification", scheme)
    number = 2
    while (candidate, None, None) in builder.graph:
        candidate = builder.iri("certification", f"{scheme}-{number}")
        number += 1
    return candidate


def add_claim(
    builder: ManifestBuilder, claim: URIRef, scheme: str, status: URIRef, row: CsvRow
) -> None:
    """Add one ``mpli:Certification`` node on the provider."""
    graph = builder.graph
    graph.add((builder.provider, MPLI.certification, claim))
    graph.add((claim, RDF.type, MPLI.Certification))
    graph.add((claim, MPLI.scheme, MCERT[scheme]))
    graph.add((claim, MPLI.claimStatus, status))
    if row["scope"]:
        graph.add((claim, MPLI.scope, Literal(row["scope"])))
    graph.add((claim, DCTERMS.source, Literal(f"{row.record()}: {row['certification_or_label']}")))
    for url in evidence_urls(row["source_url_or_file"]):
        graph.add((claim, MPLI.evidence, URIRef(url)))


def evidence_urls(text: str) -> list[str]:
    """Return the complete URLs of a source column; truncated ones (with ``...``) are left out."""
    parts = [part.strip() for part in text.split(" ; ")]
    return [part for part in parts if re.fullmatch(r"https?://\S+", part) and "..." not in part]


def evidence_note(row: CsvRow, status_text: str) -> str:
    """Compose the evidence note: source type, non-URL sources, and the row's own note."""
    sources = [part.strip() for part in row["source_url_or_file"].split(" ; ")]
    other = [part for part in sources if part and part not in evidence_urls(row["source_url_or_file"])]
    parts = []
    if status_text == "recorded by open dataset":
        parts.append(OPEN_DATASET_NOTE)
    if row["source_type"]:
        parts.append(f"source: {row['source_type']}")
    if other:
        parts.append("see " + " ; ".join(other))
    if row["evidence_note"]:
        parts.append(row["evidence_note"])
    return ". ".join(parts)


def add_service_level(builder: ManifestBuilder, row: CsvRow, availability: str) -> None:
    """Add the provider's ``mpli:ServiceLevel`` with the availability of an SLA row."""
    graph = builder.graph
    level = builder.iri("service-level")
    graph.add((builder.provider, MPLI.serviceLevel, level))
    graph.add((level, RDF.type, MPLI.ServiceLevel))
    graph.add((level, MPLI.availability, decimal_literal(availability)))
    graph.add((level, DCTERMS.source, Literal(f"{row.record()}: {row['certification_or_label']}")))
    for url in evidence_urls(row["source_url_or_file"]):
        graph.add((level, MPLI.evidence, URIRef(url)))
    graph.add((level, MPLI.evidenceNote, Literal(evidence_note(row, row["claim_status"].lower()))))
    builder.use_source(CLAIMS_FILE)


def add_support_response(builder: ManifestBuilder, rows: list[CsvRow]) -> None:
    """Add the support response time that a registry row's evidence note states, if any."""
    level = builder.iri("service-level")
    if (level, RDF.type, MPLI.ServiceLevel) not in builder.graph:
        return
    for row in rows:
        match = SUPPORT_RESPONSE_PATTERN.search(row["evidence_note"])
        if match and row["claim_status"].lower() == "listed in label registry":
            builder.graph.add((level, MPLI.supportResponseTime, decimal_literal(match.group(1))))
            builder.graph.add(
                (level, DCTERMS.source, Literal(f"{row.record()}: support response time"))
            )
            return


__all__ = ["CLAIM_COLUMNS", "CLAIMS_FILE", "add_claim_row", "add_support_response", "schemes_of"]
