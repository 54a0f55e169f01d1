"""Tests of bound joins: a large join partner is fetched again restricted to the small one's values."""

from __future__ import annotations

from mpli_graph.federation.boundjoin import join_partners
from mpli_graph.federation.parse import parse_query
from tests.federation.test_executor import PREFIX, executor_for, pyoxigraph_rows, rows_of


def join_query(a_url: str, c_url: str) -> str:
    return PREFIX + (
        f"SELECT ?o ?country WHERE {{ SERVICE <{a_url}> {{ ?o ex:provider ?provider }} "
        f"SERVICE <{c_url}> {{ ?provider ex:country ?country }} }}"
    )


def test_partners_found_only_in_one_group():
    query = PREFIX + (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/a> { ?o ex:provider ?p } "
        "SERVICE <http://127.0.0.1:1/b> { ?p ex:country ?c } "
        "OPTIONAL { SERVICE <http://127.0.0.1:1/c> { ?o ex:price ?x } } "
        "SERVICE SILENT <http://127.0.0.1:1/d> { ?p ex:name ?n } }"
    )

    partners = join_partners(parse_query(query))

    assert {index: [(p.index, p.variables) for p in found] for index, found in partners.items()} == {
        0: [(1, ("p",))],
        1: [(0, ("p",))],
    }


def test_large_partner_fetched_bound(members):
    a, b, c = members
    query = join_query(a.url, c.url)

    with executor_for(a, c, bound_join_threshold=2) as executor:
        result = executor.query(query)
    sent_to_a, requests_to_c = list(a.queries), c.requests

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert len(result.rows()) == 3
    assert len(sent_to_a) == 2
    assert "LIMIT 3" in sent_to_a[0]
    assert "VALUES (?provider) {" in sent_to_a[1]
    assert "(<http://example.org/alpha>)" in sent_to_a[1]
    assert "(<http://example.org/beta>)" in sent_to_a[1]
    assert "LIMIT" not in sent_to_a[1]
    assert requests_to_c == 1
    assert [source["status"] for source in result.sources_json()] == ["ok", "ok"]


def test_both_partners_large_fetched_unbound(members):
    a, b, c = members
    query = join_query(a.url, c.url)

    with executor_for(a, c, bound_join_threshold=1) as executor:
        result = executor.query(query)
    sent_to_a, sent_to_c = list(a.queries), list(c.queries)

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert len(sent_to_a) == 2
    assert len(sent_to_c) == 2
    assert "VALUES" not in sent_to_a[1]
    assert "LIMIT" not in sent_to_a[1]


def test_small_partners_fetched_once(members):
    a, b, c = members
    query = join_query(a.url, c.url)

    with executor_for(a, c) as executor:
        result = executor.query(query)
    requests = (a.requests, c.requests)

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert requests == (1, 1)


def test_bound_joins_disabled(members):
    a, b, c = members

    with executor_for(a, c, bound_join_threshold=None) as executor:
        executor.query(join_query(a.url, c.url))

    assert "LIMIT" not in a.queries[-1]
