"""Set requirements: locations (mpli:country) and any other property with an allowed set of values.

The queries mark each stated value of each holder as allowed or not, expanding
country groups, narrower concepts and subclasses. Here the values of an
offering's holders are combined: all allowed is "satisfied", none allowed is
"violated", and nothing stated or only some allowed is "unknown".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from mpli_graph.resolution.holders import Holders
from mpli_graph.resolution.model import Requirement
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.queries import Table, run_query, run_values
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

__all__ = ["evaluate_sets", "location_countries"]

PROVIDER_BASIS_NOTE = "the offering states no location; these are the countries its provider operates in"
MIXED_PROVIDER_NOTE = "the offering states no location, and its provider operates in allowed and other countries"
MIXED_VALUES_NOTE = "only some of the stated values are allowed"


def evaluate_sets(
    store: ManifestStore, requirements: list[Requirement], namer: Namer, facts: StoreFacts
) -> list[RequirementOutcome]:
    """Return the outcomes of set requirements for every offering."""
    outcomes: list[RequirementOutcome] = []
    locations = [r for r in requirements if r.is_location]
    others = [r for r in requirements if not r.is_location]
    if locations:
        outcomes += _evaluate_locations(store, locations, namer, facts.holders, facts)
    if others:
        outcomes += _evaluate_values(store, others, namer, facts.holders)
    return outcomes


def _tables(requirements: list[Requirement]) -> list[Table]:
    properties = Table(("requirement", "property"))
    allowed = Table(("requirement", "allowedValue"))
    for requirement in requirements:
        node = ox.NamedNode(requirement.key)
        properties.rows.append({"requirement": node, "property": ox.NamedNode(requirement.on_property)})
        for value in requirement.allowed_values:
            allowed.rows.append({"requirement": node, "allowedValue": value})
    return [properties, allowed]


def _collect(rows: list[dict], value_column: str) -> dict[tuple[str, str], dict[str, bool]]:
    """Return, per (requirement, holder), each stated value and whether it is allowed."""
    stated: dict[tuple[str, str], dict[str, bool]] = {}
    for row in rows:
        values = stated.setdefault((row["requirement"].value, row["holder"].value), {})
        value = row[value_column].value
        values[value] = values.get(value, False) or row["allowed"].value == "true"
    return stated


def _set_verdict(values: dict[str, bool]) -> str:
    allowed = sum(1 for ok in values.values() if ok)
    if not values:
        return UNKNOWN
    if allowed == len(values):
        return SATISFIED
    if allowed == 0:
        return VIOLATED
    return UNKNOWN


def _evaluate_locations(
    store: ManifestStore, requirements: list[Requirement], namer: Namer, holders: Holders, facts: StoreFacts
) -> list[RequirementOutcome]:
    located, operated = facts.location_countries()
    members = _members(store, requirements)
    outcomes = []
    for requirement in requirements:
        allowed_countries = {
            country for value in requirement.allowed_values if isinstance(value, ox.NamedNode)
            for country in members.get(value.value, ())
        }

        outcomes.append(_location_requirement(requirement, located, operated, allowed_countries, namer, holders))
    return outcomes


def _location_requirement(
    requirement: Requirement,
    located: dict[str, set[str]],
    operated: dict[str, set[str]],
    allowed_countries: set[str],
    namer: Namer,
    holders: Holders,
) -> RequirementOutcome:
    expected = "in " + ", ".join(namer.term(v) for v in requirement.allowed_values)

    # Offerings without a location of their own share their provider's outcome.
    from_providers: dict[str, tuple[str, str | None, str | None]] = {}

    def outcome_of(offering: str) -> tuple[str, str | None, str | None]:
        countries = located.get(offering)
        if countries is not None:
            return _location_outcome(countries, allowed_countries, False, namer)
        provider = holders.provider_of[offering]
        if provider not in from_providers:
            from_providers[provider] = _location_outcome(operated.get(provider, set()), allowed_countries, True, namer)
        return from_providers[provider]

    def explain(offering: str) -> Verdict:
        return Verdict(requirement, offering, *_with_expected(outcome_of(offering), expected))

    codes = {}
    for offering in holders.offerings:
        countries = located.get(offering)
        if countries is not None:
            codes[offering] = _set_verdict({country: country in allowed_countries for country in countries})
        else:
            codes[offering] = outcome_of(offering)[0]
    return RequirementOutcome(requirement, codes, explain)


def _with_expected(outcome: tuple[str, str | None, str | None], expected: str) -> tuple:
    verdict, actual, note = outcome
    return verdict, expected, actual, note


def _location_outcome(
    countries: set[str], allowed_countries: set[str], from_provider: bool, namer: Namer
) -> tuple[str, str | None, str | None]:
    verdict = _set_verdict({country: country in allowed_countries for country in countries})
    actual = ", ".join(namer.compact(c) for c in sorted(countries)) or None
    note = None
    if from_provider and countries:
        note = MIXED_PROVIDER_NOTE if verdict == UNKNOWN else PROVIDER_BASIS_NOTE
    elif verdict == UNKNOWN and countries:
        note = MIXED_VALUES_NOTE
    return verdict, actual, note


def location_countries(store: ManifestStore, holders: Holders) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Return the countries located per offering and the countries operated per holder.

    An offering appears in the first mapping only when one of its locations leads to a
    country, and a holder of mpli:operatesLocation that is itself such an offering adds
    its operated countries there too, as one holder of both kinds.
    """
    edges: dict[str, dict[str, list[str]]] = {"location": {}, "operates": {}, "partOf": {}, "country": {}}
    for subject, link, target in run_values(store, "location", [], ("subject", "link", "object")):
        edges[link].setdefault(subject, []).append(target)

    country_cache: dict[str, set[str]] = {}

    def countries_of(location: str) -> set[str]:
        """Return the countries of ``location`` and of every place it is mpli:partOf, transitively."""
        found = country_cache.get(location)
        if found is None:
            found = set()
            seen = {location}
            pending = [location]
            while pending:
                place = pending.pop()
                found.update(edges["country"].get(place, ()))
                for parent in edges["partOf"].get(place, ()):
                    if parent not in seen:
                        seen.add(parent)
                        pending.append(parent)
            country_cache[location] = found
        return found

    operated: dict[str, set[str]] = {}
    for holder, locations in edges["operates"].items():
        countries = set().union(*(countries_of(location) for location in locations))
        if countries:
            operated[holder] = countries

    located: dict[str, set[str]] = {}
    for holder, locations in edges["location"].items():
        if holder not in holders.provider_of:
            continue
        countries = set().union(*(countries_of(location) for location in locations))
        if countries:
            located[holder] = countries | operated.get(holder, set())
    for holder in operated.keys() & holders.provider_of.keys():
        if holder not in located:
            located[holder] = operated[holder]
    return located, operated


