"""Ranking and the result contract: musts before shoulds, weighted scores, price order, ties."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from mpli_graph.errors import InputError
from mpli_graph.resolution import resolve
from mpli_graph.store import ManifestStore
from tests.resolution.example_data import EX, PREFIXES, consumer

MIXED = """
ex:consumer mpli:requirement ex:vcpu, ex:eu, ex:c5, ex:s3, ex:cheap .
ex:vcpu a mpli:MinimumRequirement ; rdfs:label "vCPU" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:vcpuCount ; mpli:value 2.0 ; mpli:unit unit:NUM .
ex:eu a mpli:SetRequirement ; rdfs:label "EU" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:country ; mpli:allowedValue mgroup:EU .
ex:c5 a mpli:CertificationRequirement ; rdfs:label "C5" ; mpli:strength mpli:Should ; mpli:weight 3.0 ;
    mpli:scheme mcert:bsi-c5 .
ex:s3 a mpli:CapabilityRequirement ; rdfs:label "S3" ; mpli:strength mpli:Should ; mpli:weight 1.0 ;
    mpli:onProperty mpli:apiCompatibility ; mpli:value mapi:s3 .
ex:cheap a mpli:PriceRequirement ; rdfs:label "cheap" ; mpli:strength mpli:Should ; mpli:weight 1.0 ;
    mpli:value 0.1 ; mpli:currency currency:EUR ; mpli:priceUnit mpli:PerHour .
"""


def ranked(store: ManifestStore, body: str, **options) -> list[tuple[str, bool, float]]:
    resolution = resolve(store, consumer(body), **options)
    return [(r.offering.removeprefix(EX), r.compatible, round(r.score, 4)) for r in resolution.results]


def test_compatible_first_then_score_then_price(vocabulary_store):
    order = ranked(vocabulary_store, MIXED)
    assert order[:3] == [
        ("alpha-small", True, 1.0),
        ("alpha-large", True, 0.8),
        ("alpha-nowhere", True, 0.8),
    ]
    assert all(not compatible for _, compatible, _ in order[3:])


def test_price_breaks_score_tie_unknown_last(vocabulary_store):
    # alpha-large (0.2 EUR/h, over the cap) and alpha-nowhere (no price) both score 0.8;
    # the known price ranks first.
    order = [name for name, _, _ in ranked(vocabulary_store, MIXED)]
    assert order.index("alpha-large") < order.index("alpha-nowhere")


def test_unknown_must_not_compatible(vocabulary_store):
    order = dict((name, compatible) for name, compatible, _ in ranked(vocabulary_store, MIXED))
    # gamma-tiny states no location at all: the EU must is unknown.
    assert order["gamma-tiny"] is False


def test_near_misses_ordered_by_unmet_musts(vocabulary_store):
    resolution = resolve(vocabulary_store, consumer(MIXED))
    incompatible = [r for r in resolution.results if not r.compatible]
    unmet = [r.unmet_musts for r in incompatible]
    assert unmet == sorted(unmet)


def test_identical_offerings_tie_by_iri():
    twins = PREFIXES + """
ex:p a mpli:Provider ; rdfs:label "Twins (example)" .
ex:twin-b a mpli:ComputeOffering ; mpli:offeredBy ex:p ; mpli:vcpuCount 2 .
ex:twin-a a mpli:ComputeOffering ; mpli:offeredBy ex:p ; mpli:vcpuCount 2 .
ex:twin-c a mpli:ComputeOffering ; mpli:offeredBy ex:p ; mpli:vcpuCount 2 .
"""
    store = ManifestStore()
    store.load_source("https://example.org/source/twins", twins, format=ox.RdfFormat.TURTLE)
    body = """
ex:consumer mpli:requirement ex:r .
ex:r a mpli:MinimumRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:vcpuCount ; mpli:value 2.0 ; mpli:unit unit:NUM .
"""
    assert [name for name, _, _ in ranked(store, body)] == ["twin-a", "twin-b", "twin-c"]


def test_no_shoulds_score_one(vocabulary_store):
    body = """
ex:consumer mpli:requirement ex:r .
ex:r a mpli:MinimumRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:vcpuCount ; mpli:value 1.0 ; mpli:unit unit:NUM .
"""
    assert {score for _, _, score in ranked(vocabulary_store, body)} == {1.0}


def test_top_keeps_best(vocabulary_store):
    resolution = resolve(vocabulary_store, consumer(MIXED), top=2)
    assert [r.rank for r in resolution.results] == [1, 2]
    assert resolution.compatible_total == 3
    assert resolution.offering_count == 7


def test_top_below_one_rejected(vocabulary_store):
    with pytest.raises(InputError, match="top must be at least 1"):
        resolve(vocabulary_store, consumer(MIXED), top=0)


def test_json_contract(vocabulary_store):
    document = resolve(vocabulary_store, consumer(MIXED)).to_json()
    assert list(document)[:2] == ["consumer", "results"]
    assert document["consumer"] == EX + "consumer"
    first = document["results"][0]
    assert list(first)[:6] == ["offering", "provider", "rank", "compatible", "score", "requirements"]
    assert first["offering"] == EX + "alpha-small"
    assert first["provider"] == EX + "alpha"
    assert first["rank"] == 1
    assert first["compatible"] is True
    assert first["score"] == 1.0
    requirement = first["requirements"][0]
    assert list(requirement)[:6] == ["requirement", "kind", "strength", "verdict", "expected", "actual"]
    assert requirement["requirement"] == EX + "c5"
    assert requirement["kind"] == "certification"
    assert requirement["strength"] == "should"
    assert requirement["verdict"] == "satisfied"
    assert len(first["requirements"]) == 5


def test_turtle_output_holds_verdicts(vocabulary_store):
    resolution = resolve(vocabulary_store, consumer(MIXED))
    graph = rdflib.Graph().parse(data=resolution.to_turtle(), format="turtle")
    mpli = rdflib.Namespace("https://w3id.org/mpli#")
    matches = list(graph.subjects(rdflib.RDF.type, mpli.Match))
    assert len(matches) == 7
    verdict_nodes = list(graph.subjects(rdflib.RDF.type, mpli.RequirementVerdict))
    assert len(verdict_nodes) == 7 * 5
    rank_one = next(m for m in matches if graph.value(m, mpli.rank).toPython() == 1)
    assert graph.value(rank_one, mpli.matchedOffering) == rdflib.URIRef(EX + "alpha-small")
    assert graph.value(rank_one, mpli.compatible).toPython() is True


def test_blank_node_requirements_get_stable_keys(vocabulary_store):
    body = """
ex:consumer mpli:requirement [ a mpli:MinimumRequirement ; rdfs:label "anonymous" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:vcpuCount ; mpli:value 1.0 ; mpli:unit unit:NUM ] .
"""
    result = resolve(vocabulary_store, consumer(body)).to_json()["results"][0]
    assert result["requirements"][0]["requirement"] == "urn:mpli:requirement:1"


def test_store_unchanged_by_resolution(vocabulary_store):
    before = len(vocabulary_store.pyoxigraph_store)
    resolve(vocabulary_store, consumer(MIXED))
    assert len(vocabulary_store.pyoxigraph_store) == before


def test_graph_from_pyoxigraph_triples(vocabulary_store):
    triples = [q for q in ox.parse((PREFIXES + "ex:consumer a mpli:ConsumerManifest .\n" + MIXED).encode(), format=ox.RdfFormat.TURTLE)]
    resolution = resolve(vocabulary_store, triples)
    assert resolution.results[0].offering == EX + "alpha-small"

