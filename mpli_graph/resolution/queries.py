"""Compose the resolution queries from ``queries/resolve/*.rq`` and run them.

Each query file holds one or more empty ``VALUES (?a ?b) { }`` blocks that
name the inputs it reads. The resolver fills each block with the rows of a
:class:`Table` whose columns include the block's variables, so one query
evaluates every requirement of its kind against every offering at once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from mpli_graph.errors import InputError
from mpli_graph.resources import query_text
from mpli_graph.store import ManifestStore

__all__ = ["Table", "fill_values", "run_query", "run_values"]

logger = logging.getLogger(__name__)

_VALUES_BLOCK = re.compile(r"VALUES\s*\(([^)]*)\)\s*\{\s*\}")

Term = ox.NamedNode | ox.Literal


@dataclass
class Table:
    """Input rows for VALUES blocks: ``columns`` names the variables, a missing or None cell is UNDEF."""

    columns: tuple[str, ...]
    rows: list[dict[str, Term | None]] = field(default_factory=list)


@lru_cache(maxsize=None)
def _load(name: str) -> str:
    return query_text(f"resolve/{name}.rq")


def fill_values(query: str, tables: list[Table]) -> str:
    """Return ``query`` with every empty VALUES block filled from the first table that has its columns."""

    def replace(match: re.Match[str]) -> str:
        variables = tuple(v.lstrip("?$") for v in match.group(1).split())
        table = next((t for t in tables if set(variables) <= set(t.columns)), None)
        if table is None:
            raise InputError(f"no input table for VALUES ({' '.join(variables)})")
        seen: set[tuple[str, ...]] = set()
        lines = []
        for row in table.rows:
            cells = tuple(_sparql_term(row.get(v)) for v in variables)
            if cells not in seen:
                seen.add(cells)
                lines.append("    (" + " ".join(cells) + ")")
        header = " ".join("?" + v for v in variables)
        return f"VALUES ({header}) {{\n" + "\n".join(lines) + "\n  }"

    return _VALUES_BLOCK.sub(replace, query)


def run_query(store: ManifestStore, name: str, tables: list[Table]) -> list[dict[str, Term]]:
    """Fill the VALUES blocks of ``queries/resolve/NAME.rq`` and return its rows."""
    sparql = fill_values(_load(name), tables)
    rows = store.select(sparql)
    logger.debug("Query resolve/%s.rq returned %d rows", name, len(rows))
    return rows


def run_values(
    store: ManifestStore, name: str, tables: list[Table], columns: tuple[str, ...]
) -> list[tuple[str | None, ...]]:
    """Fill and run ``queries/resolve/NAME.rq`` like :func:`run_query`, returning only ``columns``.

    Each row is a tuple of lexical forms (IRI text or literal value), None where the variable
    is unbound. Rows built this way skip a dict and a term object per cell, which matters
    for the queries that return one row per offering.
    """
    sparql = fill_values(_load(name), tables)
    solutions = store.query(sparql)
    if not isinstance(solutions, ox.QuerySolutions):
        raise InputError(f"resolve/{name}.rq is not a SELECT query")
    names = [variable.value for variable in solutions.variables]
    positions = [names.index(column) for column in columns]
    try:
        if positions == list(range(len(names))):
            # Unpacking a whole solution is faster in pyoxigraph than reading it cell by cell.
            rows = [tuple([None if term is None else term.value for term in row]) for row in solutions]
        else:
            rows = [tuple(None if (term := row[i]) is None else term.value for i in positions) for row in solutions]
    except OSError as error:
        raise InputError(f"query evaluation failed: {error}") from None
    logger.debug("Query resolve/%s.rq returned %d rows", name, len(rows))
    return rows


def _sparql_term(term: Term | None) -> str:
    if term is None:
        return "UNDEF"
    return str(term)
