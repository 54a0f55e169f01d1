"""Compatibility resolution: match a consumer's requirements against every offering in a store.

>>> resolution = resolve(store, consumer_graph, top=10)     # doctest: +SKIP
>>> resolution.to_json()["results"][0]["compatible"]         # doctest: +SKIP
True

Steps: read the requirements from the consumer graph (:mod:`.model`) and check
that the store's vocabulary defines every term they use (:mod:`.terms`). Take
the store's consumer-independent facts, which are read again only after the
store changed (:mod:`.facts`). Evaluate each requirement kind into a verdict
code per offering (:mod:`.evaluation`), rank from the codes and build full
verdicts only for the returned results (:mod:`.ranking`). Return a
:class:`Resolution` (:mod:`.result`).
"""

from __future__ import annotations

import logging
import time
from typing import Iterable

import pyoxigraph as ox
import rdflib

from mpli_graph.errors import InputError
from mpli_graph.resolution.evaluation import evaluate
from mpli_graph.resolution.facts import store_facts
from mpli_graph.resolution.model import (
    ConsumerRequirements,
    Requirement,
    read_requirements,
    to_rdflib_graph,
)
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.prices import hourly_prices
from mpli_graph.resolution.ranking import (
    OfferingResult,
    explain_results,
    rank_offerings,
)
from mpli_graph.resolution.result import Resolution
from mpli_graph.resolution.terms import check_terms
from mpli_graph.resolution.verdicts import CredentialChecker, Verdict
from mpli_graph.store import ManifestStore

__all__ = [
    "ConsumerRequirements",
    "CredentialChecker",
    "OfferingResult",
    "Requirement",
    "Resolution",
    "Verdict",
    "read_requirements",
    "resolve",
]

logger = logging.getLogger(__name__)


def resolve(
    store: ManifestStore,
    consumer_graph: rdflib.Graph | Iterable[ox.Triple | ox.Quad],
    *,
    top: int | None = None,
    credential_checker: CredentialChecker | None = None,
) -> Resolution:
    """Rank every offering in ``store`` against the consumer manifest in ``consumer_graph``.

    ``top`` keeps only the best N results. ``credential_checker(claim_iri)`` returns
    ``(ok, reason)`` and decides whether a certification claim counts for a requirement
    at ``mpli:VerifiedLevel``; without one such requirements are unknown.
    Raises InputError (or its subclass UnknownTermError) for a manifest that cannot be resolved.
    """
    if top is not None and top < 1:
        raise InputError(f"top must be at least 1, got {top}")
    started = time.perf_counter()

    consumer = read_requirements(to_rdflib_graph(consumer_graph))
    check_terms(store, consumer)
    namer = Namer(store)
    read_done = time.perf_counter()

    facts = store_facts(store)
    outcomes = evaluate(store, consumer, namer, facts, credential_checker)
    prices = hourly_prices(facts.price_facts, consumer, facts.holders)
    query_done = time.perf_counter()

    shown, compatible_total = rank_offerings(consumer, facts.offerings, outcomes, prices, top)
    explain_results(consumer, shown, outcomes)
    rank_done = time.perf_counter()

    timings = {
        "read": (read_done - started) * 1000,
        "query": (query_done - read_done) * 1000,
        "rank": (rank_done - query_done) * 1000,
    }
    logger.info(
        "Resolved %s against %d offerings in %.1f ms", consumer.consumer, len(facts.offerings), sum(timings.values())
    )
    return Resolution(consumer, shown, namer, len(facts.offerings), compatible_total, timings)

