"""Minimum and maximum requirements on quantities, converted between units by the query."""

from __future__ import annotations

import pyoxigraph as ox

from mpli_graph.resolution.model import Requirement
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.queries import Table, run_query
from mpli_graph.resolution.verdicts import Verdict, best_verdict
from mpli_graph.store import ManifestStore

__all__ = ["evaluate_quantities"]


def evaluate_quantities(
    store: ManifestStore, kind: str, requirements: list[Requirement], namer: Namer
) -> list[Verdict]:
    """Return the verdicts of minimum or maximum requirements (``kind``) for every offering."""
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
        order = (best_verdict(row["verdict"].value), sign * float(actual.value) if actual is not None else 0.0)
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
