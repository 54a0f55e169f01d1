"""Media types the gateway reads and writes, mapped to pyoxigraph formats.

SPARQL results (SELECT, ASK) use the four W3C result formats; graphs
(CONSTRUCT, DESCRIBE, manifests, service descriptions, VoID) use four RDF
syntaxes. Each list is in the order the gateway prefers when a client accepts
several. Aliases are media types that older clients send for the same syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat

from mpli_graph.errors import NotAcceptableError
from mpli_graph.gateway.negotiation import best_match


@dataclass(frozen=True)
class ResultsSyntax:
    """A SPARQL results format: its media type, aliases, ``format`` names and pyoxigraph format."""

    media_type: str
    aliases: tuple[str, ...]
    names: tuple[str, ...]
    format: QueryResultsFormat
    w3c_iri: str


@dataclass(frozen=True)
class RdfSyntax:
    """An RDF syntax: its media type, aliases, ``format`` names and pyoxigraph format."""

    media_type: str
    aliases: tuple[str, ...]
    names: tuple[str, ...]
    format: RdfFormat
    w3c_iri: str


RESULTS_SYNTAXES: tuple[ResultsSyntax, ...] = (
    ResultsSyntax(
        "application/sparql-results+json",
        ("application/json",),
        ("json", "srj"),
        QueryResultsFormat.JSON,
        "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    ),
    ResultsSyntax(
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        ("xml", "srx"),
        QueryResultsFormat.XML,
        "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    ),
    ResultsSyntax(
        "text/csv",
        (),
        ("csv",),
        QueryResultsFormat.CSV,
        "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    ),
    ResultsSyntax(
        "text/tab-separated-values",
        (),
        ("tsv",),
        QueryResultsFormat.TSV,
        "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    ),
)

RDF_SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax(
        "text/turtle",
        ("application/x-turtle",),
        ("turtle", "ttl"),
        RdfFormat.TURTLE,
        "http://www.w3.org/ns/formats/Turtle",
    ),
    RdfSyntax(
        "application/ld+json",
        ("application/json",),
        ("json-ld", "jsonld", "json"),
        RdfFormat.JSON_LD,
        "http://www.w3.org/ns/formats/JSON-LD",
    ),
    RdfSyntax(
        "application/n-triples",
        (),
        ("n-triples", "ntriples", "nt"),
        RdfFormat.N_TRIPLES,
        "http://www.w3.org/ns/formats/N-Triples",
    ),
    RdfSyntax(
        "application/rdf+xml",
        ("application/xml", "text/xml"),
        ("rdf-xml", "rdfxml", "xml"),
        RdfFormat.RDF_XML,
        "http://www.w3.org/ns/formats/RDF_XML",
    ),
)

TEXT_MEDIA_TYPES = ("text/", "application/n-triples")


def content_type(media_type: str) -> str:
    """Return the ``Content-Type`` header value for ``media_type``, with a charset for text types."""
    if media_type.startswith(TEXT_MEDIA_TYPES):
        return f"{media_type}; charset=utf-8"
    return media_type


def _offers(syntaxes: tuple[ResultsSyntax, ...] | tuple[RdfSyntax, ...]) -> list[str]:
    offers = [syntax.media_type for syntax in syntaxes]
    for syntax in syntaxes:
        offers.extend(alias for alias in syntax.aliases if alias not in offers)
    return offers


def _by_media_type(syntaxes, media_type: str):
    for syntax in syntaxes:
        if media_type == syntax.media_type or media_type in syntax.aliases:
            return syntax
    raise KeyError(media_type)


def _by_name(syntaxes, name: str, kind: str):
    requested = name.strip().lower()
    for syntax in syntaxes:
        if (
            requested in syntax.names
            or requested == syntax.media_type
            or requested in syntax.aliases
        ):
            return syntax
    known = ", ".join(syntax.names[0] for syntax in syntaxes)
    raise NotAcceptableError(
        f"format {name!r} is not available for {kind}; use one of: {known}, "
        "or leave the format parameter out and send an Accept header"
    )


def choose_results_syntax(accept: str | None, format_name: str | None = None) -> ResultsSyntax:
    """Choose the results format from a ``format`` parameter if given, else from ``Accept``."""
    if format_name:
        return _by_name(RESULTS_SYNTAXES, format_name, "SELECT and ASK results")
    chosen = best_match(accept, _offers(RESULTS_SYNTAXES))
    if chosen is None:
        raise NotAcceptableError(
            f"none of the media types in Accept: {accept!r} can carry SELECT or ASK results; "
            f"accept one of: {', '.join(syntax.media_type for syntax in RESULTS_SYNTAXES)}"
        )
    return _by_media_type(RESULTS_SYNTAXES, chosen)


def choose_rdf_syntax(accept: str | None, format_name: str | None = None) -> RdfSyntax:
    """Choose the RDF syntax from a ``format`` parameter if given, else from ``Accept``."""
    if format_name:
        return _by_name(RDF_SYNTAXES, format_name, "RDF graphs")
    chosen = best_match(accept, _offers(RDF_SYNTAXES))
    if chosen is None:
        raise NotAcceptableError(
            f"none of the media types in Accept: {accept!r} can carry an RDF graph; "
            f"accept one of: {', '.join(syntax.media_type for syntax in RDF_SYNTAXES)}"
        )
    return _by_media_type(RDF_SYNTAXES, chosen)


def rdf_syntax_for_content_type(content_type_header: str | None) -> RdfSyntax | None:
    """Return the RDF syntax a request body declares in ``Content-Type``, or ``None`` if unknown."""
    if not content_type_header:
        return None
    media_type = content_type_header.split(";")[0].strip().lower()
    try:
        return _by_media_type(RDF_SYNTAXES, media_type)
    except KeyError:
        return None
