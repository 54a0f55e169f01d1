"""Price requirements, and each offering's price per hour for ranking.

Prices per hour, minute or month compare per hour through mpli:hoursPerUnit;
prices in another currency convert only through the consumer's exchange rates.
``queries/resolve/price_facts.rq`` reads the price specifications once. The
arithmetic of ``price.rq`` runs here in floating point. The price per hour is
amount / hours per unit * rate, and the cap per hour is cap / hours per unit.
A price within a relative error of 1e-9 of the cap satisfies it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from mpli_graph.resolution.holders import Holders
from mpli_graph.resolution.model import ConsumerRequirements, Requirement
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.queries import run_values
from mpli_graph.resolution.verdicts import (
    SATISFIED,
    UNKNOWN,
    VIOLATED,
    RequirementOutcome,
    Verdict,
)
from mpli_graph.store import ManifestStore

__all__ = ["PriceFacts", "evaluate_prices", "hourly_prices"]

MPLI = "https://w3id.org/mpli#"
DEFAULT_RANKING_CURRENCY = "http://publications.europa.eu/resource/authority/currency/EUR"
TOLERANCE = 1e-9
_TRUE = ("true", "1")


@dataclass
class PriceFacts:
    """Each offering's price specifications and each time unit's hours, read in one query.

    ``hourly_cache`` keeps each offering's lowest price per hour per currency and set of
    exchange rates, because the facts are kept between resolutions (see :mod:`.facts`).
    """

    prices: dict[str, list[str]] = field(default_factory=dict)
    parts: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    numeric_amounts: set[str] = field(default_factory=set)
    hours: dict[str, list[str]] = field(default_factory=dict)
    hourly_cache: dict[tuple, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: ManifestStore) -> PriceFacts:
        """Read the price facts of every offering from the store."""
        facts = cls()
        for subject, link, target, numeric in run_values(
            store, "price_facts", [], ("subject", "link", "object", "numeric")
        ):
            if link == "price":
                facts.prices.setdefault(subject, []).append(target)
            elif link == "hours":
                facts.hours.setdefault(subject, []).append(target)
            else:
                facts.parts.setdefault(subject, {}).setdefault(link, []).append(target)
                if link == "amount" and numeric == "true":
                    facts.numeric_amounts.add(target)
        return facts

    def lowest_hourly(
        self, currency: str, rates: dict[tuple[str, str], list[Decimal]], holders: Holders
    ) -> dict[str, float]:
        """Return each offering's lowest price per hour in ``currency``, for the offerings where one converts."""
        key = (currency, tuple(sorted((pair, tuple(values)) for pair, values in rates.items())))
        lowest = self.hourly_cache.get(key)
        if lowest is None:
            lowest = {}
            for offering in holders.offerings:
                if offering not in self.prices:
                    continue
                for row in self.rows(offering, currency, rates):
                    hourly = row["hourlyPrice"]
                    if hourly is not None and (offering not in lowest or hourly < lowest[offering]):
                        lowest[offering] = hourly
            self.hourly_cache[key] = lowest
        return lowest

    def rows(
        self, offering: str, currency: str, rates: dict[tuple[str, str], list[Decimal]]
    ) -> list[dict[str, str | float | None]]:
        """Return the rows that ``price.rq`` returns for ``offering``, without the cap.

        Each row has the ``amount``, ``offeredCurrency``, ``offeredUnit``, ``hours``,
        ``historic`` (lexical forms or None) and the ``hourlyPrice`` as a float or None.
        """
        rows = []
        for price in self.prices.get(offering, ()):
            parts = self.parts.get(price, {})
            for amount in parts.get("amount", ()):
                for unit, hours in _pairs(parts.get("priceUnit"), lambda u: self.hours.get(u)):
                    for offered_currency in parts.get("currency") or [None]:
                        for historic in parts.get("historic") or [None]:
                            numeric = amount in self.numeric_amounts
                            for factor in _factors(offered_currency, currency, rates):
                                rows.append(
                                    {
                                        "amount": amount,
                                        "offeredCurrency": offered_currency,
                                        "offeredUnit": unit,
                                        "hours": hours,
                                        "historic": historic,
                                        "hourlyPrice": _hourly(amount, numeric, hours, factor, historic),
                                    }
                                )
        if not rows:
            rows.append(
                {"amount": None, "offeredCurrency": None, "offeredUnit": None, "hours": None,
                 "historic": None, "hourlyPrice": None}
            )
        return rows


def _pairs(units: list[str] | None, hours_of) -> list[tuple[str | None, str | None]]:
    """Return (unit, hours) pairs the way nested OPTIONAL patterns bind them."""
    if not units:
        return [(None, None)]
    return [(unit, hours) for unit in units for hours in (hours_of(unit) or [None])]


def _factors(offered: str | None, currency: str, rates: dict[tuple[str, str], list[Decimal]]) -> list[float | None]:
    """Return the conversion factors into ``currency``: 1, the consumer's rates, or None when none applies."""
    matching = rates.get((offered, currency), []) if offered is not None else []
    if offered == currency:
        return [1.0] * max(1, len(matching))
    if not matching:
        return [None]
    return [float(rate) for rate in matching]


