"""The faster resolution paths: explanations only for kept results, and comparisons done in Python.

The resolver ranks from verdict codes and builds full verdicts only for the
results it returns, so ``top=N`` must return exactly the first N results of a
full resolution. Quantities, prices, locations and capabilities are compared in
Python from single-pattern facts. The SPARQL versions of minimum.rq and
maximum.rq stay as the reference that the Python comparison must agree with.
"""

from __future__ import annotations

import gc
import weakref
from decimal import Decimal

import pyoxigraph as ox
import pytest

from mpli_graph.manifest import parse_file
from mpli_graph.resolution import Requirement, resolve
from mpli_graph.resolution.facts import forget_facts, store_facts
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.quantities import evaluate_quantities
from mpli_graph.resolution.queries import Table, run_query
from mpli_graph.resources import EXAMPLES_DIR
from mpli_graph.store import ManifestStore
from tests.resolution.example_data import PREFIXES, consumer

CONSUMERS = sorted((EXAMPLES_DIR / "consumers").glob("*.ttl"))
UNIT = "http://qudt.org/vocab/unit/"
MPLI = "https://w3id.org/mpli#"
XSD_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


@pytest.fixture(scope="module")
def real_store() -> ManifestStore:
    """Return a store with every example provider manifest (loaded without SHACL validation)."""
    store = ManifestStore()
    for path in sorted((EXAMPLES_DIR / "providers").glob("*.ttl")):
        store.load_source(path.resolve().as_uri(), path)
    return store


@pytest.mark.parametrize("path", CONSUMERS, ids=lambda p: p.stem)
def test_top_equals_prefix_of_full(real_store, path):
    graph = parse_file(path)
    full = resolve(real_store, graph).to_json()
    top = resolve(real_store, graph, top=10).to_json()

    assert top["results"] == full["results"][:10]
    assert top["compatible_count"] == full["compatible_count"]
    assert top["offering_count"] == full["offering_count"]
    assert full["offering_count"] == len(full["results"])


def test_top_results_carry_every_verdict(real_store):
    graph = parse_file(EXAMPLES_DIR / "consumers" / "startup-small.ttl")
    resolution = resolve(real_store, graph, top=3)

    assert len(resolution.results) == 3
    for result in resolution.results:
        assert [v.requirement.key for v in result.verdicts] == [r.key for r in resolution.consumer.requirements]
        assert all(v.offering == result.offering for v in result.verdicts)


def _quantity(key: str, kind: str, prop: str, value: str, unit: str, canonical: str) -> Requirement:
    requirement = Requirement(key=key, kind=kind, strength="must", weight=0.0, on_property=MPLI + prop)
    requirement.value = ox.Literal(value, datatype=XSD_DECIMAL)
    requirement.unit = UNIT + unit
    requirement.canonical_unit = UNIT + canonical
    return requirement


QUANTITY_CASES = [
    _quantity("urn:test:cpu", "minimum", "vcpuCount", "8", "NUM", "NUM"),
    _quantity("urn:test:memory-mib", "minimum", "memorySize", "16384", "MebiBYTE", "GibiBYTE"),
    _quantity("urn:test:memory-max", "maximum", "memorySize", "4", "GibiBYTE", "GibiBYTE"),
    _quantity("urn:test:memory-tib", "maximum", "memorySize", "0.5", "TebiBYTE", "GibiBYTE"),
]


@pytest.mark.parametrize("requirement", QUANTITY_CASES, ids=lambda r: r.key.rsplit(":", 1)[1])
def test_quantity_verdicts_match_sparql(real_store, requirement):
    """Compare each offering's verdict with the best verdict of minimum.rq or maximum.rq."""
    table = Table(
        ("requirement", "property", "threshold", "unit"),
        [
            {
                "requirement": ox.NamedNode(requirement.key),
                "property": ox.NamedNode(requirement.on_property),
                "threshold": requirement.value,
                "unit": ox.NamedNode(requirement.unit),
            }
        ],
    )
    order = {"unknown": 0, "violated": 1, "satisfied": 2}
    reference: dict[str, str] = {}
    for row in run_query(real_store, requirement.kind, [table]):
        offering, verdict = row["offering"].value, row["verdict"].value
        if offering not in reference or order[verdict] > order[reference[offering]]:
            reference[offering] = verdict

    facts = store_facts(real_store)
    (outcome,) = evaluate_quantities(real_store, [requirement], Namer(real_store), facts)

    assert outcome.verdicts == reference
    assert len(outcome.verdicts) == len(real_store.select(f"SELECT ?o WHERE {{ ?o <{MPLI}offeredBy> ?p }}"))
    assert set(outcome.verdicts.values()) >= {"satisfied", "violated"}


CYCLE = PREFIXES + """
ex:cyclic a mpli:Provider ; rdfs:label "Cyclic regions (example)" ;
    mpli:operatesLocation ex:zone-a .
ex:zone-a mpli:partOf ex:zone-b .
ex:zone-b mpli:partOf ex:zone-a ; mpli:country country:FRA .
ex:cyclic-offering a mpli:ComputeOffering ; mpli:offeredBy ex:cyclic ;
    mpli:location ex:zone-b .
ex:cyclic-fallback a mpli:ComputeOffering ; mpli:offeredBy ex:cyclic .
"""


