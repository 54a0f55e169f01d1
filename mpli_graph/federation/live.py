"""Resolve a consumer manifest against the live endpoints of federation members.

Design: every member receives one CONSTRUCT (``queries/federation/member-data.rq``)
at the same time; the responses go into a temporary in-memory
:class:`~mpli_graph.store.ManifestStore` (one source graph per member, with
the MPLI vocabulary), and the ordinary resolver runs over it. The ranking is
therefore the same as over a harvested store holding the same manifests.

Trade-off: each member sends all its offerings and their linked nodes, not only
the rows one requirement needs. For manifests of a few hundred offerings the
transfer is small next to the round trip, the resolver's eight queries run
locally, and a member is asked once per resolution instead of once per
requirement kind. A member with a very large catalogue would be better served
by pushing the requirement queries into SERVICE blocks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib

from mpli_graph.errors import ConflictError, InputError, LimitExceededError
from mpli_graph.federation.fallback import harvested_copy, stale_report
from mpli_graph.federation.members import Federation, FederationMember
from mpli_graph.federation.result import STATUS_ERROR, STATUS_OK, STATUS_STALE, SourceReport
from mpli_graph.federation.templates import member_query
from mpli_graph.federation.transport import Transport
from mpli_graph.resolution import CredentialChecker, Resolution, resolve
from mpli_graph.store import ManifestStore

logger = logging.getLogger(__name__)

MEMBER_DATA_QUERY = "member-data"


@dataclass
class LiveResolution:
    """A resolution over live members, with a report for each member."""

    resolution: Resolution
    sources: list[SourceReport]

    @property
    def complete(self) -> bool:
        """True when every member responded live."""
        return all(source.status == STATUS_OK for source in self.sources)

    def to_json(self) -> dict:
        """Return the resolver's JSON with a ``sources`` list added."""
        body = self.resolution.to_json()
        body["sources"] = [source.to_json() for source in self.sources]
        return body


def gather(
    federation: Federation,
    transport: Transport,
    fallback: ManifestStore | None = None,
) -> tuple[ManifestStore, list[SourceReport]]:
    """Fetch every member's data in parallel into a temporary store."""
    query = member_query(MEMBER_DATA_QUERY)
    members = list(federation)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, min(64, len(members))), thread_name_prefix="mpli-live") as pool:
        responses = list(pool.map(lambda member: transport.construct(member, query), members))
    logger.info("fetched %d members in %.1f ms", len(members), (time.monotonic() - started) * 1000)

    store = ManifestStore()
    reports = []
    for member, (triples, report) in zip(members, responses):
        if triples is None and fallback is not None:
            copy = harvested_copy(fallback, member)
            if copy is not None:
                triples, report = copy.triples, stale_report(report, copy)
        if triples is not None:
            report = load_member(store, member, triples, report)
        reports.append(report)
    return store, reports


def load_member(
    store: ManifestStore, member: FederationMember, triples: list[ox.Triple], report: SourceReport
) -> SourceReport:
    """Load one member's triples as its own source graph; report a conflict as an error."""
    source_iri = member.iri or member.endpoint
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    try:
        store.load_source(source_iri, data, format=ox.RdfFormat.N_TRIPLES, origin=member.endpoint)
    except (ConflictError, InputError) as error:
        logger.warning("federation member %s not used: %s", member.endpoint, error.message)
        return SourceReport(member.endpoint, STATUS_ERROR, report.elapsed_ms, error.message)
    return report


def resolve_live(
    members: Federation,
    consumer_graph: rdflib.Graph | Iterable[ox.Triple | ox.Quad],
    *,
    top: int | None = None,
    fallback: ManifestStore | None = None,
    transport: Transport | None = None,
    partial: bool = True,
    credential_checker: CredentialChecker | None = None,
    checker_for_store: Callable[[ManifestStore], CredentialChecker | None] | None = None,
) -> LiveResolution:
    """Resolve a consumer manifest against the members' live endpoints.

    ``fallback`` is a harvested store used for a member that does not respond.
    With ``partial=False`` a member that neither responds nor has a harvested
    copy raises LimitExceededError instead of being left out.
    ``checker_for_store`` builds the credential checker from the store of the
    fetched data, for a checker that reads claims from it; it takes precedence
    over ``credential_checker``.
    """
    own_transport = transport is None
    transport = transport or Transport()
    try:
        store, reports = gather(members, transport, fallback)
    finally:
        if own_transport:
            transport.close()

    with store:
        missing = [report for report in reports if report.status not in (STATUS_OK, STATUS_STALE)]
        if missing and not partial:
            names = ", ".join(f"{report.endpoint} ({report.error})" for report in missing)
            raise LimitExceededError(f"federation members failed: {names}")

        if checker_for_store is not None:
            credential_checker = checker_for_store(store)
        resolution = resolve(store, consumer_graph, top=top, credential_checker=credential_checker)
    return LiveResolution(resolution, reports)
