"""Evaluate requirements against offerings: one query per requirement kind, then verdicts.

For minimum, maximum, set, location and the presence part of capability
requirements the query itself yields the verdict. Certification, version and
price requirements need a last step here: combining schemes with any-of or
all-of and the credential check, comparing dotted versions numerically, and
picking the best price of an offering that has several.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import pyoxigraph as ox

from mpli_graph.resolution.model import ConsumerRequirements, Requirement
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.queries import Table, run_query
from mpli_graph.store import ManifestStore

__all__ = [
    "CredentialChecker",
    "Verdict",
    "evaluate",
    "hourly_prices",
]

logger = logging.getLogger(__name__)

MPLI = "https://w3id.org/mpli#"
XSD_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
RANKING_REQUIREMENT = "urn:mpli:ranking-price"
DEFAULT_RANKING_CURRENCY = "http://publications.europa.eu/resource/authority/currency/EUR"

SATISFIED = "satisfied"
VIOLATED = "violated"
UNKNOWN = "unknown"

NO_CHECKER_REASON = "no credential verification configured"

_VERDICT_ORDER = {UNKNOWN: 0, VIOLATED: 1, SATISFIED: 2}

CredentialChecker = Callable[[str], tuple[bool, str]]


@dataclass
class Verdict:
    """The outcome of one requirement for one offering, with what was expected and what was found."""

    requirement: Requirement
    offering: str
    verdict: str
    expected: str
    actual: str | None
    note: str | None = None


def evaluate(
    store: ManifestStore,
    consumer: ConsumerRequirements,
    namer: Namer,
    credential_checker: CredentialChecker | None,
) -> list[Verdict]:
    """Return the verdicts of every requirement for every offering in the store."""
    verdicts: list[Verdict] = []
    kinds = [
        ("minimum", _evaluate_quantity),
        ("maximum", _evaluate_quantity),
        ("set", _evaluate_set),
        ("certification", _evaluate_certification),
        ("capability", _evaluate_capability),
        ("price", _evaluate_price),
    ]
    for kind, evaluator in kinds:
        requirements = consumer.of_kind(kind)
        if requirements:
            verdicts += evaluator(store, kind, requirements, consumer, namer, credential_checker)
    return verdicts


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


# Quantities


def _evaluate_quantity(store, kind, requirements, consumer, namer, checker) -> list[Verdict]:
    by_key = {r.key: r for r in requirements}
    table = Table(("requirement", "property", "threshold", "unit"))
    for requirement in requirements:
        table.rows.append(
            {
                "requirement": ox.NamedNode(requirement.key),
                "property": ox.NamedNode(requirement.on_property),
                "threshold": requirement.value,
                "unit": ox.NamedNode(requirement.unit),
            }
        )

    # One row per stated value: keep the best verdict, and among equal verdicts the value
    # that decides it (the largest for a minimum, the smallest for a maximum).
    sign = 1 if kind == "minimum" else -1
    best: dict[tuple[str, str], tuple[tuple, dict]] = {}
    for row in run_query(store, kind, [table]):
        key = (row["requirement"].value, row["offering"].value)
        actual = row.get("actual")
        order = (_VERDICT_ORDER[row["verdict"].value], sign * float(actual.value) if actual is not None else 0.0)
        if key not in best or order > best[key][0]:
            best[key] = (order, row)

    operator = "≥" if kind == "minimum" else "≤"
    expected = {r.key: f"{operator} {namer.quantity(r.value.value, r.unit)}" for r in requirements}
    verdicts = []
    for (requirement_key, offering), (_, row) in best.items():
        requirement = by_key[requirement_key]
        actual = None
        if "actual" in row:
            actual = namer.quantity(row["actual"].value, requirement.canonical_unit)
        verdicts.append(Verdict(requirement, offering, row["verdict"].value, expected[requirement_key], actual))
    return verdicts


# Sets and locations


def _evaluate_set(store, kind, requirements, consumer, namer, checker) -> list[Verdict]:
    verdicts = []
    locations = [r for r in requirements if r.is_location]
    others = [r for r in requirements if not r.is_location]
    if locations:
        verdicts += _run_set(store, "location", locations, namer)
    if others:
        verdicts += _run_set(store, "set", others, namer)
    return verdicts


def _run_set(store, query_name, requirements, namer) -> list[Verdict]:
    by_key = {r.key: r for r in requirements}
    properties = Table(("requirement", "property"))
    allowed = Table(("requirement", "allowedValue"))
    for requirement in requirements:
        properties.rows.append(
            {"requirement": ox.NamedNode(requirement.key), "property": ox.NamedNode(requirement.on_property)}
        )
        for value in requirement.allowed_values:
            allowed.rows.append({"requirement": ox.NamedNode(requirement.key), "allowedValue": value})

    verdicts = []
    for row in run_query(store, query_name, [properties, allowed]):
        requirement = by_key[row["requirement"].value]
        expected = "in " + ", ".join(namer.term(v) for v in requirement.allowed_values)
        stated = _split(row.get("actual"))
        actual = ", ".join(namer.compact(v) for v in stated) or None
        note = None
        if row["verdict"].value == UNKNOWN and stated:
            note = "only some of the stated values are allowed"
        if row.get("basis") is not None and row["basis"].value == "provider":
            note = "the offering states no location; these are the countries its provider operates in"
            if row["verdict"].value == UNKNOWN:
                note = "the offering states no location, and its provider operates in allowed and other countries"
        verdicts.append(Verdict(requirement, row["offering"].value, row["verdict"].value, expected, actual, note))
    return verdicts


def _split(joined: ox.Literal | None) -> list[str]:
    """Split a GROUP_CONCAT result; the queries join with a tab and write unbound values as ""."""
    if joined is None:
        return []
    return sorted(part for part in joined.value.split("\t") if part)


# Certifications


def _evaluate_certification(store, kind, requirements, consumer, namer, checker) -> list[Verdict]:
    by_key = {r.key: r for r in requirements}
    table = Table(("requirement", "scheme"))
    for requirement in requirements:
        for scheme in requirement.schemes:
            table.rows.append({"requirement": ox.NamedNode(requirement.key), "scheme": ox.NamedNode(scheme)})

    grouped: dict[tuple[str, str], dict] = {}
    for row in run_query(store, "certification", [table]):
        key = (row["requirement"].value, row["offering"].value)
        entry = grouped.setdefault(key, {"has_claims": False, "schemes": {}})
        entry["has_claims"] = entry["has_claims"] or row["hasClaims"].value == "true"
        claims = entry["schemes"].setdefault(row["scheme"].value, [])
        if "claim" in row:
            rank = int(row["rank"].value) if "rank" in row else None
            status = row["claimStatus"].value if "claimStatus" in row else None
            claims.append((row["claim"], row["heldScheme"].value, status, rank))

    checked: dict[str, tuple[bool, str]] = {}
    verdicts = []
    for (requirement_key, offering), entry in grouped.items():
        requirement = by_key[requirement_key]
        verdicts.append(_certification_verdict(requirement, offering, entry, namer, checker, checked))
    return verdicts


def _certification_verdict(requirement, offering, entry, namer, checker, checked) -> Verdict:
    minimum_rank = namer.rank(requirement.minimum_claim_status)
    joiner = " or " if requirement.match == "any" else " and "
    expected = joiner.join(namer.compact(s) for s in requirement.schemes)
    if requirement.minimum_claim_status:
        expected += f", status at least {namer.compact(requirement.minimum_claim_status)}"
    if requirement.needs_verified_claims:
        expected += ", backed by a verified credential"

    states: list[str] = []
    held: list[str] = []
    reasons: list[str] = []
    for scheme in requirement.schemes:
        state = "absent"
        for claim, held_scheme, status, rank in entry["schemes"].get(scheme, []):
            held.append(namer.compact(held_scheme) + (f" ({namer.compact(status)})" if status else ""))
            if minimum_rank is not None and (rank is None or rank < minimum_rank):
                state = "low status" if state == "absent" else state
                continue
            if not requirement.needs_verified_claims:
                state = "met"
                break
            ok, reason = _check_claim(claim, checker, checked)
            if ok:
                state = "met"
                break
            reasons.append(reason)
            if checker is None:
                state = "unverified"
            elif state != "unverified":
                state = "failed"
        states.append(state)

    actual = ", ".join(dict.fromkeys(held)) or ("no matching claim" if entry["has_claims"] else None)
    note = "; ".join(dict.fromkeys(reasons)) or None
    verdict = _combine_states(states, requirement.match, entry["has_claims"])
    if verdict != SATISFIED and "low status" in states and note is None:
        note = "a matching claim exists, but its status is below the minimum"
    if verdict == UNKNOWN and not entry["has_claims"]:
        note = "neither the offering nor its provider states any certification"
    return Verdict(requirement, offering, verdict, expected, actual, note)


def _check_claim(claim, checker, checked) -> tuple[bool, str]:
    if checker is None or not isinstance(claim, ox.NamedNode):
        reason = NO_CHECKER_REASON if checker is None else "the claim is a blank node, so no credential can name it"
        return False, reason
    if claim.value not in checked:
        checked[claim.value] = checker(claim.value)
    return checked[claim.value]


def _combine_states(states: list[str], match: str, has_claims: bool) -> str:
    if match == "any":
        if "met" in states:
            return SATISFIED
        if "unverified" in states or not has_claims:
            return UNKNOWN
        return VIOLATED
    if all(state == "met" for state in states):
        return SATISFIED
    if has_claims and any(state in ("absent", "low status", "failed") for state in states):
        return VIOLATED
    return UNKNOWN


# Capabilities


def _evaluate_capability(store, kind, requirements, consumer, namer, checker) -> list[Verdict]:
    by_key = {r.key: r for r in requirements}
    table = Table(("requirement", "property", "value"))
    versions = Table(("requirement", "versionProperty"))
    for requirement in requirements:
        node = ox.NamedNode(requirement.key)
        table.rows.append({"requirement": node, "property": ox.NamedNode(requirement.on_property), "value": requirement.value})
        if requirement.version_property:
            versions.rows.append({"requirement": node, "versionProperty": ox.NamedNode(requirement.version_property)})

    verdicts = []
    for row in run_query(store, "capability", [versions, table]):
        requirement = by_key[row["requirement"].value]
        verdict = row["verdict"].value
        expected = namer.term(requirement.value)
        note = None
        if requirement.minimum_version:
            expected += f", version at least {requirement.minimum_version}"

        if "matched" in row:
            actual = namer.term(row["matched"])
        else:
            actual = ", ".join(namer.compact(v) for v in _split(row.get("actual"))) or None

        if verdict == SATISFIED and requirement.minimum_version:
            versions = _split(row.get("versions"))
            actual = f"{actual}, versions {' '.join(versions)}" if versions else actual
            verdict, note = _version_verdict(versions, requirement.minimum_version)
        verdicts.append(Verdict(requirement, row["offering"].value, verdict, expected, actual, note))
    return verdicts


def _version_verdict(versions: list[str], minimum: str) -> tuple[str, str | None]:
    parsed = [v for v in (_version_tuple(text) for text in versions) if v is not None]
    if not parsed:
        return UNKNOWN, "no version is stated"
    if max(parsed) >= _version_tuple(minimum):
        return SATISFIED, None
    return VIOLATED, "every stated version is older than the minimum"


def _version_tuple(text: str) -> tuple[int, ...] | None:
    parts = text.lstrip("vV").split(".")
    if not all(part.isdigit() for part in parts):
        return None
    numbers = [int(part) for part in parts]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


# Prices


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


def _evaluate_price(store, kind, requirements, consumer, namer, checker) -> list[Verdict]:
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

    for wanted in (SATISFIED, VIOLATED):
        matching = [r for r in rows if r["verdict"].value == wanted]
        if matching:
            best = min(matching, key=lambda r: Decimal(r["hourlyPrice"].value))
            actual = f"{namer.number(best['hourlyPrice'].value, places=4)} {currency} per hour"
            note = None
            if best["offeredCurrency"] != best["currency"]:
                note = f"converted from {namer.currency(best['offeredCurrency'].value)} at the consumer's rate"
            return Verdict(requirement, offering, wanted, expected, actual, note)

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
