"""Tests of the UNION-of-SERVICE path: same results as pyoxigraph, without local evaluation."""

from __future__ import annotations

import pytest

from mpli_graph.errors import QuerySyntaxError
from mpli_graph.federation.executor import FederatedExecutor
from mpli_graph.federation.members import Federation, FederationMember
from mpli_graph.federation.parse import parse_query
from mpli_graph.federation.union import union_plan
from tests.federation.test_executor import PREFIX, executor_for, free_port, pyoxigraph_rows, rows_of


def member_union(urls: list[str], silent: bool = False, filtered: bool = True) -> str:
    """Return a UNION query over members in the shape the templates produce."""
    keyword = "SERVICE SILENT" if silent else "SERVICE"
    condition = "FILTER(?cpu >= 4)" if filtered else ""
    branches = " UNION ".join(
        f"{{ {keyword} <{url}> {{ ?o ex:vcpu ?cpu OPTIONAL {{ ?o ex:label ?label }} }} {condition} BIND(<{url}> AS ?member) }}"
        for url in urls
    )
    return PREFIX + f"SELECT ?member ?o ?cpu ?label WHERE {{ {branches} }}"


def test_union_plan_recognised(members):
    a, b, c = members
    plan = union_plan(parse_query(member_union([a.url, b.url])))

    assert plan is not None
    assert plan.variables == ["member", "o", "cpu", "label"]
    assert [branch.block.endpoint for branch in plan.branches] == [a.url, b.url]
    assert all(branch.filtered for branch in plan.branches)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?o WHERE { { SERVICE <http://127.0.0.1:1/a> { ?o ?p ?v } } UNION { SERVICE <http://127.0.0.1:1/b> { ?o ?p ?v } } } ORDER BY ?o",
        "SELECT DISTINCT ?o WHERE { { SERVICE <http://127.0.0.1:1/a> { ?o ?p ?v } } }",
        "SELECT * WHERE { { SERVICE <http://127.0.0.1:1/a> { ?o ?p ?v } } }",
        "SELECT ?o WHERE { { SERVICE <http://127.0.0.1:1/a> { ?o ?p ?v } OPTIONAL { ?o ?q ?w } FILTER(?w > 1) } }",
        "SELECT ?o WHERE { { SERVICE <http://127.0.0.1:1/a> { ?o ?p ?v } ?o ?q ?w } }",
        "SELECT ?o WHERE { { SERVICE ?e { ?o ?p ?v } } }",
        "SELECT ?o WHERE { { SERVICE <http://127.0.0.1:1/a> { ?o ?p ?v } BIND(STR(?o) AS ?s) } }",
    ],
)
def test_other_shapes_not_recognised(query):
    assert union_plan(parse_query(query)) is None


def test_union_equals_pyoxigraph(members):
    a, b, c = members
    query = member_union([a.url, b.url])

    with executor_for(a, b) as executor:
        result = executor.query(query)

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert len(result.rows()) == 3


def test_silent_failed_branch_equals_pyoxigraph(members):
    a, b, c = members
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    federation = Federation([FederationMember(a.url), FederationMember(dead, 2.0)])

    for filtered in (True, False):
        query = member_union([a.url, dead], silent=True, filtered=filtered)
        with FederatedExecutor(federation) as executor:
            result = executor.query(query)

        assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert {"member": f"<{dead}>"} in [{k: str(v) for k, v in row.items()} for row in result.rows()]


def test_scope_error_raised_before_requests(members):
    a, b, c = members
    query = PREFIX + f"SELECT ?o WHERE {{ {{ SERVICE <{a.url}> {{ ?o ex:vcpu ?cpu }} BIND(<urn:x> AS ?o) }} }}"
    before = a.requests

    with executor_for(a) as executor:
        with pytest.raises(QuerySyntaxError):
            executor.query(query)

    assert a.requests == before


def test_languages_and_datatypes_in_json(start_endpoint):
    endpoint = start_endpoint('<urn:s> <urn:p> "chat"@fr , "x" , "2"^^<urn:type> , _:b .')
    query = f"SELECT ?o WHERE {{ {{ SERVICE <{endpoint.url}> {{ <urn:s> <urn:p> ?o FILTER(!isBlank(?o)) }} }} }}"

    with executor_for(endpoint) as executor:
        result = executor.query(query)

    assert union_plan(parse_query(query)) is not None
    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
