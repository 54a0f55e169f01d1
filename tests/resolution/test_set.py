"""Set requirements: locations with country groups and provider fallback, and generic value sets."""

from __future__ import annotations

from tests.resolution.example_data import verdicts


def allowed(prop: str, *values: str) -> str:
    return f"""
ex:consumer mpli:requirement ex:r .
ex:r a mpli:SetRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty {prop} ; mpli:allowedValue {", ".join(values)} .
"""


def test_location_zone_follows_part_of_to_region(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:country", "country:DEU"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["alpha-small"]["r"].actual == "country:DEU"


def test_location_country_group_expands(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:country", "mgroup:EU"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["alpha-large"]["r"].verdict == "satisfied"
    assert table["beta-medium"]["r"].verdict == "violated"
    assert table["beta-medium"]["r"].actual == "country:CHE"


def test_location_switzerland_outside_eea(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:country", "mgroup:EU", "mgroup:EEA"))
    assert table["beta-k8s"]["r"].verdict == "violated"


def test_location_explicit_country_beside_group(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:country", "mgroup:EU", "country:CHE"))
    assert table["beta-k8s"]["r"].verdict == "satisfied"


def test_location_missing_uses_provider_all_allowed(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:country", "mgroup:EU"))
    verdict = table["alpha-nowhere"]["r"]
    assert verdict.verdict == "satisfied"
    assert verdict.actual == "country:DEU, country:FRA"
    assert "provider operates in" in verdict.note


def test_location_missing_provider_partly_allowed_unknown(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:country", "country:DEU"))
    verdict = table["alpha-nowhere"]["r"]
    assert verdict.verdict == "unknown"
    assert verdict.actual == "country:DEU, country:FRA"
    assert "allowed and other countries" in verdict.note


def test_location_missing_provider_none_allowed_violated(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:country", "country:ITA"))
    assert table["alpha-nowhere"]["r"].verdict == "violated"


def test_location_missing_everywhere_unknown(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:country", "mgroup:EU"))
    assert table["gamma-tiny"]["r"].verdict == "unknown"
    assert table["gamma-tiny"]["r"].actual is None


def test_set_concept_values(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:cpuArchitecture", "march:x86-64"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["alpha-large"]["r"].verdict == "violated"
    assert table["alpha-large"]["r"].actual == "march:arm64"
    assert table["beta-medium"]["r"].verdict == "unknown"


def test_set_on_type_accepts_subclasses(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("rdf:type", "mpli:ComputeOffering"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["beta-k8s"]["r"].verdict == "violated"


def test_set_provider_values_apply(vocabulary_store):
    table = verdicts(vocabulary_store, allowed("mpli:apiCompatibility", "mapi:s3", "mapi:ec2"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["beta-medium"]["r"].verdict == "violated"
    assert table["gamma-tiny"]["r"].verdict == "unknown"


def test_two_set_requirements_stay_apart(vocabulary_store):
    body = """
ex:consumer mpli:requirement ex:r1, ex:r2 .
ex:r1 a mpli:SetRequirement ; rdfs:label "r1" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:cpuArchitecture ; mpli:allowedValue march:x86-64 .
ex:r2 a mpli:SetRequirement ; rdfs:label "r2" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:cpuArchitecture ; mpli:allowedValue march:arm64 .
"""
    table = verdicts(vocabulary_store, body)
    assert table["alpha-small"]["r1"].verdict == "satisfied"
    assert table["alpha-small"]["r2"].verdict == "violated"
    assert table["alpha-large"]["r1"].verdict == "violated"
    assert table["alpha-large"]["r2"].verdict == "satisfied"