def test_location_part_of_cycle_terminates():
    store = ManifestStore()
    store.load_source("https://example.org/source/cyclic", CYCLE, format=ox.RdfFormat.TURTLE)
    body = """
ex:consumer mpli:requirement ex:r .
ex:r a mpli:SetRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:country ; mpli:allowedValue mgroup:EU .
"""
    results = {r.offering.removeprefix("https://example.org/"): r for r in resolve(store, consumer(body)).results}

    own = results["cyclic-offering"].verdicts[0]
    fallback = results["cyclic-fallback"].verdicts[0]
    assert own.verdict == "satisfied"
    assert own.actual == "country:FRA"
    assert own.note is None
    assert fallback.verdict == "satisfied"
    assert fallback.note == "the offering states no location; these are the countries its provider operates in"


def test_facts_follow_store_changes():
    store = ManifestStore()
    store.load_source("https://example.org/source/cyclic", CYCLE, format=ox.RdfFormat.TURTLE)
    body = """
ex:consumer mpli:requirement ex:r .
ex:r a mpli:MinimumRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:vcpuCount ; mpli:value 4 .
"""
    before = resolve(store, consumer(body))
    assert before.offering_count == 2
    assert {r.verdicts[0].verdict for r in before.results} == {"unknown"}

    extra = PREFIXES + """
ex:other a mpli:Provider ; rdfs:label "Other (example)" .
ex:other-offering a mpli:ComputeOffering ; mpli:offeredBy ex:other ; mpli:vcpuCount 8 .
"""
    store.load_source("https://example.org/source/other", extra, format=ox.RdfFormat.TURTLE)
    after = resolve(store, consumer(body))
    assert after.offering_count == 3
    assert after.results[0].offering == "https://example.org/other-offering"
    assert after.results[0].verdicts[0].verdict == "satisfied"

    store.remove_source("https://example.org/source/other")
    assert resolve(store, consumer(body)).offering_count == 2


def test_forget_facts_reads_direct_writes():
    store = ManifestStore()
    store.load_source("https://example.org/source/cyclic", CYCLE, format=ox.RdfFormat.TURTLE)
    body = """
ex:consumer mpli:requirement ex:r .
ex:r a mpli:MinimumRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:vcpuCount ; mpli:value 4 .
"""
    assert resolve(store, consumer(body)).compatible_total == 0
    store.pyoxigraph_store.add(
        ox.Quad(
            ox.NamedNode("https://example.org/cyclic-offering"),
            ox.NamedNode(MPLI + "vcpuCount"),
            ox.Literal("8", datatype=XSD_DECIMAL),
            ox.NamedNode("https://example.org/source/cyclic"),
        )
    )
    forget_facts(store)
    assert resolve(store, consumer(body)).compatible_total == 1


def test_kept_facts_release_store():
    store = ManifestStore()
    store.load_source("https://example.org/source/cyclic", CYCLE, format=ox.RdfFormat.TURTLE)
    body = """
ex:consumer mpli:requirement ex:r .
ex:r a mpli:MinimumRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:vcpuCount ; mpli:value 4 .
"""
    resolve(store, consumer(body))
    reference = weakref.ref(store)
    del store
    gc.collect()

    assert reference() is None


def test_hourly_price_keeps_decimal_value(real_store):
    graph = parse_file(EXAMPLES_DIR / "consumers" / "startup-small.ttl")
    resolution = resolve(real_store, graph, top=5)

    for result in resolution.results:
        assert isinstance(result.hourly_price, Decimal)
        assert result.hourly_price > 0


LITERALS = PREFIXES + """
ex:gpu a mpli:Provider ; rdfs:label "GPU provider (example)" .
ex:gpu-h100 a mpli:ComputeOffering ; mpli:offeredBy ex:gpu ; mpli:gpuModel "H100" ; mpli:gpuCount 8 .
ex:gpu-a100 a mpli:ComputeOffering ; mpli:offeredBy ex:gpu ; mpli:gpuModel "A100" ; mpli:gpuCount 4 .
"""


@pytest.mark.parametrize(
    ("prop", "value", "expected"),
    [
        ("mpli:gpuModel", '"H100"', {"gpu-h100": "satisfied", "gpu-a100": "violated"}),
    ],
)
def test_literal_capability_compares_values(prop, value, expected):
    store = ManifestStore()
    store.load_source("https://example.org/source/gpu", LITERALS, format=ox.RdfFormat.TURTLE)
    body = f"""
ex:consumer mpli:requirement ex:r .
ex:r a mpli:CapabilityRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:onProperty {prop} ; mpli:value {value} .
"""
    results = {r.offering.removeprefix("https://example.org/"): r for r in resolve(store, consumer(body)).results}

    for offering, verdict in expected.items():
        assert results[offering].verdicts[0].verdict == verdict
