"""Tests of manifest parsing: every RDF syntax, format detection and clear input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, XSD

from mpli_graph.errors import (
    ContextNotAllowedError,
    InputError,
    PayloadTooLargeError,
    RdfSyntaxError,
    UnsupportedFormatError,
)
from mpli_graph.manifest.parse import (
    format_for_media_type,
    format_for_path,
    parse_data,
    parse_file,
    resolve_format,
)

MPLI = rdflib.Namespace("https://w3id.org/mpli#")
EX = rdflib.Namespace("https://example.org/")

TURTLE = """@prefix mpli: <https://w3id.org/mpli#> .
@prefix ex: <https://example.org/> .
ex:vm a mpli:ComputeOffering ;
    mpli:offeredBy ex:provider ;
    mpli:vcpuCount 4.0 ;
    mpli:offeringId "vm-4" .
"""

EXPECTED_TRIPLES = {
    (EX.vm, RDF.type, MPLI.ComputeOffering),
    (EX.vm, MPLI.offeredBy, EX.provider),
    (EX.vm, MPLI.vcpuCount, rdflib.Literal("4.0", datatype=XSD.decimal)),
    (EX.vm, MPLI.offeringId, rdflib.Literal("vm-4")),
}

SERIALIZATIONS = {
    "turtle": TURTLE,
    "n-triples": """<https://example.org/vm> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/mpli#ComputeOffering> .
<https://example.org/vm> <https://w3id.org/mpli#offeredBy> <https://example.org/provider> .
<https://example.org/vm> <https://w3id.org/mpli#vcpuCount> "4.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<https://example.org/vm> <https://w3id.org/mpli#offeringId> "vm-4" .
""",
    "n-quads": """<https://example.org/vm> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/mpli#ComputeOffering> <https://example.org/g1> .
<https://example.org/vm> <https://w3id.org/mpli#offeredBy> <https://example.org/provider> <https://example.org/g2> .
<https://example.org/vm> <https://w3id.org/mpli#vcpuCount> "4.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<https://example.org/vm> <https://w3id.org/mpli#offeringId> "vm-4" .
""",
    "trig": """@prefix mpli: <https://w3id.org/mpli#> .
@prefix ex: <https://example.org/> .
ex:g1 { ex:vm a mpli:ComputeOffering ; mpli:offeredBy ex:provider . }
{ ex:vm mpli:vcpuCount 4.0 ; mpli:offeringId "vm-4" . }
""",
    "rdf-xml": """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:mpli="https://w3id.org/mpli#">
  <mpli:ComputeOffering rdf:about="https://example.org/vm">
    <mpli:offeredBy rdf:resource="https://example.org/provider"/>
    <mpli:vcpuCount rdf:datatype="http://www.w3.org/2001/XMLSchema#decimal">4.0</mpli:vcpuCount>
    <mpli:offeringId>vm-4</mpli:offeringId>
  </mpli:ComputeOffering>
