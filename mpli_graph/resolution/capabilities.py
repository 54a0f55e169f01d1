"""Capability requirements: a value present on the offering or its holders, optionally in a minimum version.

The stated values of each property come from :mod:`.facts`. The query lists the
terms that are the required one or narrower, literals equal to a required
literal, and the stated versions. Here an offering's holders are combined, and
dotted versions are compared number by number, so "1.100" is newer than "1.31".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

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

__all__ = ["evaluate_capabilities"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def evaluate_capabilities(
    store: ManifestStore, requirements: list[Requirement], namer: Namer, facts: StoreFacts
) -> list[RequirementOutcome]:
    """Return the outcomes of capability requirements for every offering."""
    holders = facts.holders
    literals = Table(("requirement", "property", "value"))
    values_table = Table(("requirement", "value"))
    versions_table = Table(("requirement", "versionProperty"))
    for requirement in requirements:
        node = ox.NamedNode(requirement.key)
        values_table.rows.append({"requirement": node, "value": requirement.value})
        if isinstance(requirement.value, ox.Literal):
            literals.rows.append(
                {"requirement": node, "property": ox.NamedNode(requirement.on_property), "value": requirement.value}
            )
        if requirement.version_property:
            versions_table.rows.append(
                {"requirement": node, "versionProperty": ox.NamedNode(requirement.version_property)}
            )

    rows = run_values(
        store, "capability", [versions_table, values_table, literals], ("requirement", "link", "holder", "object")
    )
    narrower: dict[str, set[str]] = {}
    equal: set[tuple[str, str, str]] = set()
    versions: dict[tuple[str, str], set[str]] = {}
    for requirement_key, link, holder, term in rows:
        if link == "narrower":
            narrower.setdefault(requirement_key, set()).add(term)
        elif link == "equal":
            equal.add((requirement_key, holder, term))
        else:
            versions.setdefault((requirement_key, holder), set()).add(term)

    stated: dict[tuple[str, str], dict[str, bool]] = {}
    for requirement in requirements:
        is_literal_value = isinstance(requirement.value, ox.Literal)
        matches = narrower.get(requirement.key, set()) | {requirement.value.value}
        for holder, term, is_literal in facts.statements(requirement.on_property):
            if requirement.on_property == RDF_TYPE and holder not in holders.provider_of:
                continue
            if is_literal_value:
                matched = (requirement.key, holder, term) in equal
            else:
                matched = not is_literal and term in matches
            values = stated.setdefault((requirement.key, holder), {})
            values[term] = values.get(term, False) or matched

    outcomes = []
    for requirement in requirements:
        expected = namer.term(requirement.value)
        if requirement.minimum_version:
            expected += f", version at least {requirement.minimum_version}"
        # Offerings whose statements come from the same holders (usually their provider) share
        # one outcome, so it is worked out once per group of holders.
        shared: dict[tuple[str, ...], tuple[str, str | None, str | None]] = {}
        speakers: dict[str, tuple[str, ...]] = {}
        codes: dict[str, str] = {}
        verdict_of: dict[tuple[str, ...], str] = {}
        speaking_holders = {h for k, h in stated if k == requirement.key} | {h for k, h in versions if k == requirement.key}
        by_provider: dict[str, tuple[str, ...]] = {}
        for offering in holders.offerings:
            if offering in speaking_holders or offering in holders.parts:
                speaking = tuple(h for h in holders.of(offering) if h in speaking_holders)
            else:
                # Without statements or parts of its own, an offering speaks through its provider.
                provider = holders.provider_of[offering]
                speaking = by_provider.get(provider)
                if speaking is None:
                    speaking = tuple(h for h in holders.of(offering) if h in speaking_holders)
                    by_provider[provider] = speaking
            speakers[offering] = speaking
            verdict = verdict_of.get(speaking)
            if verdict is None:
                if requirement.minimum_version:
                    shared[speaking] = _outcome(requirement, speaking, stated, versions, namer)
                    verdict = shared[speaking][0]
                else:
                    verdict = _match_verdict(requirement, speaking, stated)
                verdict_of[speaking] = verdict
            codes[offering] = verdict
        explain = _explainer(requirement, expected, shared, speakers, stated, versions, namer)
        outcomes.append(RequirementOutcome(requirement, codes, explain))
    return outcomes


def _match_verdict(requirement: Requirement, speaking: tuple[str, ...], stated: dict) -> str:
    """Return the verdict of a requirement without a minimum version, as :func:`_outcome` decides it."""
    any_value = False
    for holder in speaking:
        values = stated.get((requirement.key, holder))
        if values:
            any_value = True
            if any(values.values()):
                return SATISFIED
    return VIOLATED if any_value else UNKNOWN


def _explainer(requirement, expected, shared, speakers, stated, versions, namer):
    """Return ``explain(offering)`` for the outcome of the offering's group of holders."""

    def explain(offering: str) -> Verdict:
        speaking = speakers[offering]
        if speaking not in shared:
            shared[speaking] = _outcome(requirement, speaking, stated, versions, namer)
        verdict, actual, note = shared[speaking]
        return Verdict(requirement, offering, verdict, expected, actual, note)

    return explain


def _outcome(requirement, speaking, stated, versions, namer) -> tuple[str, str | None, str | None]:
    """Return the verdict, actual value and note from the statements of the holders in ``speaking``."""
    values: dict[str, bool] = {}
    stated_versions: set[str] = set()
    for holder in speaking:
        for value, matched in stated.get((requirement.key, holder), {}).items():
            values[value] = values.get(value, False) or matched
        stated_versions |= versions.get((requirement.key, holder), set())

    matched = sorted(value for value, ok in values.items() if ok)
    if matched:
        verdict = SATISFIED
        actual = namer.compact(matched[0])
    else:
        verdict = VIOLATED if values else UNKNOWN
        actual = ", ".join(namer.compact(v) for v in sorted(values)) or None

    note = None
    if verdict == SATISFIED and requirement.minimum_version:
        ordered = sorted(stated_versions, key=lambda v: (_version_tuple(v) or (), v))
        if ordered:
            actual = f"{actual}, versions {' '.join(ordered)}"
        verdict, note = _version_verdict(ordered, requirement.minimum_version)
    return verdict, actual, note


def _version_verdict(versions: list[str], minimum: str) -> tuple[str, str | None]:
    if not versions:
        return UNKNOWN, "no version is stated"
    parsed = [v for v in (_version_tuple(text) for text in versions) if v is not None]
    if not parsed:
        return UNKNOWN, "no stated version is a dotted number such as 1.30"
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
