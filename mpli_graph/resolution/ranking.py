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

from mpli_graph.resolution.verdicts import SATISFIED, Verdict
from mpli_graph.resolution.model import ConsumerRequirements

__all__ = ["OfferingResult", "rank_offerings"]


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
    verdicts: list[Verdict],
    prices: dict[str, Decimal],
) -> list[OfferingResult]:
    """Attach verdicts and prices to ``offerings``, score them and return them ranked from 1."""
    by_offering = {o.offering: o for o in offerings}
    for verdict in verdicts:
        result = by_offering.get(verdict.offering)
        if result is not None:
            result.verdicts.append(verdict)

    order = {r.key: index for index, r in enumerate(consumer.requirements)}
    total_weight = sum(r.weight for r in consumer.requirements if not r.is_must)
    for result in offerings:
        result.verdicts.sort(key=lambda v: order[v.requirement.key])
        result.hourly_price = prices.get(result.offering)
        _score(result, total_weight)

    ranked = sorted(offerings, key=_sort_key)
    for position, result in enumerate(ranked, start=1):
        result.rank = position
    return ranked


def _score(result: OfferingResult, total_weight: float) -> None:
    musts = [v for v in result.verdicts if v.requirement.is_must]
    result.unmet_musts = sum(1 for v in musts if v.verdict != SATISFIED)
    result.compatible = result.unmet_musts == 0

    satisfied_weight = sum(
        v.requirement.weight for v in result.verdicts if not v.requirement.is_must and v.verdict == SATISFIED
    )
    result.score = satisfied_weight / total_weight if total_weight > 0 else 1.0


def _sort_key(result: OfferingResult) -> tuple:
    price_missing = result.hourly_price is None
    price = result.hourly_price if result.hourly_price is not None else Decimal(0)
    return (not result.compatible, result.unmet_musts, -result.score, price_missing, price, result.offering)
