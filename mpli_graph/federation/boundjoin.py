"""Bound joins: restrict a large SERVICE block to the join values of a small one.

Two blocks are *join partners* when both are direct elements of the same
group, so every solution of the group contains one solution of each. Neither
may be SILENT or name its endpoint with a variable, and they must share
variables that both bind certainly. In the first round each partner is fetched with
``LIMIT threshold + 1``. A partner that returns more than ``threshold``
solutions is fetched again in a second round. The second request carries a
VALUES clause with the distinct join values of a partner that returned all
its solutions, or no VALUES and no limit when no partner did. So a bound join is sent only
when fetching the block unbound proved larger than the values it is bound to.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from mpli_graph.federation.parse import ParsedQuery
from mpli_graph.federation.transport import Solutions


@dataclass(frozen=True)
class Partner:
    """A join partner of a block and the variables they join on."""

    index: int
    variables: tuple[str, ...]


def join_partners(parsed: ParsedQuery) -> dict[int, list[Partner]]:
    """Return, for each block that has any, its join partners."""
    partners: dict[int, list[Partner]] = {}
    candidates = [
        block for block in parsed.services if block.endpoint is not None and not block.silent and block.path
    ]
    for block in candidates:
        for other in candidates:
            if other is block or other.path[:-1] != block.path[:-1]:
                continue
            shared = tuple(sorted(block.certain_variables & other.certain_variables))
            if shared:
                partners.setdefault(block.index, []).append(Partner(other.index, shared))
    return partners


def join_values(solutions: Solutions, variables: tuple[str, ...]) -> list[tuple[ox.NamedNode | ox.Literal, ...]] | None:
    """Return the distinct values of the join variables, or None if some are unbound or blank."""
    positions = []
    for name in variables:
        if name not in solutions.variables:
            return None
        positions.append(solutions.variables.index(name))

    values: dict[tuple, None] = {}
    for row in solutions.rows:
        key = tuple(row[position] for position in positions)
        if any(term is None or isinstance(term, ox.BlankNode) for term in key):
            return None
        values[key] = None
    return list(values)


def values_clause(variables: tuple[str, ...], values: list[tuple]) -> str:
    """Return a VALUES clause with one row per tuple of join values."""
    head = " ".join(f"?{name}" for name in variables)
    rows = " ".join("(" + " ".join(str(term) for term in row) + ")" for row in values)
    return f"VALUES ({head}) {{ {rows} }}"
