"""Build the sub-query sent to each member and the VALUES text that replaces a SERVICE block.

Each member gets one request per round. When a query has several SERVICE
blocks for the same member, their bodies become the branches of one UNION,
each branch tagged with a BIND of its block number, and the tagged solutions
are split again on return.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from mpli_graph.federation.parse import ParsedQuery, ServiceBlock
from mpli_graph.federation.transport import Solutions

BLOCK_VARIABLE = "mpli_federation_block"
"""Variable that tags each solution with its block when blocks share one request."""

SKOLEM_PREFIX = "urn:x-mpli-federation-bnode:"
"""IRIs that stand for a member's blank nodes in the local query, because
VALUES cannot hold blank nodes."""


@dataclass
class BlockPlan:
    """One SERVICE block as sent to one member: its projection and pushed filters."""

    block: ServiceBlock
    endpoint: str
    projection: list[str] | None
    filters: list[str]
    limit: int | None = None
    bindings: str = ""
    """A VALUES clause that restricts the block to join values (a bound join)."""


def projection_for(parsed: ParsedQuery, block: ServiceBlock) -> list[str] | None:
    """Return the block variables the rest of the query uses, or None for all of them.

    A variable that occurs nowhere else in the query, or only in blocks of
    other UNION branches, cannot change the result unless the query projects
    ``*``, so the member need not send it. The member still sends one
    solution per match, so counts stay the same.
    """
    if parsed.select_star or not block.variables:
        return None
    used = parsed.variables_joined(block)
    needed = [name for name in block.variables if name in used]
    return needed or None


def block_pattern(plan: BlockPlan) -> str:
    """Return the group pattern of one block with its pushed filters."""
    filters = " ".join(f"FILTER {expression}" for expression in plan.filters)
    return f"{plan.bindings} {{ {plan.block.body} }} {filters}".strip()


def subquery(prologue: str, plans: list[BlockPlan]) -> str:
    """Return the SELECT query that requests all of one member's blocks at once."""
    if len(plans) == 1:
        plan = plans[0]
        head = " ".join(f"?{name}" for name in plan.projection) if plan.projection else "*"
        limit = f" LIMIT {plan.limit}" if plan.limit is not None else ""
        return f"{prologue}\nSELECT {head} WHERE {{ {block_pattern(plan)} }}{limit}"

    names: set[str] = set()
    for plan in plans:
        names.update(plan.projection if plan.projection else plan.block.variables)
    head = " ".join(f"?{name}" for name in sorted(names))
    branches = " UNION ".join(
        f"{{ {block_pattern(plan)} BIND({number} AS ?{BLOCK_VARIABLE}) }}"
        for number, plan in enumerate(plans)
    )
    return f"{prologue}\nSELECT ?{BLOCK_VARIABLE} {head} WHERE {{ {branches} }}"


def split_solutions(solutions: Solutions, plans: list[BlockPlan]) -> list[Solutions]:
    """Split one member's solutions into one Solutions per plan."""
    if len(plans) == 1:
        return [restrict(solutions, plans[0], solutions.rows)]

    tag_index = solutions.variables.index(BLOCK_VARIABLE) if BLOCK_VARIABLE in solutions.variables else None
    grouped: list[list[tuple]] = [[] for _ in plans]
    for row in solutions.rows:
        tag = row[tag_index] if tag_index is not None else None
        if isinstance(tag, ox.Literal) and tag.value.isdigit() and int(tag.value) < len(plans):
            grouped[int(tag.value)].append(row)
    return [restrict(solutions, plan, rows) for plan, rows in zip(plans, grouped)]


def restrict(solutions: Solutions, plan: BlockPlan, rows: list[tuple]) -> Solutions:
    """Keep only the variables of a plan's projection in a set of rows."""
    kept = plan.projection if plan.projection else plan.block.variables
    kept_set = set(kept)
    positions = [
        (name, index)
        for index, name in enumerate(solutions.variables)
        if name in kept_set and name != BLOCK_VARIABLE
    ]
    names = [name for name, _ in positions]
    if names == solutions.variables:
        return Solutions(names, rows)
    return Solutions(names, [tuple(row[index] for _, index in positions) for row in rows])


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None, scope: str) -> str:
    """Return a term as SPARQL text for a VALUES row; blank nodes become scoped IRIs."""
    if term is None:
        return "UNDEF"
    if isinstance(term, ox.BlankNode):
        return f"<{SKOLEM_PREFIX}{scope}:{term.value}>"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    raise ValueError(f"cannot put {term!r} in a VALUES block")


def values_group(solutions: Solutions, scope: str) -> str:
    """Return a group pattern whose solutions are exactly the given rows."""
    head = " ".join(f"?{name}" for name in solutions.variables)
    rows = " ".join(
        "(" + " ".join(term_text(term, scope) for term in row) + ")" for row in solutions.rows
    )
    return f"{{ VALUES ({head}) {{ {rows} }} }}"


EMPTY_GROUP = "{ }"
"""A group with one empty solution: what a failed SERVICE SILENT block yields."""

NO_SOLUTIONS = "{ FILTER(false) }"
"""A group with no solution: what a failed member contributes to a partial result."""
