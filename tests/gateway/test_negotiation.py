"""Accept header parsing and media type choice (RFC 9110 quality values)."""

from __future__ import annotations

import pytest

from mpli_graph.errors import NotAcceptableError
from mpli_graph.gateway.formats import choose_rdf_syntax, choose_results_syntax
from mpli_graph.gateway.negotiation import best_match, negotiate, parse_accept, quality_of

OFFERS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/*", "text/csv"),
        ("application/sparql-results+xml;q=0.5, text/csv;q=0.4", "application/sparql-results+xml"),
        ("text/csv;q=0.9, */*;q=0.1", "text/csv"),
        ("application/*;q=0.2, text/csv;q=0.1", "application/sparql-results+json"),
        ("TEXT/CSV", "text/csv"),
        ('text/csv; charset="utf-8"; q=0.7, application/json;q=0.2', "text/csv"),
    ],
)
def test_best_match(header: str | None, expected: str) -> None:
    assert best_match(header, OFFERS) == expected


def test_quality_zero_excludes_a_type() -> None:
    assert best_match("text/csv;q=0, */*;q=0.5", OFFERS) == "application/sparql-results+json"
    assert best_match("*/*;q=0", OFFERS) is None


def test_more_specific_range_sets_quality() -> None:
    ranges = parse_accept("text/*;q=0.3, text/csv;q=0.8, */*;q=0.1")
    assert quality_of("text/csv", ranges) == 0.8
    assert quality_of("text/tab-separated-values", ranges) == 0.3
    assert quality_of("application/json", ranges) == 0.1


def test_malformed_entries_are_ignored() -> None:
    ranges = parse_accept("garbage, text/csv;q=abc, text/csv;q=2, */csv, application/json;q=0.5")
    assert [(item.type, item.subtype) for item in ranges] == [("application", "json")]


def test_negotiate_raises_406_naming_the_offers() -> None:
    with pytest.raises(NotAcceptableError) as raised:
        negotiate("image/png", OFFERS)
    assert "image/png" in raised.value.message
    assert "text/csv" in raised.value.message


def test_results_aliases_and_format_parameter() -> None:
    assert choose_results_syntax("application/json").media_type == "application/sparql-results+json"
    assert choose_results_syntax("text/xml").media_type == "application/sparql-results+xml"
    assert choose_results_syntax(None, "tsv").media_type == "text/tab-separated-values"
    assert choose_results_syntax("text/csv", "application/sparql-results+json").media_type.endswith(
        "+json"
    )
    with pytest.raises(NotAcceptableError, match="format 'pdf'"):
        choose_results_syntax(None, "pdf")


def test_rdf_syntax_choice() -> None:
    assert choose_rdf_syntax(None).media_type == "text/turtle"
    assert choose_rdf_syntax("application/json").media_type == "application/ld+json"
    assert choose_rdf_syntax("application/xml").media_type == "application/rdf+xml"
    assert choose_rdf_syntax(None, "nt").media_type == "application/n-triples"
    with pytest.raises(NotAcceptableError):
        choose_rdf_syntax("application/sparql-results+json")
