"""Capability requirements: values on offerings, providers and delivery methods; minimum versions."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mpli_graph.store import ManifestStore
from tests.resolution.example_data import PREFIXES, PROVIDERS, verdicts


def capability(prop: str, value: str, extra: str = "") -> str:
    return f"""
ex:consumer mpli:requirement ex:r .
ex:r a mpli:CapabilityRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty {prop} ; mpli:value {value} {extra} .
"""


def kubernetes(minimum_version: str) -> str:
    return capability(
        "rdf:type",
        "mpli:KubernetesOffering",
        f'; mpli:minimumVersion "{minimum_version}" ; mpli:versionProperty mpli:kubernetesVersion',
    )


def test_provider_capability_applies(vocabulary_store):
    table = verdicts(vocabulary_store, capability("mpli:apiCompatibility", "mapi:s3"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["beta-medium"]["r"].verdict == "violated"
    assert table["beta-medium"]["r"].actual == "mapi:openstack"
    assert table["gamma-tiny"]["r"].verdict == "unknown"


def test_delivery_method_capability(vocabulary_store):
    table = verdicts(vocabulary_store, capability("mpli:deliveryTool", "mtool:opentofu"))
    assert table["alpha-large"]["r"].verdict == "satisfied"
    assert table["beta-medium"]["r"].verdict == "unknown"


def test_type_capability_uses_offering_only(vocabulary_store):
    table = verdicts(vocabulary_store, capability("rdf:type", "mpli:Provider"))
    assert table["alpha-small"]["r"].verdict == "violated"
    assert table["alpha-small"]["r"].actual == "mpli:ComputeOffering"


def test_type_capability_accepts_subclass(vocabulary_store):
    table = verdicts(vocabulary_store, capability("rdf:type", "mpli:Offering"))
    assert table["beta-k8s"]["r"].verdict == "satisfied"
    assert table["alpha-small"]["r"].verdict == "satisfied"


@pytest.mark.parametrize(
    ("minimum", "verdict"),
    [("1.30", "satisfied"), ("1.31", "satisfied"), ("1.31.0", "satisfied"), ("1.32", "violated"), ("1.100", "violated"), ("1", "satisfied")],
)
def test_kubernetes_version_compared_numerically(vocabulary_store, minimum, verdict):
    table = verdicts(vocabulary_store, kubernetes(minimum))
    assert table["beta-k8s"]["r"].verdict == verdict


def test_version_lists_stated_versions(vocabulary_store):
    table = verdicts(vocabulary_store, kubernetes("1.30"))
    assert table["beta-k8s"]["r"].actual == "mpli:KubernetesOffering, versions 1.29 1.31"


def test_version_requirement_on_non_kubernetes(vocabulary_store):
    table = verdicts(vocabulary_store, kubernetes("1.30"))
    assert table["alpha-small"]["r"].verdict == "violated"


def test_capability_without_version_ignores_versions(vocabulary_store):
    table = verdicts(vocabulary_store, capability("rdf:type", "mpli:KubernetesOffering"))
    assert table["beta-k8s"]["r"].verdict == "satisfied"
    assert table["beta-k8s"]["r"].actual == "mpli:KubernetesOffering"


def test_version_missing_unknown():
    store = ManifestStore()
    store.load_source("https://example.org/source/providers", PROVIDERS, format=ox.RdfFormat.TURTLE)
    unversioned = PREFIXES + "ex:gamma-k8s a mpli:KubernetesOffering ; mpli:offeredBy ex:gamma .\n"
    store.load_source("https://example.org/source/gamma-k8s", unversioned, format=ox.RdfFormat.TURTLE)

    verdict = verdicts(store, kubernetes("1.30"))["gamma-k8s"]["r"]
    assert verdict.verdict == "unknown"
    assert verdict.note == "no version is stated"


def test_unparsable_stated_versions_unknown():
    store = ManifestStore()
    store.load_source("https://example.org/source/providers", PROVIDERS, format=ox.RdfFormat.TURTLE)
    odd = PREFIXES + 'ex:gamma-k8s a mpli:KubernetesOffering ; mpli:offeredBy ex:gamma ; mpli:kubernetesVersion "latest" .\n'
    store.load_source("https://example.org/source/gamma-k8s", odd, format=ox.RdfFormat.TURTLE)

    assert verdicts(store, kubernetes("1.30"))["gamma-k8s"]["r"].verdict == "unknown"


def test_database_engine_version():
    store = ManifestStore()
    store.load_source("https://example.org/source/providers", PROVIDERS, format=ox.RdfFormat.TURTLE)
    database = PREFIXES + """
ex:gamma-postgres a mpli:DatabaseOffering ; mpli:offeredBy ex:gamma ;
    mpli:databaseEngine mdb:postgresql ; mpli:databaseEngineVersion "14.9", "15.4" .
ex:gamma-mysql a mpli:DatabaseOffering ; mpli:offeredBy ex:gamma ;
    mpli:databaseEngine mdb:mysql ; mpli:databaseEngineVersion "8.0.36" .
"""
    store.load_source("https://example.org/source/gamma-db", database, format=ox.RdfFormat.TURTLE)

    def postgres(minimum: str) -> str:
        return capability(
            "mpli:databaseEngine",
            "mdb:postgresql",
            f'; mpli:minimumVersion "{minimum}" ; mpli:versionProperty mpli:databaseEngineVersion',
        )

    assert verdicts(store, postgres("15"))["gamma-postgres"]["r"].verdict == "satisfied"
    assert verdicts(store, postgres("15.5"))["gamma-postgres"]["r"].verdict == "violated"
    assert verdicts(store, postgres("15"))["gamma-mysql"]["r"].verdict == "violated"
    assert verdicts(store, postgres("15"))["gamma-mysql"]["r"].actual == "mdb:mysql"
