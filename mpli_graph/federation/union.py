"""Evaluate a UNION of SERVICE blocks by concatenating the members' solutions.

The most common federated query sends every member the same sub-query::

    SELECT ?member ?offering WHERE {
      { SERVICE <a> { ... } FILTER(...) BIND(<a> AS ?member) }
      UNION { SERVICE <b> { ... } FILTER(...) BIND(<b> AS ?member) }
    }

When a query has exactly this shape (plain projected variables, no solution
modifiers, each branch one SERVICE block with an IRI, FILTERs that were all
pushed into the block, and BINDs of constant IRIs) its result is the
concatenation of the branches' solutions plus the bound constants. The
executor then skips the local evaluation in pyoxigraph, which for thousands
of solutions costs more than the requests themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from mpli_graph.federation.parse import ParsedQuery, ServiceBlock, Token, filter_expression, resolve_term
from mpli_graph.federation.transport import Solutions

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class UnionBranch:
    """One branch: its SERVICE block, the constants it binds and whether it filters."""

    block: ServiceBlock
    bindings: dict[str, ox.NamedNode] = field(default_factory=dict)
    filtered: bool = False


@dataclass
class UnionPlan:
    """The projected variables and the branches of a UNION-of-SERVICE query."""

    variables: list[str]
    branches: list[UnionBranch]


def union_plan(parsed: ParsedQuery) -> UnionPlan | None:
    """Return the plan of a UNION-of-SERVICE query, or None when the query has another shape."""
    tokens = parsed.tokens
    index = parsed.body_index
    if index >= len(tokens) or tokens[index].keyword != "SELECT":
        return None
    index += 1

    variables = []
    while index < len(tokens) and tokens[index].kind == "VAR":
        variables.append(tokens[index].text[1:])
        index += 1
    if not variables:
        return None
    if index < len(tokens) and tokens[index].keyword == "WHERE":
        index += 1
    if index >= len(tokens) or tokens[index].text != "{" or tokens[-1].text != "}":
        return None

    by_start = {block.start: block for block in parsed.services}
    branches = []
    position = index + 1
    while True:
        branch, position = read_branch(parsed, tokens, position, by_start)
        if branch is None:
            return None
        branches.append(branch)
        if position == len(tokens) - 1:
            break
        if tokens[position].keyword != "UNION":
            return None
        position += 1

    if len(branches) != len(parsed.services):
        return None
    return UnionPlan(variables, branches)


def read_branch(
    parsed: ParsedQuery, tokens: list[Token], position: int, by_start: dict[int, ServiceBlock]
) -> tuple[UnionBranch | None, int]:
    """Read ``{ SERVICE <iri> {...} FILTER... BIND... }``; return the branch and the next index."""
    if position + 1 >= len(tokens) or tokens[position].text != "{":
        return None, position
    block = by_start.get(tokens[position + 1].start)
    if block is None or block.endpoint is None:
        return None, position

    branch = UnionBranch(block)
    position += 1
    while position < len(tokens) and tokens[position].start < block.end:
        position += 1

    while position < len(tokens) and tokens[position].text != "}":
        keyword = tokens[position].keyword
        if keyword == "FILTER":
            expression = filter_expression(tokens, position)
            if expression is None:
                return None, position
            text = parsed.text[tokens[expression[0]].start : tokens[expression[1]].end]
            if text not in block.filters:
                return None, position
            branch.filtered = True
            position = expression[1] + 1
        elif keyword == "BIND":
            binding = read_constant_bind(parsed, tokens, position)
            if binding is None:
                return None, position
            name, term = binding
            if name in block.variables or name in branch.bindings:
                return None, position
            branch.bindings[name] = term
            position += 6
        else:
            return None, position

    if position >= len(tokens):
        return None, position
    return branch, position + 1


def read_constant_bind(parsed: ParsedQuery, tokens: list[Token], position: int) -> tuple[str, ox.NamedNode] | None:
    """Read ``BIND ( IRI AS ?var )`` at position; return the variable and the IRI."""
    window = tokens[position : position + 6]
    if len(window) < 6:
        return None
    _, opening, value, as_keyword, variable, closing = window
    if opening.text != "(" or as_keyword.keyword != "AS" or variable.kind != "VAR" or closing.text != ")":
        return None
    if value.kind not in ("IRI", "PNAME"):
        return None
    return variable.text[1:], ox.NamedNode(resolve_term(value, parsed.prefixes, parsed.base))


def validation_query(parsed: ParsedQuery) -> str:
    """Return the query with each block replaced by an empty VALUES of its variables.

    pyoxigraph checks this text for syntax and scope errors (such as a BIND to
    a variable the block already binds) without any request being sent.
    """
    replacements = {}
    for block in parsed.services:
        head = " ".join(f"?{name}" for name in block.variables)
        replacements[block.index] = f"{{ VALUES ({head}) {{ }} }}"
    return parsed.replace_services(replacements)


class UnionEncoder:
    """Encode the UNION's result as SPARQL JSON, one branch at a time as responses arrive.

    Each distinct term is encoded once, and rows are joined as text, which is
    several times faster than building a dictionary per row for json.dumps.
    """

    def __init__(self, plan: UnionPlan) -> None:
        self.plan = plan
        self.wanted = set(plan.variables)
        self._encoded: dict[object, str] = {}
        self._rows: dict[int, list[str]] = {}
        self._branches = {branch.block.index: branch for branch in plan.branches}

    def encode(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        """Return a term's JSON text, from the cache when seen before."""
        text = self._encoded.get(term)
        if text is None:
            text = self._encoded[term] = json.dumps(term_json(term), ensure_ascii=False)
        return text

    def add(self, block_index: int, endpoint: str, solutions: Solutions | None) -> None:
        """Encode one branch's solutions, or its failure, as JSON rows."""
        branch = self._branches[block_index]
        constants = [
            f"{json.dumps(name)}:{self.encode(term)}"
            for name, term in branch.bindings.items()
            if name in self.wanted
        ]

        if solutions is None:
            empty_solution = branch.block.silent and not branch.filtered
            self._rows[block_index] = ["{" + ",".join(constants) + "}"] if empty_solution else []
            return

        columns = [
            (position, json.dumps(name) + ":")
            for position, name in enumerate(solutions.variables)
            if name in self.wanted
        ]
        rows = []
        for row in solutions.rows:
            cells = constants + [key + self.encode(row[position]) for position, key in columns if row[position] is not None]
            rows.append("{" + ",".join(cells) + "}")
        self._rows[block_index] = rows

    def finish(self) -> bytes:
        """Return the whole SPARQL JSON results document, branches in query order."""
        rows = [row for branch in self.plan.branches for row in self._rows.get(branch.block.index, [])]
        head = json.dumps({"vars": self.plan.variables})
        return f'{{"head":{head},"results":{{"bindings":[{",".join(rows)}]}}}}'.encode("utf-8")


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict:
    """Return a term as a SPARQL JSON results binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return {"type": "literal", "value": term.value}
    return {"type": "literal", "value": term.value, "datatype": datatype}