</rdf:RDF>
""",
    "json-ld": json.dumps(
        {
            "@context": "https://w3id.org/mpli/context.jsonld",
            "id": "https://example.org/vm",
            "type": "ComputeOffering",
            "offeredBy": "https://example.org/provider",
            "vcpuCount": "4.0",
            "offeringId": "vm-4",
        }
    ),
}


@pytest.mark.parametrize("rdf_format", sorted(SERIALIZATIONS))
def test_parse_data_each_format(rdf_format: str) -> None:
    graph = parse_data(SERIALIZATIONS[rdf_format], rdf_format, f"example.{rdf_format}")

    assert set(graph) == EXPECTED_TRIPLES


@pytest.mark.parametrize(
    ("file_name", "rdf_format"),
    [
        ("m.ttl", "turtle"),
        ("m.nt", "n-triples"),
        ("m.nq", "n-quads"),
        ("m.trig", "trig"),
        ("m.rdf", "rdf-xml"),
        ("m.jsonld", "json-ld"),
    ],
)
def test_parse_file_by_suffix(tmp_path: Path, file_name: str, rdf_format: str) -> None:
    path = tmp_path / file_name
    path.write_text(SERIALIZATIONS[rdf_format], encoding="utf-8")

    assert set(parse_file(path)) == EXPECTED_TRIPLES


def test_parse_file_explicit_format(tmp_path: Path) -> None:
    path = tmp_path / "manifest.txt"
    path.write_text(TURTLE, encoding="utf-8")

    assert set(parse_file(path, "text/turtle")) == EXPECTED_TRIPLES


def test_parse_file_resolves_relative_iris(tmp_path: Path) -> None:
    path = tmp_path / "relative.ttl"
    path.write_text("<#vm> a <https://w3id.org/mpli#Offering> .\n", encoding="utf-8")

    graph = parse_file(path)

    assert (rdflib.URIRef(path.resolve().as_uri() + "#vm"), RDF.type, MPLI.Offering) in graph


def test_blank_nodes_do_not_collide() -> None:
    first = parse_data("_:b1 a <https://w3id.org/mpli#Offering> .", "turtle", "first")
    second = parse_data("_:b1 a <https://w3id.org/mpli#Offering> .", "turtle", "second")

    assert len(first + second) == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("turtle", "turtle"),
        ("TTL", "turtle"),
        ("text/turtle; charset=utf-8", "turtle"),
        ("application/ld+json", "json-ld"),
        ("jsonld", "json-ld"),
        ("nt", "n-triples"),
        ("application/n-quads", "n-quads"),
        ("application/trig", "trig"),
        ("application/rdf+xml", "rdf-xml"),
        ("xml", "rdf-xml"),
    ],
)
def test_resolve_format_names(name: str, expected: str) -> None:
    assert resolve_format(name) == expected


def test_media_type_mapping() -> None:
    assert format_for_media_type("text/turtle;charset=UTF-8") == "turtle"
    assert format_for_media_type("application/ld+json") == "json-ld"
    with pytest.raises(UnsupportedFormatError, match="text/html"):
        format_for_media_type("text/html")


def test_unknown_suffix_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormatError, match=r"\.docx"):
        format_for_path("manifest.docx")


def test_unknown_format_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormatError, match="turtle"):
        parse_data(TURTLE, "n3-with-rules", "x")


def test_turtle_syntax_error_has_position() -> None:
    data = '@prefix ex: <https://example.org/> .\nex:a ex:b "unterminated ;\n'

    with pytest.raises(RdfSyntaxError) as caught:
        parse_data(data, "turtle", "broken.ttl")

    assert caught.value.source == "broken.ttl"
    assert caught.value.line == 2
    assert caught.value.column == 11
    assert "broken.ttl" in caught.value.message
    assert "line 2, column 11" in caught.value.message


def test_ntriples_syntax_error_has_position() -> None:
    data = "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n<a> <b> <c> .\n"

    with pytest.raises(RdfSyntaxError) as caught:
        parse_data(data, "n-triples", "broken.nt")

    assert caught.value.line == 2
    assert caught.value.column == 1


def test_rdfxml_error_has_position() -> None:
    data = '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<a></b></rdf:RDF>\n'

    with pytest.raises(RdfSyntaxError) as caught:
        parse_data(data, "rdf-xml", "broken.rdf")

    assert caught.value.line == 3
    assert caught.value.column is not None


def test_invalid_json_has_position() -> None:
    with pytest.raises(RdfSyntaxError) as caught:
        parse_data('{\n  "id": \n}', "json-ld", "broken.jsonld")

    assert caught.value.line == 3
    assert caught.value.column == 1


def test_invalid_jsonld_is_syntax_error() -> None:
    document = {"@context": {"@version": 2.5}, "@id": "https://example.org/a"}

    with pytest.raises(RdfSyntaxError, match="invalid JSON-LD"):
        parse_data(json.dumps(document), "json-ld", "bad-context.jsonld")


def test_jsonld_context_outside_allowlist() -> None:
    document = {"@context": "https://contexts.example.com/other.jsonld", "@id": "https://example.org/a"}

    with pytest.raises(ContextNotAllowedError) as caught:
        parse_data(json.dumps(document), "json-ld", "other.jsonld")

    assert "https://contexts.example.com/other.jsonld" in caught.value.message
    assert "other.jsonld:" in caught.value.message


def test_jsonld_fractional_number_is_decimal() -> None:
    document = {"@context": "https://w3id.org/mpli/context.jsonld", "id": "https://example.org/vm", "memorySize": 0.5}

    graph = parse_data(json.dumps(document), "json-ld", "fraction.jsonld")

    value = graph.value(EX.vm, MPLI.memorySize)
    assert value.datatype == XSD.decimal
    assert value.toPython() == pytest.approx(0.5)
    assert "E" not in str(value)


def test_jsonld_context_prefixes_and_enumerations() -> None:
    document = {
        "@context": "https://w3id.org/mpli/context.jsonld",
        "id": "https://example.org/req",
        "type": "MinimumRequirement",
        "strength": "Must",
        "onProperty": "mpli:vcpuCount",
        "unit": "qudtunit:NUM",
        "country": "eucountry:DEU",
    }

    graph = parse_data(json.dumps(document), "json-ld", "req.jsonld")

    assert (EX.req, MPLI.strength, MPLI.Must) in graph
    assert (EX.req, MPLI.onProperty, MPLI.vcpuCount) in graph
    assert (EX.req, MPLI.unit, rdflib.URIRef("http://qudt.org/vocab/unit/NUM")) in graph
    assert (EX.req, MPLI.country, rdflib.URIRef("http://publications.europa.eu/resource/authority/country/DEU")) in graph


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", ""])
def test_empty_input_is_input_error(data: bytes | str) -> None:
    with pytest.raises(InputError, match="empty"):
        parse_data(data, "turtle", "empty.ttl")


def test_binary_input_is_input_error() -> None:
    with pytest.raises(InputError, match="not UTF-8"):
        parse_data(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "turtle", "image.ttl")


def test_nul_bytes_are_input_error() -> None:
    with pytest.raises(InputError, match="binary"):
        parse_data(b"<a> <b> <c> .\x00\x00", "turtle", "nul.ttl")


def test_document_without_triples_is_input_error() -> None:
    with pytest.raises(InputError, match="no RDF triples"):
        parse_data("@prefix ex: <https://example.org/> .\n# only a comment\n", "turtle", "prefixes.ttl")


def test_size_limit_on_data() -> None:
    with pytest.raises(PayloadTooLargeError, match="limit of 100 bytes"):
        parse_data(TURTLE * 10, "turtle", "big.ttl", max_bytes=100)


def test_size_limit_on_file(tmp_path: Path) -> None:
    path = tmp_path / "big.ttl"
    path.write_text(TURTLE * 10, encoding="utf-8")

    with pytest.raises(PayloadTooLargeError):
        parse_file(path, max_bytes=100)


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        parse_file(tmp_path / "missing.ttl")


def test_directory_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        parse_file(tmp_path)


def test_utf8_bom_is_accepted() -> None:
    graph = parse_data("\ufeff".encode() + TURTLE.encode(), "turtle", "bom.ttl")

    assert set(graph) == EXPECTED_TRIPLES


def test_ill_typed_literal_is_kept_quietly(caplog: pytest.LogCaptureFixture) -> None:
    data = '<https://example.org/vm> <https://w3id.org/mpli#vcpuCount> "four"^^<http://www.w3.org/2001/XMLSchema#decimal> .'

    graph = parse_data(data, "n-triples", "ill-typed.nt")

    assert str(graph.value(EX.vm, MPLI.vcpuCount)) == "four"
    assert not [record for record in caplog.records if record.name == "rdflib.term"]


def test_language_and_datatype_survive() -> None:
    data = '<https://example.org/a> <https://example.org/p> "Rechenzentrum"@de, "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .'

    graph = parse_data(data, "turtle", "terms.ttl")

    assert rdflib.Literal("Rechenzentrum", lang="de") in set(graph.objects())
    assert rdflib.Literal("true", datatype=XSD.boolean) in set(graph.objects())
