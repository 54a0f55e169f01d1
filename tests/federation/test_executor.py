"""Tests of the federated executor against real endpoints on 127.0.0.1.

Where pyoxigraph can run the same query with its own SERVICE support, the
executor must return the same solutions (as a multiset).
"""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest

from mpli_graph.errors import ForbiddenError, LimitExceededError
from mpli_graph.federation.executor import FederatedExecutor
from mpli_graph.federation.members import Federation, FederationMember, members_from_urls
from mpli_graph.federation.transport import Transport

PREFIX = "PREFIX ex: <http://example.org/>\n"


def rows_of(solutions) -> list[tuple]:
    """Return solutions as a sorted list of (variable, term text) tuples, for multiset equality."""
    names = [variable.value for variable in solutions.variables]
    rows = [tuple((name, str(row[name])) for name in names if row[name] is not None) for row in solutions]
    return sorted(rows)


def pyoxigraph_rows(query: str) -> list[tuple]:
    """Run a query with pyoxigraph's own SERVICE support."""
    return rows_of(ox.Store().query(query))


def executor_for(*endpoints, timeout: float = 5.0, **options) -> FederatedExecutor:
    """Return an executor whose federation contains the given endpoints."""
    members = [FederationMember(endpoint.url, timeout) for endpoint in endpoints]
    return FederatedExecutor(Federation(members), **options)


def test_union_of_members_equals_pyoxigraph(members):
    a, b, c = members
    query = PREFIX + (
        f"SELECT ?o ?cpu WHERE {{ {{ SERVICE <{a.url}> {{ ?o a ex:Offering ; ex:vcpu ?cpu }} }} "
        f"UNION {{ SERVICE <{b.url}> {{ ?o a ex:Offering ; ex:vcpu ?cpu }} }} }}"
    )

    with executor_for(a, b, c) as executor:
        result = executor.query(query)

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert len(result.rows()) == 5
    assert [source["status"] for source in result.sources_json()] == ["ok", "ok"]


def test_join_across_members_equals_pyoxigraph(members):
    a, b, c = members
    query = PREFIX + (
        f"SELECT ?o ?provider ?country WHERE {{ "
        f"{{ SERVICE <{a.url}> {{ ?o ex:provider ?provider }} }} UNION {{ SERVICE <{b.url}> {{ ?o ex:provider ?provider }} }} "
        f"SERVICE <{c.url}> {{ ?provider ex:country ?country }} }}"
    )

    with executor_for(a, b, c) as executor:
        result = executor.query(query)

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert len(result.rows()) == 5


def test_optional_equals_pyoxigraph(members):
    a, b, c = members
    query = PREFIX + (
        f"SELECT ?o ?label ?price WHERE {{ SERVICE <{a.url}> {{ ?o a ex:Offering OPTIONAL {{ ?o ex:label ?label }} }} "
        f"OPTIONAL {{ SERVICE <{c.url}> {{ ?o ex:price ?price }} }} }}"
    )

    with executor_for(a, b, c) as executor:
        result = executor.query(query)

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert {str(row["o"]) for row in result.rows() if "price" in row} == {"<http://example.org/vm2>"}
    assert sum("label" not in row for row in result.rows()) == 1


def test_filter_pushed_and_equal(members):
    a, b, c = members
    query = PREFIX + (
        f"SELECT ?o ?cpu WHERE {{ SERVICE <{a.url}> {{ ?o ex:vcpu ?cpu }} "
        f"SERVICE <{c.url}> {{ ?o ex:price ?price }} FILTER(?cpu >= 4) FILTER(?price < 1) }}"
    )

    with executor_for(a, b, c) as executor:
        result = executor.query(query)
    sent_to_a, sent_to_c = a.queries[-1], c.queries[-1]

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert len(result.rows()) == 1
    assert "FILTER (?cpu >= 4)" in sent_to_a
    assert "FILTER (?price < 1)" in sent_to_c
    assert "?price" not in sent_to_a


def test_projection_pushed(members):
    a, b, c = members
    query = PREFIX + f"SELECT ?o WHERE {{ SERVICE <{a.url}> {{ ?o ex:vcpu ?cpu ; ex:provider ?p }} }}"

    with executor_for(a) as executor:
        result = executor.query(query)
    sent = a.queries[-1]

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert "SELECT ?o WHERE" in sent


def test_silent_dead_member_equals_pyoxigraph(members, counter):
    a, b, c = members
    dead = counter.url.replace(str(counter.port), str(free_port()))
    query = PREFIX + (
        f"SELECT ?o ?x WHERE {{ SERVICE <{a.url}> {{ ?o ex:vcpu 2 }} SERVICE SILENT <{dead}> {{ ?o ex:missing ?x }} }}"
    )

    federation = Federation([FederationMember(a.url), FederationMember(dead, 2.0)])
    with FederatedExecutor(federation) as executor:
        result = executor.query(query)

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert len(result.rows()) == 1
    statuses = {source["endpoint"]: source["status"] for source in result.sources_json()}
    assert statuses == {a.url: "ok", dead: "error"}


