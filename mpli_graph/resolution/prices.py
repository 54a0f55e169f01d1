"""Price requirements, and each offering's price per hour for ranking.

Prices per hour, minute or month compare per hour through mpli:hoursPerUnit;
prices in another currency convert only through the consumer's exchange rates.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from mpli_graph.resolution.model import ConsumerRequirements, Requirement
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.queries import Table, run_query
from mpli_graph.resolution.verdicts import SATISFIED, UNKNOWN, VIOLATED, Verdict
from mpli_graph.store import ManifestStore

__all__ = ["evaluate_prices", "hourly_prices"]

MPLI = "https://w3id.org/mpli#"
XSD_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
RANKING_REQUIREMENT = "urn:mpli:ranking-price"
DEFAULT_RANKING_CURRENCY = "http://publications.europa.eu/resource/authority/currency/EUR"


def hourly_prices(store: ManifestStore, consumer: ConsumerRequirements) -> dict[str, Decimal]:
    """Return each offering's lowest current price per hour in the consumer's currency, where it converts.

    The currency is that of the consumer's first price requirement, or EUR when it has none.
    """
    currency = consumer.currency or DEFAULT_RANKING_CURRENCY
    row = {
        "requirement": ox.NamedNode(RANKING_REQUIREMENT),
        "maximum": None,
        "currency": ox.NamedNode(currency),
        "priceUnit": ox.NamedNode(MPLI + "PerHour"),
    }
    rows = run_query(store, "price", [_requirement_table([row]), _rate_table(consumer)])
    prices: dict[str, Decimal] = {}
    for result in rows:
        hourly = result.get("hourlyPrice")
        if hourly is None:
            continue
        offering = result["offering"].value
        value = Decimal(hourly.value)
        if offering not in prices or value < prices[offering]:
            prices[offering] = value
    return prices


def _requirement_table(rows: list[dict]) -> Table:
    return Table(("requirement", "maximum", "currency", "priceUnit"), rows)


def _rate_table(consumer: ConsumerRequirements) -> Table:
    table = Table(("sourceCurrency", "targetCurrency", "rate"))
    for rate in consumer.exchange_rates:
        table.rows.append(
            {
                "sourceCurrency": ox.NamedNode(rate.source_currency),
                "targetCurrency": ox.NamedNode(rate.target_currency),
                "rate": ox.Literal(format(rate.rate, "f"), datatype=XSD_DECIMAL),
            }
        )
    return table


def evaluate_prices(
    store: ManifestStore, requirements: list[Requirement], consumer: ConsumerRequirements, namer: Namer
) -> list[Verdict]:
    """Return the verdicts of price requirements for every offering, keeping the best price of each."""
    by_key = {r.key: r for r in requirements}
    rows = [
        {
            "requirement": ox.NamedNode(r.key),
            "maximum": r.value,
            "currency": ox.NamedNode(r.currency),
            "priceUnit": ox.NamedNode(r.price_unit),
        }
        for r in requirements
    ]
    grouped: dict[tuple[str, str], list[dict]] = {}
    for row in run_query(store, "price", [_requirement_table(rows), _rate_table(consumer)]):
        grouped.setdefault((row["requirement"].value, row["offering"].value), []).append(row)

    verdicts = []
    for (requirement_key, offering), price_rows in grouped.items():
        requirement = by_key[requirement_key]
        verdicts.append(_price_verdict(requirement, offering, price_rows, namer))
    return verdicts


def _price_verdict(requirement: Requirement, offering: str, rows: list[dict], namer: Namer) -> Verdict:
    currency = namer.currency(requirement.currency)
    expected = f"≤ {namer.number(requirement.value.value)} {currency} {namer.price_unit(requirement.price_unit)}"

    for decided in (SATISFIED, VIOLATED):
        matching = [r for r in rows if r["verdict"].value == decided]
        if matching:
            best = min(matching, key=lambda r: Decimal(r["hourlyPrice"].value))
            actual = f"{namer.number(best['hourlyPrice'].value, places=4)} {currency} per hour"
            note = None
            if best["offeredCurrency"] != best["currency"]:
                note = f"converted from {namer.currency(best['offeredCurrency'].value)} at the consumer's rate"
            return Verdict(requirement, offering, decided, expected, actual, note)

    first = rows[0]
    if "amount" not in first:
        return Verdict(requirement, offering, UNKNOWN, expected, None, "no price is stated")
    actual = namer.number(first["amount"].value, places=6)
    if "offeredCurrency" in first:
        actual += " " + namer.currency(first["offeredCurrency"].value)
    if "offeredUnit" in first:
        actual += " " + namer.price_unit(first["offeredUnit"].value)
    return Verdict(requirement, offering, UNKNOWN, expected, actual, _unknown_price_reason(first, namer))


def _unknown_price_reason(row: dict, namer: Namer) -> str:
    if "historic" in row and row["historic"].value == "true":
        return "only a historic price is known, which may no longer apply"
    if "offeredCurrency" not in row:
        return "the price states no currency"
    if "hours" not in row:
        return "the price is not per unit of time"
    return (
        f"the price is in {namer.currency(row['offeredCurrency'].value)} and the consumer gives no exchange "
        f"rate to {namer.currency(row['currency'].value)}"
    )
