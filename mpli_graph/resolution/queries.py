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

__all__ = ["Table", "fill_values", "run_query"]

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


def _sparql_term(term: Term | None) -> str:
    if term is None:
        return "UNDEF"
    return str(term)