def _members(store: ManifestStore, requirements: list[Requirement]) -> dict[str, set[str]]:
    """Return the countries that each allowed IRI admits: itself and its skos:member closure."""
    allowed = Table(
        ("allowedValue",),
        [{"allowedValue": v} for r in requirements for v in r.allowed_values if isinstance(v, ox.NamedNode)],
    )
    # A zero-length skos:member* path admits the allowed value itself, even when no graph names it.
    members: dict[str, set[str]] = {row["allowedValue"].value: {row["allowedValue"].value} for row in allowed.rows}
    for value, country in run_values(store, "members", [allowed], ("allowedValue", "country")):
        members.setdefault(value, set()).add(country)
    return members


def _evaluate_values(
    store: ManifestStore, requirements: list[Requirement], namer: Namer, holders: Holders
) -> list[RequirementOutcome]:
    stated = _collect(run_query(store, "set", _tables(requirements)), "stated")
    outcomes = []
    for requirement in requirements:
        expected = "in " + ", ".join(namer.term(v) for v in requirement.allowed_values)
        # Offerings whose values come from the same holders share one outcome.
        shared: dict[tuple[str, ...], tuple[str, str | None, str | None]] = {}
        speakers: dict[str, tuple[str, ...]] = {}
        for offering in holders.offerings:
            speaking = tuple(h for h in holders.of(offering) if (requirement.key, h) in stated)
            speakers[offering] = speaking
            if speaking not in shared:
                values: dict[str, bool] = {}
                for holder in speaking:
                    for value, ok in stated[(requirement.key, holder)].items():
                        values[value] = values.get(value, False) or ok
                verdict = _set_verdict(values)
                actual = ", ".join(namer.compact(v) for v in sorted(values)) or None
                note = MIXED_VALUES_NOTE if verdict == UNKNOWN and values else None
                shared[speaking] = (verdict, actual, note)
        codes = {offering: shared[speaking][0] for offering, speaking in speakers.items()}
        outcomes.append(RequirementOutcome(requirement, codes, _shared_explainer(requirement, expected, shared, speakers)))
    return outcomes


def _shared_explainer(requirement: Requirement, expected: str, shared: dict, keys: dict[str, tuple]):
    """Return ``explain(offering)`` for outcomes shared by the offerings with the same key."""

    def explain(offering: str) -> Verdict:
        return Verdict(requirement, offering, *_with_expected(shared[keys[offering]], expected))

    return explain
