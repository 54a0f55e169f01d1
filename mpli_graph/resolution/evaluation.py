"""Evaluate a consumer's requirements against every offering: one query per requirement kind.

Quantity, set, certification and capability queries return facts per holder
(an offering, its provider, or their parts), which :mod:`.quantities`,
:mod:`.sets`, :mod:`.certifications` and :mod:`.capabilities` apply to each
offering; :mod:`.prices` keeps the best of an offering's prices.
"""

from __future__ import annotations

import logging

from mpli_graph.resolution.capabilities import evaluate_capabilities
from mpli_graph.resolution.certifications import evaluate_certifications
from mpli_graph.resolution.facts import StoreFacts
from mpli_graph.resolution.model import ConsumerRequirements
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.prices import evaluate_prices
from mpli_graph.resolution.quantities import evaluate_quantities
from mpli_graph.resolution.sets import evaluate_sets
from mpli_graph.resolution.verdicts import CredentialChecker, RequirementOutcome
from mpli_graph.store import ManifestStore

__all__ = ["evaluate"]

logger = logging.getLogger(__name__)


def evaluate(
    store: ManifestStore,
    consumer: ConsumerRequirements,
    namer: Namer,
    facts: StoreFacts,
    credential_checker: CredentialChecker | None,
) -> list[RequirementOutcome]:
    """Return the outcome of every requirement for the offerings in ``facts``."""
    holders = facts.holders
    outcomes: list[RequirementOutcome] = []
    quantities = [r for r in consumer.requirements if r.kind in ("minimum", "maximum")]
    if quantities:
        outcomes += evaluate_quantities(store, quantities, namer, facts)
    if consumer.of_kind("set"):
        outcomes += evaluate_sets(store, consumer.of_kind("set"), namer, facts)
    if consumer.of_kind("certification"):
        outcomes += evaluate_certifications(
            store, consumer.of_kind("certification"), namer, holders, credential_checker
        )
    if consumer.of_kind("capability"):
        outcomes += evaluate_capabilities(store, consumer.of_kind("capability"), namer, facts)
    if consumer.of_kind("price"):
        outcomes += evaluate_prices(facts.price_facts, consumer.of_kind("price"), consumer, namer, holders)
    logger.debug("Evaluated %d requirements", len(outcomes))
    return outcomes
