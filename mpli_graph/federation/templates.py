"""Build federated queries from the templates in ``queries/federation/``.

A template names its one member as ``SERVICE <urn:mpli:federation:member>``.
:func:`federate` repeats that block for each member endpoint, as the branches
of a UNION, and binds the endpoint to a variable so every solution names the
member that stated it. The output is plain SPARQL 1.1 that any engine with SERVICE
support runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from mpli_graph.errors import InputError
from mpli_graph.federation.parse import parse_query
from mpli_graph.resources import query_text

MEMBER_PLACEHOLDER = "urn:mpli:federation:member"
"""The endpoint IRI that stands for 'each member' in a template."""


def federate(template: str, endpoints: Iterable[str], member_variable: str = "member") -> str:
    """Return the template with each placeholder SERVICE block repeated once per endpoint."""
    endpoints = list(endpoints)
    parsed = parse_query(template)
    placeholders = [block for block in parsed.services if block.endpoint == MEMBER_PLACEHOLDER]
    if not placeholders:
        raise InputError(f"the template has no SERVICE <{MEMBER_PLACEHOLDER}> block to repeat")

    replacements = {}
    for block in parsed.services:
        if block.endpoint != MEMBER_PLACEHOLDER:
            replacements[block.index] = parsed.text[block.start : block.end]
            continue

        keyword = "SERVICE SILENT" if block.silent else "SERVICE"
        branches = [
            f"{{ {keyword} <{endpoint}> {{{block.body}}} BIND(<{endpoint}> AS ?{member_variable}) }}"
            for endpoint in endpoints
        ]
        replacements[block.index] = "{ " + "\n  UNION ".join(branches) + " }" if branches else "{ FILTER(false) }"
    return parsed.replace_services(replacements)


def federated_query(name: str, endpoints: Iterable[str]) -> str:
    """Return ``queries/federation/NAME.rq`` federated over the given endpoints."""
    return federate(query_text(f"federation/{name}.rq"), endpoints)


def member_query(name: str) -> str:
    """Return ``queries/federation/NAME.rq`` as is, for a query sent to one member."""
    return query_text(f"federation/{name}.rq")
