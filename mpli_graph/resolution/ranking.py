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

from mpli_graph.resolution.model import ConsumerRequirements
from mpli_graph.resolution.verdicts import SATISFIED, RequirementOutcome, Verdict

__all__ = ["OfferingResult", "explain_results", "rank_offerings"]

_ZERO = Decimal(0)


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
    offerings: list[tuple[str, str, str | None, str | None, str | None]],
    outcomes: list[RequirementOutcome],
    prices: dict[str, Decimal],
    top: int | None = None,
) -> tuple[list[OfferingResult], int]:
    """Rank ``offerings`` (IRI, provider, provider label, label, identifier) from the verdict codes in ``outcomes``.

    Return the best ``top`` results (all without ``top``), ranked from 1, and the number of
    compatible offerings among all. The results carry no verdicts yet: :func:`explain_results`
    adds them to the ones kept.
    """
    order = {r.key: index for index, r in enumerate(consumer.requirements)}
    outcomes = sorted(outcomes, key=lambda outcome: order[outcome.requirement.key])
    total_weight = sum(r.weight for r in consumer.requirements if not r.is_must)

    # Count per offering, one requirement at a time, in manifest order.
    unmet: dict[str, int] = {}
    satisfied_weight: dict[str, float] = {}
    for outcome in outcomes:
        if outcome.requirement.is_must:
            for offering, code in outcome.verdicts.items():
                if code != SATISFIED:
                    unmet[offering] = unmet.get(offering, 0) + 1
        else:
            weight = outcome.requirement.weight
            for offering, code in outcome.verdicts.items():
                if code == SATISFIED:
                    satisfied_weight[offering] = satisfied_weight.get(offering, 0) + weight

    keyed = []
    for row in offerings:
        offering = row[0]
        unmet_musts = unmet.get(offering, 0)
        score = satisfied_weight.get(offering, 0) / total_weight if total_weight > 0 else 1.0
        price = prices.get(offering)
        key = (unmet_musts > 0, unmet_musts, -score, price is None, price if price is not None else _ZERO, offering)
        keyed.append((key, row, score, price))
    keyed.sort(key=lambda item: item[0])
    compatible_total = len(offerings) - len(unmet)

    kept = keyed[:top] if top is not None else keyed
    results = []
    for position, (key, row, score, price) in enumerate(kept, start=1):
        result = OfferingResult(*row)
        result.unmet_musts = key[1]
        result.compatible = key[1] == 0
        result.score = score
        result.hourly_price = price
        result.rank = position
        results.append(result)
    return results, compatible_total


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
