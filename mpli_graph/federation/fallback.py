"""Fall back to a member's last harvested copy when the member does not respond.

The harvested copy lives in a :class:`~mpli_graph.store.ManifestStore` as one
source graph. A member is matched to its source by the member's own IRI, by
its endpoint URL as source IRI, or by the endpoint URL as the source's origin,
in that order. The copy is reported as ``stale`` with its age in seconds, so
a user sees that the data is not live.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import pyoxigraph as ox

from mpli_graph.federation.members import FederationMember
from mpli_graph.federation.result import STATUS_STALE, SourceReport
from mpli_graph.store import ManifestStore, SourceRecord

logger = logging.getLogger(__name__)


@dataclass
class HarvestedCopy:
    """A member's harvested triples and when they were loaded."""

    source: SourceRecord
    triples: list[ox.Triple]
    age_seconds: float


def find_source(harvest: ManifestStore, member: FederationMember) -> SourceRecord | None:
    """Return the harvested source that contains a member's manifest, or None."""
    records = harvest.sources()
    for wanted in (member.iri, member.endpoint):
        for record in records:
            if wanted is not None and record.iri == wanted:
                return record
    for record in records:
        if record.origin == member.endpoint:
            return record
    return None


def age_of(record: SourceRecord, now: datetime | None = None) -> float:
    """Return how many seconds ago a source was loaded."""
    loaded = datetime.fromisoformat(record.loaded_at)
    if loaded.tzinfo is None:
        loaded = loaded.replace(tzinfo=timezone.utc)
    return ((now or datetime.now(timezone.utc)) - loaded).total_seconds()


def harvested_copy(harvest: ManifestStore, member: FederationMember) -> HarvestedCopy | None:
    """Return a member's last harvested copy, or None when the harvest has none."""
    record = find_source(harvest, member)
    if record is None:
        return None
    data = harvest.export_source(record.iri, format=ox.RdfFormat.N_TRIPLES)
    triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    return HarvestedCopy(record, triples, age_of(record))


def stale_report(failed: SourceReport, copy: HarvestedCopy) -> SourceReport:
    """Return the report of a member replaced by its harvested copy."""
    logger.warning(
        "federation member %s failed; using its harvested copy from %s", failed.endpoint, copy.source.loaded_at
    )
    return SourceReport(
        endpoint=failed.endpoint,
        status=STATUS_STALE,
        elapsed_ms=failed.elapsed_ms,
        error=f"{failed.status}: {failed.error}; used the copy harvested at {copy.source.loaded_at}",
        rows=len(copy.triples),
        age_seconds=copy.age_seconds,
    )
