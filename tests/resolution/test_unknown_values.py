"""Values a consumer requires: unknown controlled terms, capability requirements on quantities, missing units."""

from __future__ import annotations

import pytest

from mpli_graph.errors import InputError, UnknownTermError
from mpli_graph.manifest.parse import parse_data
from mpli_graph.manifest.validate import validate
from mpli_graph.resources import EXAMPLES_DIR
from tests.resolution.example_data import PREFIXES, verdicts


def requirement(body: str) -> str:
    return f"""
ex:consumer mpli:requirement ex:r .
ex:r rdfs:label "r" ; mpli:strength mpli:Must ; {body} .
"""


@pytest.mark.parametrize(
    ("body", "named", "advice"),
    [
        ("a mpli:SetRequirement ; mpli:onProperty mpli:country ; mpli:allowedValue mgroup:ASIA",
         "mgroup:ASIA", "mgroup:EEA, mgroup:EU"),
        ("a mpli:SetRequirement ; mpli:onProperty mpli:country ; mpli:allowedValue country:DEU, country:XXX",
         "country:XXX", "country:AUS"),
        ("a mpli:SetRequirement ; mpli:onProperty mpli:apiCompatibility ; mpli:allowedValue mapi:s4",
         "mapi:s4", "mapi:s3"),
        ("a mpli:CapabilityRequirement ; mpli:onProperty mpli:apiCompatibility ; mpli:value mapi:s4",
         "mapi:s4", "mapi:s3"),
        ("a mpli:CapabilityRequirement ; mpli:onProperty mpli:cpuAllocation ; mpli:value mpli:SharedCPU",
         "mpli:SharedCPU", "Did you mean mpli:SharedCpu?"),
        ("a mpli:PriceRequirement ; mpli:value 1.0 ; mpli:currency currency:XYZ ; mpli:priceUnit mpli:PerHour",
         "currency:XYZ", "currency:EUR"),
    ],
)
def test_unknown_value_named(vocabulary_store, body, named, advice):
    with pytest.raises(UnknownTermError) as raised:
        verdicts(vocabulary_store, requirement(body))

    assert f"value {named} <" in raised.value.message
    assert advice in raised.value.message
    assert "docs/vocabulary.md" in raised.value.message


@pytest.mark.parametrize(
    "body",
    [
        "a mpli:SetRequirement ; mpli:onProperty mpli:country ; mpli:allowedValue mgroup:EU, country:CHE",
        "a mpli:SetRequirement ; mpli:onProperty mpli:apiCompatibility ; mpli:allowedValue <https://api.example.com/own>",
        "a mpli:CapabilityRequirement ; mpli:onProperty mpli:cpuAllocation ; mpli:value mpli:DedicatedCpu",
    ],
)
def test_defined_or_foreign_values_pass(vocabulary_store, body):
    assert verdicts(vocabulary_store, requirement(body))


def test_capability_on_quantity_rejected(vocabulary_store):
    body = "a mpli:CapabilityRequirement ; mpli:onProperty mpli:vcpuCount ; mpli:value 4.0"

    with pytest.raises(InputError) as raised:
        verdicts(vocabulary_store, requirement(body))

    assert not isinstance(raised.value, UnknownTermError)
    assert "mpli#vcpuCount" in raised.value.message
    assert "mpli:MinimumRequirement or mpli:MaximumRequirement" in raised.value.message


@pytest.mark.parametrize("kind", ["MinimumRequirement", "MaximumRequirement"])
def test_quantity_without_unit_violates(kind):
    body = f"a mpli:{kind} ; mpli:onProperty mpli:memorySize ; mpli:value 4.0"
    graph = parse_data(PREFIXES + "ex:consumer a mpli:ConsumerManifest .\n" + requirement(body), "turtle", "consumer.ttl")

    report = validate(graph)

    assert not report.conforms
    assert any(str(result.path) == "https://w3id.org/mpli#unit" for result in report.violations)


def test_quantity_with_unit_conforms():
    body = "a mpli:MinimumRequirement ; mpli:onProperty mpli:memorySize ; mpli:value 4.0 ; mpli:unit unit:GibiBYTE"
    graph = parse_data(PREFIXES + "ex:consumer a mpli:ConsumerManifest .\n" + requirement(body), "turtle", "consumer.ttl")

    assert validate(graph).conforms


@pytest.mark.parametrize("path", sorted((EXAMPLES_DIR / "consumers").glob("*.ttl")), ids=lambda path: path.name)
def test_example_consumers_conform(path):
    assert validate(parse_data(path.read_bytes(), "turtle", str(path))).conforms



def test_unknown_value_cli_exit_2(tmp_path, capsys):
    from mpli_graph.cli import main
    from tests.test_resolve_cli import CONSUMER, provider

    providers = tmp_path / "alpha.ttl"
    providers.write_text(provider("alpha", "DEU", {"small": ("2.0", "4.0", "0.05")}), encoding="utf-8")
    consumer_file = tmp_path / "consumer.ttl"
    consumer_file.write_text(CONSUMER.replace("VCPU", "1.0").replace("mgroup:EU", "mgroup:ASIA"), encoding="utf-8")

    assert main(["resolve", str(consumer_file), "--providers", str(providers)]) == 2
    assert "mgroup:ASIA" in capsys.readouterr().err
