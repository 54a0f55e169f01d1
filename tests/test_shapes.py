"""Tests of the SHACL shapes in shapes/: well-formed, tied to the ontology, and exercised by data.

Every node shape has one example graph that must pass and one that must fail
with a message of that shape, under tests/data/shapes/<ShapeName>.pass.ttl and
<ShapeName>.fail.ttl.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from mpli_graph.errors import InputError
from mpli_graph.manifest.parse import parse_file
from mpli_graph.manifest.report import ValidationReport
from mpli_graph.manifest.validate import hoist_property_shapes, load_shapes_graph, validate
from mpli_graph.resources import SHAPES_DIR, ontology_files, shape_files

DATA_DIR = Path(__file__).parent / "data" / "shapes"
SHACL_SHACL = Path(__file__).parent / "data" / "shacl-shacl.ttl"
MPLISH = rdflib.Namespace("https://w3id.org/mpli/shapes#")
DEPRECATED_ONTOLOGY = DATA_DIR / "deprecated-ontology.ttl"

# Each node shape and the ontology files its cases need (None: the project's ontology).
SHAPE_CASES: dict[str, list[Path] | None] = {
    "ProviderShape": None,
    "OfferingShape": None,
    "ManifestShape": None,
    "ComputeOfferingShape": None,
    "StorageOfferingShape": None,
    "BlockStorageOfferingShape": None,
    "ObjectStorageOfferingShape": None,
    "FileStorageOfferingShape": None,
    "NetworkOfferingShape": None,
    "KubernetesOfferingShape": None,
    "DatabaseOfferingShape": None,
    "LocationShape": None,
    "RegionShape": None,
    "AvailabilityZoneShape": None,
    "DatacenterShape": None,
    "CertificationShape": None,
    "PriceSpecificationShape": None,
    "ExchangeRateShape": None,
    "ServiceLevelShape": None,
    "DeliveryMethodShape": None,
    "TerraformDeliveryShape": None,
    "AnsibleDeliveryShape": None,
    "ApiDeliveryShape": None,
    "SwitchingTermsShape": None,
    "MigrationPathShape": None,
    "RequirementShape": None,
    "MinimumRequirementShape": None,
    "MaximumRequirementShape": None,
    "SetRequirementShape": None,
    "CertificationRequirementShape": None,
    "CapabilityRequirementShape": None,
    "PriceRequirementShape": None,
    "TrustPolicyShape": None,
    "ProviderManifestShape": None,
    "ConsumerManifestShape": None,
    "DeprecatedTermShape": [*ontology_files(), DEPRECATED_ONTOLOGY],
}

# Shapes that target something other than a class, with the reason.
NOT_CLASS_TARGETED = {
    # Targets the subjects of owl:deprecated, so that its query runs once per deprecated term.
    MPLISH.DeprecatedTermShape,
}


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return load_shapes_graph()


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in ontology_files():
        graph.parse(path)
    return graph


def node_shapes(shapes: rdflib.Graph) -> set[rdflib.URIRef]:
    return {shape for shape in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(shape, rdflib.URIRef)}


def property_shapes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    return set(shapes.objects(None, SH.property))


def own_shapes(shapes: rdflib.Graph, node_shape: rdflib.URIRef) -> set[rdflib.term.Node]:
    """Return the node shape and the named property shapes it uses: the source shapes a report can name."""
    named = {shape for shape in shapes.objects(node_shape, SH.property) if isinstance(shape, rdflib.URIRef)}
    return {node_shape, *named}


def own_messages(shapes: rdflib.Graph, node_shape: rdflib.URIRef) -> set[str]:
    messages = {str(message) for message in shapes.objects(node_shape, SH.message)}
    for shape in shapes.objects(node_shape, SH.property):
        messages.update(str(message) for message in shapes.objects(shape, SH.message))
    return messages


def matches_template(message: str, templates: set[str]) -> bool:
    """Tell whether ``message`` is one of the templates, with ``{$this}`` and ``{?var}`` filled in."""
    for template in templates:
        pattern = "".join(
            ".+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[$?]\w+\})", template)
        )
        if re.fullmatch(pattern, message):
            return True
    return False


def validate_case(name: str, kind: str) -> ValidationReport:
    return validate(parse_file(DATA_DIR / f"{name}.{kind}.ttl"), ontology_paths=SHAPE_CASES[name])


def test_shapes_conform_to_shacl_shacl(shapes: rdflib.Graph) -> None:
    shacl_shacl = rdflib.Graph().parse(SHACL_SHACL)

    conforms, _, text = pyshacl.validate(shapes, shacl_graph=shacl_shacl)

    assert conforms, text


def test_shacl_shacl_rejects_broken_shape() -> None:
    shacl_shacl = rdflib.Graph().parse(SHACL_SHACL)
    broken = rdflib.Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <https://example.org/BrokenShape> a sh:NodeShape ;
            sh:property [ sh:minCount "one" ] .
        """,
        format="turtle",
    )

    conforms, _, _ = pyshacl.validate(broken, shacl_graph=shacl_shacl)

    assert not conforms


