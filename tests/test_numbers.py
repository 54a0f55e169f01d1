"""Numbers in manifests: integers and JSON numbers are read as xsd:decimal where the vocabulary expects one."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import XSD

from mpli_graph.cli import main
from mpli_graph.manifest.parse import parse_data
from mpli_graph.manifest.validate import validate
from tests.test_resolve_cli import CONSUMER, PREFIXES, provider

MPLI = rdflib.Namespace("https://w3id.org/mpli#")
CONTEXT = "https://w3id.org/mpli/context.jsonld"
REQUIREMENT = rdflib.URIRef("https://example.org/consumer/vcpu")


def jsonld_consumer(value: object) -> str:
    """Return the CLI test consumer in JSON-LD with the project's context and ``value`` as the vCPU bound."""
    return json.dumps(
        {
            "@context": CONTEXT,
            "@graph": [
                {
                    "id": "https://example.org/consumer/manifest",
                    "type": "ConsumerManifest",
                    "label": "CLI test consumer (example)",
                    "modified": "2026-12-04T00:00:00Z",
                    "requirement": ["https://example.org/consumer/vcpu", "https://example.org/consumer/eu"],
                },
                {
                    "id": "https://example.org/consumer/vcpu",
                    "type": "MinimumRequirement",
                    "label": "vCPU",
                    "strength": "Must",
                    "onProperty": "mpli:vcpuCount",
                    "value": value,
                    "unit": "http://qudt.org/vocab/unit/NUM",
                },
                {
                    "id": "https://example.org/consumer/eu",
                    "type": "SetRequirement",
                    "label": "in the EU",
                    "strength": "Must",
                    "onProperty": "mpli:country",
                    "allowedValue": "mgroup:EU",
                },
            ],
        }
    )


@pytest.fixture
def providers(tmp_path: Path) -> Path:
    """Write made-up providers whose vCPU and memory figures are integers, as a hand-written manifest might state them."""
    folder = tmp_path / "providers"
    folder.mkdir()
    (folder / "alpha.ttl").write_text(
        provider("alpha", "DEU", {"small": ("2", "4", "0.05"), "large": ("8", "32", "0.2")}), encoding="utf-8"
    )
    (folder / "beta.ttl").write_text(provider("beta", "CHE", {"medium": ("4", "16", "0.1")}), encoding="utf-8")
    return folder


def resolve_json(capsys, consumer: Path, providers: Path) -> tuple[int, dict]:
    code = main(["resolve", str(consumer), "--providers", str(providers), "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


@pytest.mark.parametrize(
    ("lexical", "expected"),
    [("4", "4.0"), ("+4", "4.0"), ("4.5e0", "4.5"), ('"4"^^xsd:int', "4.0"), ('"2.5E1"^^xsd:float', "25.0")],
)
def test_turtle_numbers_become_decimals(lexical: str, expected: str) -> None:
    graph = parse_data(CONSUMER.replace("VCPU", lexical), "turtle", "consumer.ttl")

    value = graph.value(REQUIREMENT, MPLI.value)
    assert (value.datatype, str(value)) == (XSD.decimal, expected)
    assert validate(graph).conforms


@pytest.mark.parametrize(("number", "expected"), [(4, Decimal(4)), (4.0, Decimal(4)), (2.5, Decimal("2.5"))])
def test_jsonld_numbers_become_decimals(number: float, expected: Decimal) -> None:
    graph = parse_data(jsonld_consumer(number), "json-ld", "consumer.jsonld")

    value = graph.value(REQUIREMENT, MPLI.value)
    assert value.datatype == XSD.decimal
    assert value.toPython() == expected
    assert validate(graph).conforms


def test_offering_quantities_and_prices_become_decimals() -> None:
    graph = parse_data(provider("alpha", "DEU", {"small": ("2", "4", "1")}), "turtle", "alpha.ttl")

    offering = rdflib.URIRef("https://example.org/alpha/small")
    price = rdflib.URIRef("https://example.org/alpha/small-price")
    assert graph.value(offering, MPLI.vcpuCount) == rdflib.Literal("2.0", datatype=XSD.decimal)
    assert graph.value(offering, MPLI.memorySize) == rdflib.Literal("4.0", datatype=XSD.decimal)
    assert graph.value(price, MPLI.amount) == rdflib.Literal("1.0", datatype=XSD.decimal)
    assert validate(graph).conforms


def test_other_integers_are_kept() -> None:
    text = PREFIXES + """
<https://example.org/cap> a mpli:CapabilityRequirement ; mpli:value 4 .
<https://example.org/status> mpli:claimStatusRank 2 .
"""
    graph = parse_data(text, "turtle", "other.ttl")

    assert graph.value(rdflib.URIRef("https://example.org/cap"), MPLI.value).datatype == XSD.integer
    assert graph.value(rdflib.URIRef("https://example.org/status"), MPLI.claimStatusRank).datatype == XSD.integer


@pytest.mark.parametrize("lexical", ['"NaN"^^xsd:double', '"INF"^^xsd:double', '"-INF"^^xsd:float', '"four"^^xsd:integer'])
def test_nan_inf_and_ill_typed_numbers_stay_violations(lexical: str) -> None:
    graph = parse_data(CONSUMER.replace("VCPU", lexical), "turtle", "consumer.ttl")

    assert graph.value(REQUIREMENT, MPLI.value).datatype != XSD.decimal
    report = validate(graph)
    assert not report.conforms
    assert any(result.focus_node == REQUIREMENT and result.path == MPLI.value for result in report.violations)


def test_jsonld_nan_stays_a_violation() -> None:
    graph = parse_data(jsonld_consumer(float("nan")), "json-ld", "consumer.jsonld")

    assert not validate(graph).conforms


def test_integer_and_double_bounds_resolve_alike(tmp_path: Path, providers: Path, capsys) -> None:
    decimal_file = tmp_path / "decimal.ttl"
    decimal_file.write_text(CONSUMER.replace("VCPU", "4.0"), encoding="utf-8")
    code, expected = resolve_json(capsys, decimal_file, providers)
    assert code == 0
    assert [r["offering"] for r in expected["results"] if r["compatible"]] == ["https://example.org/alpha/large"]

    variants = {"integer.ttl": CONSUMER.replace("VCPU", "4"), "double.ttl": CONSUMER.replace("VCPU", "4.0e0")}
    variants.update({"integer.jsonld": jsonld_consumer(4), "double.jsonld": jsonld_consumer(4.0)})
    for name, text in variants.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, document = resolve_json(capsys, path, providers)
        assert (name, code) == (name, 0)
        assert document["results"] == expected["results"], name


def test_fractional_jsonld_bound_resolves_alike(tmp_path: Path, providers: Path, capsys) -> None:
    turtle = tmp_path / "decimal.ttl"
    turtle.write_text(CONSUMER.replace("VCPU", "2.5"), encoding="utf-8")
    jsonld = tmp_path / "double.jsonld"
    jsonld.write_text(jsonld_consumer(2.5), encoding="utf-8")

    _, expected = resolve_json(capsys, turtle, providers)
    code, document = resolve_json(capsys, jsonld, providers)

    assert code == 0
    assert document["results"] == expected["results"]
    assert {r["offering"] for r in document["results"] if r["compatible"]} == {"https://example.org/alpha/large"}
