"""Minimum and maximum requirements: unit conversion, unknown values, provider-level quantities."""

from __future__ import annotations

import pytest

from tests.resolution.example_data import verdicts


def minimum(prop: str, value: str, unit: str | None = None) -> str:
    unit_line = f"; mpli:unit {unit}" if unit else ""
    return f"""
ex:consumer mpli:requirement ex:r .
ex:r a mpli:MinimumRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty {prop} ; mpli:value {value} {unit_line} .
"""


def maximum(prop: str, value: str, unit: str) -> str:
    return minimum(prop, value, unit).replace("mpli:MinimumRequirement", "mpli:MaximumRequirement")


def test_minimum_vcpu_verdicts(vocabulary_store):
    table = verdicts(vocabulary_store, minimum("mpli:vcpuCount", "4.0", "unit:NUM"))
    assert table["alpha-small"]["r"].verdict == "violated"
    assert table["alpha-small"]["r"].actual == "2"
    assert table["alpha-large"]["r"].verdict == "satisfied"
    assert table["beta-medium"]["r"].verdict == "satisfied"
    assert table["beta-k8s"]["r"].verdict == "unknown"
    assert table["beta-k8s"]["r"].actual is None


def test_minimum_mebibytes_converted_to_gibibytes(vocabulary_store):
    table = verdicts(vocabulary_store, minimum("mpli:memorySize", "16384.0", "unit:MebiBYTE"))
    assert table["beta-medium"]["r"].verdict == "satisfied"
    assert table["alpha-large"]["r"].verdict == "satisfied"
    assert table["alpha-small"]["r"].verdict == "violated"
    assert table["beta-medium"]["r"].expected == "≥ 16384 MiB"
    assert table["beta-medium"]["r"].actual == "16 GiB"


def test_minimum_just_above_boundary_violated(vocabulary_store):
    table = verdicts(vocabulary_store, minimum("mpli:memorySize", "16385.0", "unit:MebiBYTE"))
    assert table["beta-medium"]["r"].verdict == "violated"


@pytest.mark.parametrize(
    ("gigabytes", "verdict"),
    [("17.0", "satisfied"), ("17.17", "satisfied"), ("17.18", "violated"), ("18.0", "violated")],
)
def test_minimum_decimal_gigabytes(vocabulary_store, gigabytes, verdict):
    # 16 GiB is 17.179869184 GB.
    table = verdicts(vocabulary_store, minimum("mpli:memorySize", gigabytes, "unit:GigaBYTE"))
    assert table["beta-medium"]["r"].verdict == verdict


def test_minimum_without_unit_uses_canonical_unit(vocabulary_store):
    table = verdicts(vocabulary_store, minimum("mpli:memorySize", "16.0"))
    assert table["beta-medium"]["r"].verdict == "satisfied"
    assert table["alpha-small"]["r"].verdict == "violated"


def test_maximum_memory_verdicts(vocabulary_store):
    table = verdicts(vocabulary_store, maximum("mpli:memorySize", "16.0", "unit:GibiBYTE"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["beta-medium"]["r"].verdict == "satisfied"
    assert table["alpha-large"]["r"].verdict == "violated"
    assert table["beta-old"]["r"].verdict == "unknown"


def test_maximum_converts_units(vocabulary_store):
    table = verdicts(vocabulary_store, maximum("mpli:memorySize", "8192.0", "unit:MebiBYTE"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["beta-medium"]["r"].verdict == "violated"


def test_provider_service_level_applies_to_offerings(vocabulary_store):
    table = verdicts(vocabulary_store, minimum("mpli:availability", "99.5", "unit:PERCENT"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["alpha-nowhere"]["r"].verdict == "satisfied"
    assert table["beta-medium"]["r"].verdict == "unknown"


def test_provider_service_level_below_threshold(vocabulary_store):
    table = verdicts(vocabulary_store, minimum("mpli:availability", "99.95", "unit:PERCENT"))
    assert table["alpha-large"]["r"].verdict == "violated"
    assert table["alpha-large"]["r"].actual == "99.9 %"


def test_every_offering_gets_a_verdict(vocabulary_store):
    table = verdicts(vocabulary_store, minimum("mpli:vcpuCount", "1.0", "unit:NUM"))
    assert set(table) == {
        "alpha-small", "alpha-large", "alpha-nowhere", "beta-medium", "beta-old", "beta-k8s", "gamma-tiny"
    }
    assert all(set(row) == {"r"} for row in table.values())