def test_case_table_covers_every_node_shape(shapes: rdflib.Graph) -> None:
    declared = {str(shape)[len(str(MPLISH)):] for shape in node_shapes(shapes)}

    assert declared == set(SHAPE_CASES)


def test_every_node_shape_targets_a_class(shapes: rdflib.Graph) -> None:
    for shape in node_shapes(shapes) - NOT_CLASS_TARGETED:
        assert shapes.value(shape, SH.targetClass) is not None, f"{shape} has no sh:targetClass"


@pytest.mark.skipif(not ontology_files(), reason="ontology/ has no files yet")
def test_target_classes_are_defined_by_ontology(shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
    for shape, target in shapes.subject_objects(SH.targetClass):
        assert (target, RDF.type, OWL.Class) in ontology, f"{shape} targets {target}, which the ontology does not define"


@pytest.mark.skipif(not ontology_files(), reason="ontology/ has no files yet")
def test_mpli_terms_in_shapes_are_defined(shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
    defined = set(ontology.subjects())
    used = {
        term
        for triple in shapes
        for term in triple
        if isinstance(term, rdflib.URIRef) and str(term).startswith("https://w3id.org/mpli#")
    }

    assert used - defined == set()


def test_property_shapes_have_name_description_message(shapes: rdflib.Graph) -> None:
    for shape in property_shapes(shapes):
        for predicate in (SH.name, SH.description, SH.message):
            assert shapes.value(shape, predicate) is not None, f"property shape on {shapes.value(shape, SH.path)} has no {predicate}"


def test_property_shapes_state_severity(shapes: rdflib.Graph) -> None:
    for shape in property_shapes(shapes):
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning), shapes.value(shape, SH.path)


def test_shapes_are_open(shapes: rdflib.Graph) -> None:
    closed = [shape for shape in node_shapes(shapes) if shapes.value(shape, SH.closed) == rdflib.Literal(True)]

    assert closed == []


def test_shape_files_have_license() -> None:
    for path in shape_files():
        graph = rdflib.Graph().parse(path)
        ontology_iri = graph.value(None, RDF.type, OWL.Ontology, any=False)
        assert ontology_iri is not None, f"{path.name} declares no owl:Ontology"
        assert graph.value(ontology_iri, rdflib.URIRef("http://purl.org/dc/terms/license")) is not None


@pytest.mark.parametrize("name", sorted(SHAPE_CASES))
def test_shape_passing_case(name: str, shapes: rdflib.Graph) -> None:
    report = validate_case(name, "pass")
    own = own_shapes(shapes, MPLISH[name])

    assert report.conforms, report.to_text()
    assert [result for result in report.results if result.source_shape in own] == [], report.to_text()


@pytest.mark.parametrize("name", sorted(SHAPE_CASES))
def test_shape_failing_case(name: str, shapes: rdflib.Graph) -> None:
    report = validate_case(name, "fail")
    own = own_shapes(shapes, MPLISH[name])
    messages = own_messages(shapes, MPLISH[name])

    own_results = [result for result in report.results if result.source_shape in own]
    assert own_results, report.to_text()
    assert all(matches_template(result.message, messages) for result in own_results), report.to_text()


def test_deprecated_term_message_names_term_and_user() -> None:
    report = validate_case("DeprecatedTermShape", "fail")
    warnings = [result for result in report.warnings if result.source_shape == MPLISH.DeprecatedTermShape]

    assert len(warnings) == 1
    assert warnings[0].focus_node == rdflib.URIRef("https://example.org/coreCount")
    assert warnings[0].value == rdflib.URIRef("https://example.org/vm")
    assert "https://example.org/coreCount" in warnings[0].message
    assert report.conforms


def test_violation_shapes_break_resolution() -> None:
    cases = {
        "OfferingShape": "mpli:offeredBy",
        "ComputeOfferingShape": "non-negative xsd:decimal",
        "RequirementShape": "no mpli:weight",
        "MaximumRequirementShape": "mpli:onProperty",
        "MinimumRequirementShape": "QUDT unit",
    }
    for name, fragment in cases.items():
        report = validate_case(name, "fail")
        assert not report.conforms, name
        assert any(fragment in result.message for result in report.violations), name


def test_warning_shapes_keep_conformance() -> None:
    for name in ("ObjectStorageOfferingShape", "FileStorageOfferingShape", "RegionShape", "DatacenterShape"):
        report = validate_case(name, "fail")
        assert report.conforms, name
        assert report.warnings, name


def test_offering_without_any_location_warns() -> None:
    graph = parse_file(DATA_DIR / "OfferingShape.pass.ttl")
    graph.remove((None, rdflib.URIRef("https://w3id.org/mpli#location"), None))
    graph.remove((None, rdflib.URIRef("https://w3id.org/mpli#operatesLocation"), None))

    report = validate(graph)

    assert report.conforms
    assert any("names a location" in result.message for result in report.warnings)


def test_offering_located_through_provider_has_no_warning() -> None:
    graph = parse_file(DATA_DIR / "OfferingShape.pass.ttl")
    graph.remove((None, rdflib.URIRef("https://w3id.org/mpli#location"), None))

    report = validate(graph)

    assert not any("names a location" in result.message for result in report.results)


def test_certification_without_evidence_warns() -> None:
    graph = parse_file(DATA_DIR / "CertificationShape.pass.ttl")
    graph.remove((None, rdflib.URIRef("https://w3id.org/mpli#evidence"), None))

    report = validate(graph)

    assert report.conforms
    assert any("no mpli:evidence" in result.message for result in report.warnings)


def test_price_without_currency_warns() -> None:
    graph = parse_file(DATA_DIR / "PriceSpecificationShape.pass.ttl")
    graph.remove((None, rdflib.URIRef("https://w3id.org/mpli#currency"), None))

    report = validate(graph)

    assert report.conforms
    assert any("no mpli:currency" in result.message for result in report.warnings)


def test_provider_manifest_entry_point_imports_shapes() -> None:
    graph = parse_file(DATA_DIR / "ComputeOfferingShape.fail.ttl")

    report = validate(graph, shape_paths=[SHAPES_DIR / "provider-manifest.ttl"])

    assert any("mpli:vcpuCount must be" in result.message for result in report.violations)


def test_consumer_manifest_entry_point_imports_shapes() -> None:
    graph = parse_file(DATA_DIR / "MinimumRequirementShape.fail.ttl")

    report = validate(graph, shape_paths=[SHAPES_DIR / "consumer-manifest.ttl"])

    assert any("QUDT unit" in result.message for result in report.violations)


def test_consumer_entry_point_leaves_out_compute() -> None:
    graph = parse_file(DATA_DIR / "ComputeOfferingShape.fail.ttl")

    report = validate(graph, shape_paths=[SHAPES_DIR / "consumer-manifest.ttl"])

    assert not any("mpli:vcpuCount" in result.message for result in report.results)


def test_unknown_shapes_import_is_rejected(tmp_path: Path) -> None:
    shapes_file = tmp_path / "extra.ttl"
    shapes_file.write_text(
        "<https://example.org/shapes> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
        "    <http://www.w3.org/2002/07/owl#imports> <https://example.org/remote-shapes> .\n",
        encoding="utf-8",
    )

    with pytest.raises(InputError, match="remote-shapes"):
        validate(parse_file(DATA_DIR / "RegionShape.pass.ttl"), shape_paths=[shapes_file])


def test_rdfs_inference_adds_no_results() -> None:
    graph = rdflib.Graph()
    for name in ("ComputeOfferingShape", "AvailabilityZoneShape", "ConsumerManifestShape", "OfferingShape"):
        graph += parse_file(DATA_DIR / f"{name}.fail.ttl")

    without = validate(graph, inference="none")
    with_rdfs = validate(graph, inference="rdfs")

    def summary(report: ValidationReport) -> set[tuple]:
        return {(result.focus_node, result.message) for result in report.results}

    assert summary(without) == summary(with_rdfs)
    assert not without.conforms


def test_subclass_instances_reach_superclass_shape() -> None:
    graph = parse_file(DATA_DIR / "ComputeOfferingShape.pass.ttl")
    graph.remove((None, rdflib.URIRef("https://w3id.org/mpli#offeredBy"), None))

    report = validate(graph)

    assert any(result.source_shape == MPLISH.OfferingShape for result in report.violations)


def test_shape_modules_are_rdfs_labelled() -> None:
    for path in shape_files():
        graph = rdflib.Graph().parse(path)
        for shape in node_shapes(graph):
            assert graph.value(shape, RDFS.label) is not None, shape


def test_integer_quantity_is_violation() -> None:
    graph = parse_file(DATA_DIR / "ComputeOfferingShape.pass.ttl")
    vm = rdflib.URIRef("https://example.org/vm")
    graph.set((vm, rdflib.URIRef("https://w3id.org/mpli#vcpuCount"), rdflib.Literal(4)))

    report = validate(graph)

    assert not report.conforms
    assert any("xsd:decimal" in result.message for result in report.violations)


def test_hoisted_shapes_give_same_results(shapes: rdflib.Graph) -> None:
    graph = rdflib.Graph()
    for name in SHAPE_CASES:
        graph += parse_file(DATA_DIR / f"{name}.fail.ttl")
    ontology = rdflib.Graph()
    for path in ontology_files():
        ontology.parse(path)

    def results(shapes_graph: rdflib.Graph) -> set[tuple]:
        _, results_graph, _ = pyshacl.validate(graph, shacl_graph=shapes_graph, ont_graph=ontology, allow_warnings=True)
        return {
            (results_graph.value(result, SH.focusNode), str(results_graph.value(result, SH.resultMessage)))
            for result in results_graph.subjects(RDF.type, SH.ValidationResult)
        }

    hoisted = hoist_property_shapes(shapes)
    nested_results = results(shapes)

    assert set(hoisted.objects(None, SH.property)) < set(shapes.objects(None, SH.property))
    assert len(nested_results) >= len(SHAPE_CASES)
    assert results(hoisted) == nested_results


def test_dataset_is_validated_as_merge() -> None:
    dataset = rdflib.Dataset()
    named = dataset.graph(rdflib.URIRef("https://example.org/graphs/offerings"))
    named += parse_file(DATA_DIR / "ComputeOfferingShape.fail.ttl")

    report = validate(dataset)

    assert any("mpli:vcpuCount must be" in result.message for result in report.violations)
