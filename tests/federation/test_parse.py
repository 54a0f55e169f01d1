"""Tests of the SERVICE block parser: tokenizing, spans, certain variables, pushable filters."""

from __future__ import annotations

import pytest

from mpli_graph.errors import QuerySyntaxError
from mpli_graph.federation.parse import parse_query, tokenize

PREFIX = "PREFIX ex: <http://example.org/>\n"


def test_service_in_string_comment_and_iri_is_ignored():
    query = PREFIX + (
        "# SERVICE <http://127.0.0.1:1/comment> { ?a ?b ?c }\n"
        "SELECT * WHERE { ?s ex:note 'SERVICE <http://127.0.0.1:1/s> { }' ; "
        "ex:long \"\"\"SERVICE\n<http://127.0.0.1:1/l> {}\"\"\" ; "
        "ex:link <http://example.org/SERVICE> . }"
    )

    assert parse_query(query).services == []


def test_service_blocks_found():
    query = PREFIX + (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ex:p ?o } "
        "service silent ex:other { ?s ex:q ?r } SERVICE ?member { ?s ex:z ?z } }"
    )

    blocks = parse_query(query).services

    assert [block.endpoint for block in blocks] == ["http://127.0.0.1:1/sparql", "http://example.org/other", None]
    assert [block.silent for block in blocks] == [False, True, False]
    assert blocks[2].variable == "member"
    assert blocks[0].body.strip() == "?s ex:p ?o"
    assert query[blocks[0].start : blocks[0].end].startswith("SERVICE <")
    assert query[blocks[0].start : blocks[0].end].endswith("}")


def test_nested_service_stays_in_outer_body():
    query = "SELECT * { SERVICE <http://127.0.0.1:1/a> { ?s ?p ?o SERVICE <http://127.0.0.1:1/b> { ?o ?q ?r } } }"

    blocks = parse_query(query).services

    assert len(blocks) == 1
    assert "SERVICE <http://127.0.0.1:1/b>" in blocks[0].body


def test_base_and_escaped_iri_resolved():
    query = "BASE <http://127.0.0.1:1/> SELECT * { SERVICE <\\u0073parql> { ?s ?p ?o } }"

    assert parse_query(query).services[0].endpoint == "http://127.0.0.1:1/sparql"


def test_certain_variables_exclude_optional_and_union():
    query = PREFIX + (
        "SELECT * { SERVICE <http://127.0.0.1:1/a> { ?s a ex:T ; ex:v ?v . "
        "OPTIONAL { ?s ex:w ?w } { ?s ex:x ?x } UNION { ?s ex:y ?y } BIND(1 AS ?b) "
        "VALUES ?u { 1 UNDEF } FILTER(?v > ?limit) } }"
    )

    block = parse_query(query).services[0]

    assert block.certain_variables == {"s", "v"}
    assert set(block.variables) == {"s", "v", "w", "x", "y", "b", "u", "limit"}


def test_pushable_filters_selected():
    query = PREFIX + (
        "SELECT ?s WHERE { SERVICE <http://127.0.0.1:1/a> { ?s ex:v ?v OPTIONAL { ?s ex:w ?w } } "
        "?s ex:local ?l "
        "FILTER(?v > 3) FILTER regex(str(?s), 'vm') FILTER(?w = 2) FILTER(?l < 1) "
        "FILTER(ex:fn(?v)) FILTER(?v < RAND()) FILTER NOT EXISTS { ?s ex:q ?v } "
        "OPTIONAL { ?s ex:z ?z FILTER(?v = 1) } }"
    )

    block = parse_query(query).services[0]

    assert block.filters == ["(?v > 3)", "regex(str(?s), 'vm')"]


def test_service_variable_gets_no_pushed_filter():
    query = "SELECT * { SERVICE ?e { ?s ?p ?v } FILTER(?v > 1) }"

    assert parse_query(query).services[0].filters == []


def test_select_star_detected():
    assert parse_query("SELECT * { ?s ?p ?o }").select_star
    assert parse_query("SELECT DISTINCT * { ?s ?p ?o }").select_star
    assert not parse_query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").select_star


def test_replace_services_keeps_the_rest():
    query = "SELECT ?s { SERVICE <http://127.0.0.1:1/a> { ?s ?p 1 } . ?s ?q 2 }"
    parsed = parse_query(query)

    rewritten = parsed.replace_services({0: "{ VALUES ?s { <urn:x> } }"})

    assert rewritten == "SELECT ?s { { VALUES ?s { <urn:x> } } . ?s ?q 2 }"


def test_unclosed_service_raises():
    with pytest.raises(QuerySyntaxError, match="never closed"):
        parse_query("SELECT * { SERVICE <http://127.0.0.1:1/a> { ?s ?p ?o }")


def test_undeclared_prefix_raises():
    with pytest.raises(QuerySyntaxError, match="nope:"):
        parse_query("SELECT * { SERVICE nope:x { ?s ?p ?o } }")


def test_service_without_endpoint_raises():
    with pytest.raises(QuerySyntaxError, match="IRI or a variable"):
        parse_query("SELECT * { SERVICE { ?s ?p ?o } }")


def test_unexpected_character_reports_position():
    with pytest.raises(QuerySyntaxError) as caught:
        tokenize("SELECT *\n{ ?s ?p ~ }")

    assert caught.value.line == 2
    assert caught.value.column == 9


def test_not_a_query_raises():
    with pytest.raises(QuerySyntaxError, match="no query form"):
        parse_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_union_branches_do_not_join():
    query = (
        "SELECT ?o WHERE { { SERVICE <http://127.0.0.1:1/a> { ?o ?p ?provider } } UNION "
        "{ SERVICE <http://127.0.0.1:1/b> { ?o ?p ?provider } } "
        "OPTIONAL { SERVICE <http://127.0.0.1:1/c> { ?o ?q ?price } } }"
    )
    parsed = parse_query(query)
    a, b, c = parsed.services

    assert parsed.variables_joined(a) == {"o", "q", "price"}
    assert parsed.variables_joined(c) == {"o", "p", "provider"}


def test_sequence_of_groups_joins():
    query = "SELECT ?o WHERE { { SERVICE <http://127.0.0.1:1/a> { ?o ?p ?x } } { SERVICE <http://127.0.0.1:1/b> { ?o ?q ?x } } }"
    a, b = parse_query(query).services

    assert "x" in parse_query(query).variables_joined(a)
