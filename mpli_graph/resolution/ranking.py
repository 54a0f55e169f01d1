"""Group verdicts by offering and rank the offerings.

Order: offerings that satisfy every must come first; then, among the rest, fewer
unmet musts first, so near misses lead the incompatible part. Within each group
a higher should score comes first (score = satisfied should weight / total
should weight, 1.0 when there are no shoulds), then a lower price per hour
(offerings without a comparable price last), then the offering IRI, which keeps
the order stable. An "unknown" verdict never counts as satisfied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from mpli_graph.resolution.verdicts import SATISFIED, RequirementOutcome, Verdict
from mpli_graph.resolution.model import ConsumerRequirements

__all__ = ["OfferingResult", "explain_results", "rank_offerings"]


@dataclass
class OfferingResult:
    """One offering's place in the ranking, with its verdict for every requirement in manifest order."""

    offering: str
    provider: str
    provider_label: str | None
    label: str | None
    offering_id: str | None
    verdicts: list[Verdict] = field(default_factory=list)
    hourly_price: Decimal | None = None
    rank: int = 0
    compatible: bool = False
    score: float = 0.0
    unmet_musts: int = 0


def rank_offerings(
    consumer: ConsumerRequirements,
    offerings: list[OfferingResult],
    outcomes: list[RequirementOutcome],
    prices: dict[str, Decimal],
) -> list[OfferingResult]:
    """Score ``offerings`` from the verdict codes in ``outcomes`` and return them ranked from 1.

    The results carry no verdicts yet: :func:`explain_results` adds them to the ones kept.
    """
    order = {r.key: index for index, r in enumerate(consumer.requirements)}
    outcomes = sorted(outcomes, key=lambda outcome: order[outcome.requirement.key])
    musts = [outcome.verdicts for outcome in outcomes if outcome.requirement.is_must]
    shoulds = [(outcome.verdicts, outcome.requirement.weight) for outcome in outcomes if not outcome.requirement.is_must]
    total_weight = sum(r.weight for r in consumer.requirements if not r.is_must)

    for result in offerings:
        offering = result.offering
        result.unmet_musts = sum(1 for codes in musts if offering in codes and codes[offering] != SATISFIED)
        result.compatible = result.unmet_musts == 0
        satisfied_weight = sum(weight for codes, weight in shoulds if codes.get(offering) == SATISFIED)
        result.score = satisfied_weight / total_weight if total_weight > 0 else 1.0
        result.hourly_price = prices.get(offering)

    ranked = sorted(offerings, key=_sort_key)
    for position, result in enumerate(ranked, start=1):
        result.rank = position
    return ranked


def explain_results(
    consumer: ConsumerRequirements, results: list[OfferingResult], outcomes: list[RequirementOutcome]
) -> None:
    """Attach to each of ``results`` its full verdict for every requirement, in manifest order."""
    order = {r.key: index for index, r in enumerate(consumer.requirements)}
    outcomes = sorted(outcomes, key=lambda outcome: order[outcome.requirement.key])
    for result in results:
        result.verdicts = [
            outcome.explain(result.offering) for outcome in outcomes if result.offering in outcome.verdicts
        ]


def _sort_key(result: OfferingResult) -> tuple:
    price_missing = result.hourly_price is None
    price = result.hourly_price if result.hourly_price is not None else Decimal(0)
    return (not result.compatible, result.unmet_musts, -result.score, price_missing, price, result.offering)
