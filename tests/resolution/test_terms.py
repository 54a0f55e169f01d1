"""Terms a consumer uses: unknown properties, units and schemes are rejected before any query runs."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from mpli_graph.errors import InputError, UnknownTermError
from mpli_graph.resolution import resolve
from mpli_graph.store import ManifestStore
from tests.resolution.example_data import PREFIXES, consumer, verdicts


def requirement(body: str) -> str:
    return f"""
ex:consumer mpli:requirement ex:r .
ex:r rdfs:label "r" ; mpli:strength mpli:Must ; {body} .
"""


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("a mpli:MinimumRequirement ; mpli:onProperty mpli:ramSize ; mpli:value 4.0 ; mpli:unit unit:GibiBYTE",
         "mpli#ramSize"),
        ("a mpli:MinimumRequirement ; mpli:onProperty mpli:memorySize ; mpli:value 4.0 ; mpli:unit unit:GibiBYTES",
         "unit/GibiBYTES"),
        ("a mpli:SetRequirement ; mpli:onProperty mpli:countryCode ; mpli:allowedValue country:DEU",
         "mpli#countryCode"),
        ("a mpli:CertificationRequirement ; mpli:scheme mcert:bsi-c6", "certification-scheme/bsi-c6"),
        ("a mpli:CertificationRequirement ; mpli:scheme mcert:bsi-c5 ; mpli:minimumClaimStatus mstatus:audited",
         "claim-status/audited"),
        ('a mpli:CapabilityRequirement ; mpli:onProperty rdf:type ; mpli:value mpli:KubernetesOffering ; '
         'mpli:minimumVersion "1.30" ; mpli:versionProperty mpli:k8sVersion', "mpli#k8sVersion"),
        ("a mpli:PriceRequirement ; mpli:value 1.0 ; mpli:currency currency:EUR ; mpli:priceUnit mpli:PerGiBMonth",
         "mpli#PerGiBMonth"),
    ],
)
def test_unknown_term_named(vocabulary_store, body, named):
    with pytest.raises(UnknownTermError) as raised:
        verdicts(vocabulary_store, requirement(body))
    assert named in raised.value.message


def test_property_without_canonical_unit(vocabulary_store):
    body = "a mpli:MinimumRequirement ; mpli:onProperty mpli:gpuModel ; mpli:value 1.0 ; mpli:unit unit:NUM"
    with pytest.raises(UnknownTermError, match="no mpli:canonicalUnit"):
        verdicts(vocabulary_store, requirement(body))


def test_unit_of_other_quantity_kind(vocabulary_store):
    body = "a mpli:MinimumRequirement ; mpli:onProperty mpli:memorySize ; mpli:value 1.0 ; mpli:unit unit:HR"
    with pytest.raises(UnknownTermError, match="same quantity kind"):
        verdicts(vocabulary_store, requirement(body))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("a mpli:MinimumRequirement ; mpli:onProperty mpli:memorySize ; mpli:unit unit:GibiBYTE", "mpli:value is missing"),
        ('a mpli:MinimumRequirement ; mpli:onProperty mpli:memorySize ; mpli:value "four" ; mpli:unit unit:GibiBYTE',
         "is not a number"),
        ("a mpli:SetRequirement ; mpli:onProperty mpli:country", "at least one mpli:allowedValue"),
        ("a mpli:Requirement", "exactly one type"),
        ("a mpli:CertificationRequirement ; mpli:scheme mcert:bsi-c5 ; mpli:match mpli:Must", "mpli:AnyOf or mpli:AllOf"),
        ('a mpli:CapabilityRequirement ; mpli:onProperty rdf:type ; mpli:value mpli:KubernetesOffering ; '
         'mpli:minimumVersion "latest" ; mpli:versionProperty mpli:kubernetesVersion', "not a dotted version"),
    ],
)
def test_invalid_requirement_named(vocabulary_store, body, message):
    with pytest.raises(InputError, match=message):
        verdicts(vocabulary_store, requirement(body))


def test_missing_strength(vocabulary_store):
    body = """
ex:consumer mpli:requirement ex:r .
ex:r a mpli:MinimumRequirement ; rdfs:label "r" ; mpli:onProperty mpli:vcpuCount ; mpli:value 1.0 .
"""
    with pytest.raises(InputError, match="mpli:strength is missing"):
        verdicts(vocabulary_store, body)


def test_negative_weight(vocabulary_store):
    body = requirement("a mpli:MinimumRequirement ; mpli:onProperty mpli:vcpuCount ; mpli:value 1.0").replace(
        "mpli:Must", "mpli:Should ; mpli:weight -1.0"
    )
    with pytest.raises(InputError, match="negative"):
        verdicts(vocabulary_store, body)


def test_no_consumer_manifest(vocabulary_store):
    graph = rdflib.Graph().parse(data=PREFIXES + "ex:x a mpli:MinimumRequirement .", format="turtle")
    with pytest.raises(InputError, match="no node of type mpli:ConsumerManifest"):
        resolve(vocabulary_store, graph)


def test_manifest_without_requirements(vocabulary_store):
    with pytest.raises(InputError, match="lists no mpli:requirement"):
        resolve(vocabulary_store, consumer(""))


EXTENSION = """
@prefix mpli: <https://w3id.org/mpli#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ext: <https://example.org/extension#> .

ext:gpuMemorySize a owl:DatatypeProperty, mpli:QuantityProperty ;
    rdfs:label "GPU memory size"@en ;
    rdfs:range xsd:decimal ;
    mpli:canonicalUnit unit:GibiBYTE .
"""

GPU_PROVIDER = PREFIXES + """
@prefix ext: <https://example.org/extension#> .
ex:delta a mpli:Provider ; rdfs:label "Delta GPUs (example)" .
ex:delta-a100 a mpli:ComputeOffering ; mpli:offeredBy ex:delta ; ext:gpuMemorySize 80.0 .
ex:delta-t4 a mpli:ComputeOffering ; mpli:offeredBy ex:delta ; ext:gpuMemorySize 16.0 .
"""

GPU_MEMORY = """
@prefix ext: <https://example.org/extension#> .
ex:consumer mpli:requirement ex:r .
ex:r a mpli:MinimumRequirement ; rdfs:label "GPU memory" ; mpli:strength mpli:Must ;
    mpli:onProperty ext:gpuMemorySize ; mpli:value 40960.0 ; mpli:unit unit:MebiBYTE .
"""


def test_extension_property_needs_its_module():
    store = ManifestStore()
    store.load_source("https://example.org/source/delta", GPU_PROVIDER, format=ox.RdfFormat.TURTLE)
    with pytest.raises(UnknownTermError, match="extension#gpuMemorySize"):
        verdicts(store, GPU_MEMORY)


def test_extension_property_resolves_without_code_changes(tmp_path):
    module = tmp_path / "gpu-memory.ttl"
    module.write_text(EXTENSION, encoding="utf-8")
    store = ManifestStore()
    store.add_vocabulary(module)
    store.load_source("https://example.org/source/delta", GPU_PROVIDER, format=ox.RdfFormat.TURTLE)

    table = verdicts(store, GPU_MEMORY)
    assert table["delta-a100"]["r"].verdict == "satisfied"
    assert table["delta-a100"]["r"].actual == "80 GiB"
    assert table["delta-t4"]["r"].verdict == "violated"