def test_ask_and_construct(members):
    a, b, c = members
    ask = PREFIX + f"ASK {{ SERVICE <{b.url}> {{ ?o ex:vcpu 16 }} }}"
    construct = PREFIX + (
        f"CONSTRUCT {{ ?o ex:cores ?cpu }} WHERE {{ SERVICE <{b.url}> {{ ?o ex:vcpu ?cpu }} }}"
    )

    with executor_for(a, b, c) as executor:
        assert executor.query(ask).boolean is True
        triples = executor.query(construct).triples()

    assert sorted(map(str, triples)) == sorted(map(str, ox.Store().query(construct)))
    assert len(triples) == 2


def test_blocks_for_one_member_share_one_request(members):
    a, b, c = members
    query = PREFIX + (
        f"SELECT ?o ?cpu ?label WHERE {{ SERVICE <{a.url}> {{ ?o ex:vcpu ?cpu }} "
        f"OPTIONAL {{ SERVICE <{a.url}> {{ ?o ex:label ?label }} }} }}"
    )
    before = a.requests

    with executor_for(a) as executor:
        result = executor.query(query)

    assert a.requests - before == 1
    assert rows_of(result.solutions()) == pyoxigraph_rows(query)


def test_down_member_reported_partial(members):
    a, b, c = members
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    query = PREFIX + (
        f"SELECT ?o WHERE {{ {{ SERVICE <{a.url}> {{ ?o a ex:Offering }} }} UNION {{ SERVICE <{dead}> {{ ?o a ex:Offering }} }} }}"
    )

    federation = Federation([FederationMember(a.url), FederationMember(dead, 2.0)])
    with FederatedExecutor(federation) as executor:
        result = executor.query(query)

    assert len(result.rows()) == 3
    assert not result.complete
    report = {source.endpoint: source for source in result.sources}[dead]
    assert report.status == "error"
    assert "request failed" in report.error


def test_down_member_raises_when_not_partial(members):
    a, b, c = members
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    query = PREFIX + f"SELECT ?o WHERE {{ SERVICE <{dead}> {{ ?o a ex:Offering }} }}"

    federation = Federation([FederationMember(dead, 2.0)])
    with FederatedExecutor(federation, partial=False) as executor:
        with pytest.raises(LimitExceededError, match=dead):
            executor.query(query)


def test_hanging_member_times_out(start_endpoint, members):
    a, b, c = members
    hanging = start_endpoint(mode="hang")
    query = PREFIX + (
        f"SELECT ?o WHERE {{ {{ SERVICE <{a.url}> {{ ?o a ex:Offering }} }} UNION {{ SERVICE <{hanging.url}> {{ ?o a ex:Offering }} }} }}"
    )

    federation = Federation([FederationMember(a.url, 5.0), FederationMember(hanging.url, 0.5)])
    started = time.monotonic()
    with FederatedExecutor(federation) as executor:
        result = executor.query(query)
    elapsed = time.monotonic() - started

    assert elapsed < 2.0
    assert len(result.rows()) == 3
    report = {source.endpoint: source for source in result.sources}[hanging.url]
    assert report.status == "timeout"
    assert 450 <= report.elapsed_ms < 2000


def test_malformed_results_reported(start_endpoint, members):
    a, b, c = members
    broken = start_endpoint(mode="malformed")
    query = PREFIX + (
        f"SELECT ?o WHERE {{ {{ SERVICE <{a.url}> {{ ?o a ex:Offering }} }} UNION {{ SERVICE <{broken.url}> {{ ?o a ex:Offering }} }} }}"
    )

    with executor_for(a, broken) as executor:
        result = executor.query(query)

    assert len(result.rows()) == 3
    report = {source.endpoint: source for source in result.sources}[broken.url]
    assert report.status == "malformed"
    assert "invalid SPARQL results" in report.error


def test_huge_result_cut_off(start_endpoint, members):
    a, b, c = members
    huge = start_endpoint(mode="huge")
    query = PREFIX + (
        f"SELECT ?o WHERE {{ {{ SERVICE <{a.url}> {{ ?o a ex:Offering }} }} UNION {{ SERVICE <{huge.url}> {{ ?o a ex:Offering }} }} }}"
    )

    with Transport(max_response_bytes=1024 * 1024) as transport:
        with executor_for(a, huge, transport=transport) as executor:
            result = executor.query(query)

    assert len(result.rows()) == 3
    report = {source.endpoint: source for source in result.sources}[huge.url]
    assert report.status == "too_large"
    assert "1048576 bytes" in report.error


