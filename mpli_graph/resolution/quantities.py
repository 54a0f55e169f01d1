"""Minimum and maximum requirements on quantities, compared in Python from per-holder facts.

``queries/resolve/quantity.rq`` lists the numeric values that holders state for
the required properties (kept per property by :mod:`.facts`). Here each offering takes its own values, else its
provider's, else those of its provider's parts (the order of ``minimum.rq`` and
``maximum.rq``). The threshold is converted to the property's canonical unit
with the units' ``qudt:conversionMultiplier`` in floating point, and the
comparison allows a relative error of 1e-9, as the SPARQL versions do. Among
several stated values the one that decides is the largest for a minimum and
the smallest for a maximum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from mpli_graph.errors import UnknownTermError
from mpli_graph.resolution.holders import Holders
from mpli_graph.resolution.model import Requirement
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.queries import Table, run_values
from mpli_graph.resolution.verdicts import (
    SATISFIED,
    UNKNOWN,
    VIOLATED,
    RequirementOutcome,
    Verdict,
)
from mpli_graph.store import ManifestStore

if TYPE_CHECKING:
    from mpli_graph.resolution.facts import StoreFacts

__all__ = ["evaluate_quantities"]

TOLERANCE = 1e-9


def evaluate_quantities(
    store: ManifestStore, requirements: list[Requirement], namer: Namer, facts: StoreFacts
) -> list[RequirementOutcome]:
    """Return the outcomes of minimum and maximum requirements for every offering."""
    holders = facts.holders
    values = facts.quantity_values([r.on_property for r in requirements])

    multipliers = _multipliers(store, {u for r in requirements for u in (r.unit, r.canonical_unit)})
    return [
        _evaluate(
            requirement,
            values.get(requirement.on_property, {}),
            facts.quantity_extremes(requirement.on_property),
            multipliers,
            namer,
            holders,
        )
        for requirement in requirements
    ]


def _evaluate(
    requirement: Requirement,
    stated: dict[str, list[str]],
    extremes: dict[str, tuple[float, str, float, str]],
    multipliers: dict[str, float],
    namer: Namer,
    holders: Holders,
) -> RequirementOutcome:
    is_minimum = requirement.kind == "minimum"
    expected_value = (
        float(requirement.value.value) * multipliers[requirement.unit] / multipliers[requirement.canonical_unit]
    )
    operator = "≥" if is_minimum else "≤"
    expected = f"{operator} {namer.quantity(requirement.value.value, requirement.unit)}"

    # Offerings that take their values from their provider or its parts share one outcome.
    shared: dict[str, tuple[str, str | None]] = {}

    def outcome_of(offering: str) -> tuple[str, str | None]:
        own = stated.get(offering)
        if own is not None:
            return _outcome(own, expected_value, is_minimum)
        provider = holders.provider_of[offering]
        outcome = shared.get(provider)
        if outcome is None:
            outcome = _outcome(_provider_values(provider, stated, holders), expected_value, is_minimum)
            shared[provider] = outcome
        return outcome

    def explain(offering: str) -> Verdict:
        verdict, actual = outcome_of(offering)
        actual_text = namer.quantity(actual, requirement.canonical_unit) if actual is not None else None
        return Verdict(requirement, offering, verdict, expected, actual_text)

    # The deciding value of an offering's own values is its largest (minimum) or smallest (maximum).
    position = 2 if is_minimum else 0
    limit = expected_value * (1 - TOLERANCE) if is_minimum else expected_value * (1 + TOLERANCE)
    codes = {}
    for offering in holders.offerings:
        own = extremes.get(offering)
        if own is None:
            codes[offering] = outcome_of(offering)[0]
        elif own[position] >= limit if is_minimum else own[position] <= limit:
            codes[offering] = SATISFIED
        else:
            codes[offering] = VIOLATED
    return RequirementOutcome(requirement, codes, explain)


def _provider_values(provider: str, stated: dict[str, list[str]], holders: Holders) -> list[str]:
    """Return the provider's own values, or else the values of its parts."""
    if provider in stated:
        return stated[provider]
    return [value for part in holders.parts.get(provider, ()) for value in stated.get(part, ())]


def _multipliers(store: ManifestStore, units: set[str | None]) -> dict[str, float]:
    """Return the qudt:conversionMultiplier of each unit as a float, as xsd:double(STR(?m)) reads it."""
    table = Table(("unit",), [{"unit": ox.NamedNode(unit)} for unit in sorted(u for u in units if u)])
    multipliers: dict[str, float] = {}
    for unit, multiplier in run_values(store, "multiplier", [table], ("unit", "multiplier")):
        multipliers.setdefault(unit, float(multiplier))
    for unit in units:
        if unit and unit not in multipliers:
            raise UnknownTermError(
                f"unit <{unit}> has no qudt:conversionMultiplier in the vocabulary; "
                "use a QUDT unit that the vocabulary lists, such as unit:GibiBYTE"
            )
    return multipliers


def _outcome(values: list[str], expected: float, is_minimum: bool) -> tuple[str, str | None]:
    """Return the best verdict over ``values`` and the value that decides it."""
    if not values:
        return UNKNOWN, None
    best = max(values, key=float) if is_minimum else min(values, key=float)
    number = float(best)
    if is_minimum:
        satisfied = number >= expected * (1 - TOLERANCE)
    else:
        satisfied = number <= expected * (1 + TOLERANCE)
    return (SATISFIED if satisfied else VIOLATED), best