def _hourly(amount: str, numeric: bool, hours: str | None, factor: float | None, historic: str | None) -> float | None:
    """Return the price per hour, or None where ``price.rq`` leaves ?hourlyPrice unbound."""
    if historic in _TRUE or not numeric or hours is None or factor is None:
        return None
    try:
        return _divide(float(amount), float(hours)) * factor
    except ValueError:
        return None


def _divide(dividend: float, divisor: float) -> float:
    """Divide as xsd:double does: by zero gives an infinity, or NaN for zero by zero."""
    if divisor != 0:
        return dividend / divisor
    if dividend == 0 or math.isnan(dividend):
        return math.nan
    return math.copysign(math.inf, dividend) * math.copysign(1.0, divisor)


def _rates(consumer: ConsumerRequirements) -> dict[tuple[str, str], list[Decimal]]:
    rates: dict[tuple[str, str], list[Decimal]] = {}
    for rate in consumer.exchange_rates:
        rates.setdefault((rate.source_currency, rate.target_currency), []).append(rate.rate)
    return rates


def hourly_prices(facts: PriceFacts, consumer: ConsumerRequirements, holders: Holders) -> dict[str, Decimal]:
    """Return each offering's lowest current price per hour in the consumer's currency, where it converts.

    The currency is that of the consumer's first price requirement, or EUR when it has none.
    """
    currency = consumer.currency or DEFAULT_RANKING_CURRENCY
    if not facts.hours.get(MPLI + "PerHour"):
        return {}
    lowest = facts.lowest_hourly(currency, _rates(consumer), holders)
    return {offering: Decimal(repr(hourly)) for offering, hourly in lowest.items()}


def evaluate_prices(
    facts: PriceFacts, requirements: list[Requirement], consumer: ConsumerRequirements, namer: Namer, holders: Holders
) -> list[RequirementOutcome]:
    """Return the outcomes of price requirements for every offering, keeping the best price of each."""
    rates = _rates(consumer)
    outcomes = []
    for requirement in requirements:
        caps = [_divide(float(requirement.value.value), float(hours)) for hours in facts.hours.get(requirement.price_unit, ())]
        if caps:
            outcomes.append(_price_requirement(facts, requirement, caps, rates, namer, holders))
    return outcomes


def _price_requirement(
    facts: PriceFacts,
    requirement: Requirement,
    caps: list[float],
    rates: dict[tuple[str, str], list[Decimal]],
    namer: Namer,
    holders: Holders,
) -> RequirementOutcome:
    def rows_of(offering: str) -> list[dict]:
        return [
            dict(row, verdict=_cap_verdict(row["hourlyPrice"], cap))
            for cap in caps
            for row in facts.rows(offering, requirement.currency, rates)
        ]

    def explain(offering: str) -> Verdict:
        return _price_verdict(requirement, offering, rows_of(offering), namer)

    # A row with a price per hour is satisfied when it is within some cap, so the lowest price decides.
    lowest = facts.lowest_hourly(requirement.currency, rates, holders)
    limit = max(cap * (1 + TOLERANCE) for cap in caps)
    codes = {}
    for offering in holders.offerings:
        hourly = lowest.get(offering)
        if hourly is None:
            codes[offering] = UNKNOWN
        else:
            codes[offering] = SATISFIED if hourly <= limit else VIOLATED
    return RequirementOutcome(requirement, codes, explain)


def _cap_verdict(hourly: float | None, cap: float) -> str:
    if hourly is None:
        return UNKNOWN
    return SATISFIED if hourly <= cap * (1 + TOLERANCE) else VIOLATED


def _price_verdict(requirement: Requirement, offering: str, rows: list[dict], namer: Namer) -> Verdict:
    currency = namer.currency(requirement.currency)
    expected = f"≤ {namer.number(requirement.value.value)} {currency} {namer.price_unit(requirement.price_unit)}"

    for decided in (SATISFIED, VIOLATED):
        matching = [r for r in rows if r["verdict"] == decided]
        if matching:
            best = min(matching, key=lambda r: r["hourlyPrice"])
            actual = f"{namer.number(repr(best['hourlyPrice']), places=4)} {currency} per hour"
            note = None
            if best["offeredCurrency"] != requirement.currency:
                note = f"converted from {namer.currency(best['offeredCurrency'])} at the consumer's rate"
            return Verdict(requirement, offering, decided, expected, actual, note)

    first = rows[0]
    if first["amount"] is None:
        return Verdict(requirement, offering, UNKNOWN, expected, None, "no price is stated")
    actual = namer.number(first["amount"], places=6)
    if first["offeredCurrency"] is not None:
        actual += " " + namer.currency(first["offeredCurrency"])
    if first["offeredUnit"] is not None:
        actual += " " + namer.price_unit(first["offeredUnit"])
    return Verdict(requirement, offering, UNKNOWN, expected, actual, _unknown_price_reason(first, requirement, namer))


def _unknown_price_reason(row: dict, requirement: Requirement, namer: Namer) -> str:
    if row["historic"] == "true":
        return "only a historic price is known, which may no longer apply"
    if row["offeredCurrency"] is None:
        return "the price states no currency"
    if row["hours"] is None:
        return "the price is not per unit of time"
    return (
        f"the price is in {namer.currency(row['offeredCurrency'])} and the consumer gives no exchange "
        f"rate to {namer.currency(requirement.currency)}"
    )