def test_non_member_rejected_before_any_request(members, counter):
    a, b, c = members
    query = PREFIX + (
        f"SELECT * WHERE {{ SERVICE <{a.url}> {{ ?o a ex:Offering }} SERVICE <{counter.url}> {{ ?o ?p ?v }} }}"
    )
    before = a.requests

    with executor_for(a, b, c) as executor:
        with pytest.raises(ForbiddenError, match="not a member"):
            executor.query(query)

    time.sleep(0.2)
    assert counter.connections == 0
    assert a.requests == before


def test_service_variable_bound_to_non_member_sends_nothing(members, counter):
    a, b, c = members
    query = PREFIX + (
        f"SELECT ?member ?o WHERE {{ VALUES ?member {{ <{counter.url}> <{a.url}> }} "
        f"SERVICE ?member {{ ?o ex:vcpu 2 }} }}"
    )

    with executor_for(a, b) as executor:
        result = executor.query(query)

    time.sleep(0.2)
    assert counter.connections == 0
    assert [(str(row["member"]), str(row["o"])) for row in result.rows()] == [
        (f"<{a.url}>", "<http://example.org/vm1>")
    ]


def test_service_variable_unbound_ranges_over_members(members):
    a, b, c = members
    query = PREFIX + "SELECT ?member ?o WHERE { SERVICE ?member { ?o ex:vcpu ?cpu FILTER(?cpu > 8) } }"

    with executor_for(a, b) as executor:
        result = executor.query(query)

    assert [(str(row["member"]), str(row["o"])) for row in result.rows()] == [
        (f"<{b.url}>", "<http://example.org/vm4>")
    ]


def test_members_answer_in_parallel(start_endpoint):
    slow = [start_endpoint(f"<urn:s{i}> <urn:p> {i} .", delay=0.3) for i in range(5)]
    query = "SELECT ?s ?v WHERE { " + " UNION ".join(
        f"{{ SERVICE <{endpoint.url}> {{ ?s <urn:p> ?v }} }}" for endpoint in slow
    ) + " }"

    with executor_for(*slow) as executor:
        started = time.monotonic()
        result = executor.query(query)
        elapsed = time.monotonic() - started

    assert len(result.rows()) == 5
    assert elapsed < 0.3 * 5 / 2


def test_strings_with_quotes_and_languages_survive(start_endpoint):
    endpoint = start_endpoint('<urn:s> <urn:p> "say \\"hi\\"\\n"@en , "x"^^<urn:type> , <urn:o> .')
    query = f"SELECT ?o WHERE {{ SERVICE <{endpoint.url}> {{ <urn:s> <urn:p> ?o }} }}"

    with executor_for(endpoint) as executor:
        result = executor.query(query)

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)


def test_members_from_urls_executor(members):
    a, b, c = members
    federation = members_from_urls([a.url])

    with FederatedExecutor(federation) as executor:
        result = executor.query(PREFIX + f"SELECT ?o {{ SERVICE <{a.url}> {{ ?o ex:gpu 1 }} }}")

    assert [str(row["o"]) for row in result.rows()] == ["<http://example.org/vm2>"]


def free_port() -> int:
    """Return a loopback port that nothing listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_union_branch_variables_not_fetched(members):
    a, b, c = members
    query = PREFIX + (
        f"SELECT ?o WHERE {{ {{ SERVICE <{a.url}> {{ ?o ex:provider ?p }} }} "
        f"UNION {{ SERVICE <{b.url}> {{ ?o ex:provider ?p }} }} }}"
    )

    with executor_for(a, b) as executor:
        result = executor.query(query)
    sent = a.queries[-1]

    assert rows_of(result.solutions()) == pyoxigraph_rows(query)
    assert "SELECT ?o WHERE" in sent


def test_service_keyword_in_member_data_stays_data(start_endpoint):
    endpoint = start_endpoint('<urn:s> <urn:p> "} SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c }" .')
    query = f"SELECT ?o WHERE {{ SERVICE <{endpoint.url}> {{ <urn:s> <urn:p> ?o }} }}"

    with executor_for(endpoint) as executor:
        result = executor.query(query)

    assert [row["o"].value for row in result.rows()] == ["} SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c }"]


def test_connection_reused_across_queries(members):
    a, b, c = members
    query = PREFIX + f"SELECT ?o {{ SERVICE <{a.url}> {{ ?o ex:gpu 1 }} }}"

    with executor_for(a) as executor:
        for _ in range(3):
            executor.query(query)

    assert a.requests == 3
    assert len(a.client_ports) == 1
