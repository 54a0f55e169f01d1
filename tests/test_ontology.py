"""Tests of the OWL modules under ontology/: parsing, headers, terms, consistency, alignment."""

from __future__ import annotations

import gzip
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from mpli_graph.errors import RdfSyntaxError, UnknownTermError
from mpli_graph.resources import EXAMPLES_DIR, ONTOLOGY_DIR, PROJECT_ROOT, QUERIES_DIR, SHAPES_DIR, VOCAB_DIR
from mpli_graph.vocabulary import MPLI, canonical_unit, convert_value, defined_terms, load_vocabulary, parse_turtle
from mpli_graph.vocabulary_checks import (
    check_concepts,
    check_consistency,
    check_deprecations,
    check_module_header,
    check_module_terms,
    check_quantity_properties,
    check_term_usage,
    check_vocabulary,
)

MODULES = sorted(ONTOLOGY_DIR.glob("*.ttl"))
ALL_FILES = MODULES + sorted(VOCAB_DIR.glob("*.ttl"))
EXPECTED_MODULES = {
    "core", "compute", "storage", "network", "kubernetes", "database", "location", "certification",
    "legal", "pricing", "sla", "delivery", "portability", "trust", "requirement", "alignment",
    "federation",
}
GAIA_X_2210 = "https://registry.lab.gaia-x.eu/development/api/trusted-shape-registry/v1/shapes/jsonld/trustframework#"
GAIA_X_2511 = "https://w3id.org/gaia-x/development#"
SHARED_CATALOGS = PROJECT_ROOT.parent / "shared" / "data" / "catalogs"
SHARED_PROVIDERS = PROJECT_ROOT.parent / "shared" / "data" / "providers"
UNIT = "http://qudt.org/vocab/unit/"


def usage_files() -> list[Path]:
    """List the shapes, examples and queries whose mpli: terms must be defined."""
    return (
        sorted(SHAPES_DIR.glob("*.ttl"))
        + sorted(EXAMPLES_DIR.glob("**/*.ttl"))
        + sorted(QUERIES_DIR.glob("**/*.rq"))
    )


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return load_vocabulary()


def test_all_modules_present():
    assert {path.stem for path in MODULES} >= EXPECTED_MODULES


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_file_parses_with_rdflib(path):
    assert len(parse_turtle(path)) > 0


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_file_parses_with_pyoxigraph(path):
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(parse_turtle(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_header(path):
    assert check_module_header(path, parse_turtle(path)) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_terms_annotated(path):
    assert check_module_terms(path, parse_turtle(path)) == []


def test_header_check_reports_missing_fields(tmp_path):
    module = tmp_path / "broken.ttl"
    module.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://w3id.org/mpli/broken> a owl:Ontology ; owl:versionInfo \"0.0.9\" .\n",
        encoding="utf-8",
    )

    problems = check_module_header(module, parse_turtle(module))

    assert any("dcterms:title" in p for p in problems)
    assert any("owl:versionIRI" in p for p in problems)
    assert any("versionInfo" in p and "0.1.0" in p for p in problems)
    assert any("import the core module" in p for p in problems)


def test_term_check_reports_gaps(tmp_path):
    module = tmp_path / "broken.ttl"
    module.write_text(
        "@prefix mpli: <https://w3id.org/mpli#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix gx: <https://w3id.org/gaia-x/development#> .\n"
        "mpli:bad_Class a owl:Class ; rdfs:label \"bad\" .\n"
        "mpli:BadProperty a owl:ObjectProperty .\n"
        "gx:ServiceOffering rdfs:subClassOf mpli:Offering .\n",
        encoding="utf-8",
    )

    problems = check_module_terms(module, parse_turtle(module))

    assert any("mpli:bad_Class has no English rdfs:label" in p for p in problems)
    assert any("mpli:bad_Class has no English skos:definition" in p for p in problems)
    assert any("mpli:bad_Class must have rdfs:isDefinedBy" in p for p in problems)
    assert any("mpli:bad_Class must be UpperCamelCase" in p for p in problems)
    assert any("property mpli:BadProperty must be lowerCamelCase" in p for p in problems)
    assert any("gaia-x/development#ServiceOffering" in p and "not an mpli: term" in p for p in problems)


def test_vocabulary_contract_terms_defined(vocabulary):
    contract = (PROJECT_ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    names = set(re.findall(r"`[^`]*?mpli:([A-Za-z][A-Za-z0-9]*)", contract))
    names |= set(re.findall(r"(?<![\w:/])mpli:([A-Za-z][A-Za-z0-9]*)", contract))
    defined = defined_terms(vocabulary)

    assert len(names) > 100
    assert sorted(n for n in names if MPLI[n] not in defined) == []


def test_every_term_defined_once(vocabulary):
    declared_in: dict[URIRef, list[str]] = {}
    for path in MODULES:
        for term in defined_terms(parse_turtle(path)):
            declared_in.setdefault(term, []).append(path.name)

    assert {str(t): files for t, files in declared_in.items() if len(files) > 1} == {}


def test_quantity_properties_have_units(vocabulary):
    quantity_properties = set(vocabulary.subjects(RDF.type, MPLI.QuantityProperty))

    assert len(quantity_properties) >= 10
    assert check_quantity_properties(vocabulary) == []


@pytest.mark.parametrize(
    ("prop", "unit"),
    [
        ("vcpuCount", "NUM"),
        ("memorySize", "GibiBYTE"),
        ("localDiskSize", "GigaBYTE"),
        ("gpuCount", "NUM"),
        ("storageCapacity", "GibiBYTE"),
        ("maximumVolumeSize", "GibiBYTE"),
        ("networkBandwidth", "MegaBIT-PER-SEC"),
        ("maximumNoticePeriod", "DAY"),
        ("availability", "PERCENT"),
        ("supportResponseTime", "HR"),
    ],
)
def test_canonical_unit_matches_contract(vocabulary, prop, unit):
    assert canonical_unit(vocabulary, MPLI[prop]) == URIRef(UNIT + unit)
    assert (MPLI[prop], RDF.type, MPLI.QuantityProperty) in vocabulary


def test_canonical_unit_absent_for_plain_property(vocabulary):
    assert canonical_unit(vocabulary, MPLI.offeringId) is None


def test_quantity_check_reports_missing_unit():
    graph = Graph()
    graph.add((MPLI.fooSize, RDF.type, MPLI.QuantityProperty))
    graph.add((MPLI.fooSize, RDF.type, OWL.DatatypeProperty))
    graph.add((MPLI.fooSize, RDFS.range, XSD.string))
    graph.add((MPLI.barSize, RDF.type, MPLI.QuantityProperty))
    graph.add((MPLI.barSize, RDFS.range, XSD.decimal))
    graph.add((MPLI.barSize, MPLI.canonicalUnit, URIRef(UNIT + "FURLONG")))

    problems = check_quantity_properties(graph)

    assert any("mpli:fooSize must have exactly one mpli:canonicalUnit" in p for p in problems)
    assert any("mpli:fooSize" in p and "xsd:decimal" in p for p in problems)
    assert any("mpli:barSize" in p and "not an owl:DatatypeProperty" in p for p in problems)
    assert any("FURLONG has no qudt:conversionMultiplier" in p for p in problems)


@pytest.mark.parametrize(
    "prop",
    ["apiCompatibility", "databaseEngine", "kubernetesVersion", "deliveryTool", "cpuArchitecture", "gpuModel",
     "hypervisorPlatform"],
)
def test_capability_property_typed(vocabulary, prop):
    assert (MPLI[prop], RDF.type, MPLI.CapabilityProperty) in vocabulary


@pytest.mark.parametrize(
    ("status", "rank"),
    [("in-progress", 0), ("referenced", 0), ("self-declared", 1), ("third-party", 2), ("registry", 3),
     ("verified-credential", 4)],
)
def test_claim_status_rank(vocabulary, status, rank):
    concept = URIRef("https://w3id.org/mpli/claim-status/" + status)
    assert vocabulary.value(concept, MPLI.claimStatusRank) == Literal(rank)


@pytest.mark.parametrize(
    ("price_unit", "hours"),
    [("PerHour", "1"), ("PerMinute", "0.016666666666666667"), ("PerMonth", "730")],
)
def test_price_unit_hours(vocabulary, price_unit, hours):
    value = vocabulary.value(MPLI[price_unit], MPLI.hoursPerUnit)
    assert value is not None
    assert value.toPython() == Decimal(hours)


def test_gib_month_has_no_hours(vocabulary):
    assert vocabulary.value(MPLI.PerGiBMonth, MPLI.hoursPerUnit) is None


def test_owl_rl_closure_consistent(vocabulary):
    assert check_consistency(vocabulary) == []


def test_owl_rl_check_finds_inconsistency():
    vocabulary = load_vocabulary()
    manifest = URIRef("https://example.org/manifest")
    vocabulary.add((manifest, RDF.type, MPLI.ProviderManifest))
    vocabulary.add((manifest, RDF.type, MPLI.ConsumerManifest))

    problems = check_consistency(vocabulary)

    assert problems != []
    assert any("example.org/manifest" in p for p in problems)


def test_owl_rl_check_finds_conflicting_strength():
    vocabulary = load_vocabulary()
    requirement = URIRef("https://example.org/requirement")
    vocabulary.add((requirement, MPLI.strength, MPLI.Must))
    vocabulary.add((requirement, MPLI.strength, MPLI.Should))

    assert check_consistency(vocabulary) != []


def test_deprecations_name_replacement(vocabulary):
    assert check_deprecations(vocabulary) == []


def test_deprecation_check_reports_missing_replacement():
    graph = Graph()
    graph.add((MPLI.oldTerm, RDF.type, OWL.DatatypeProperty))
    graph.add((MPLI.oldTerm, OWL.deprecated, Literal(True)))
    graph.add((MPLI.olderTerm, RDF.type, OWL.DatatypeProperty))
    graph.add((MPLI.olderTerm, OWL.deprecated, Literal(True)))
    graph.add((MPLI.olderTerm, DCTERMS.isReplacedBy, MPLI.missingTerm))

    problems = check_deprecations(graph)

    assert any("mpli:oldTerm is deprecated but has no dcterms:isReplacedBy" in p for p in problems)
    assert any("mpli:missingTerm, which is not defined" in p for p in problems)


def test_concepts_labelled(vocabulary):
    assert check_concepts(vocabulary) == []


def test_no_undefined_terms_used(vocabulary):
    files = ALL_FILES + usage_files()
    assert check_term_usage(defined_terms(vocabulary), files) == []


def test_usage_check_reports_undefined_term(vocabulary, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text(
        "PREFIX mpli: <https://w3id.org/mpli#>\n"
        "# mpli:commentedOut is ignored\n"
        "SELECT * WHERE { SERVICE <urn:mpli:member> { ?o mpli:vcpuCount ?v ; mpli:vcpuCnt ?w ;"
        " <https://w3id.org/mpli#ramSize> ?r } }\n",
        encoding="utf-8",
    )

    problems = check_term_usage(defined_terms(vocabulary), [query])

    assert len(problems) == 2
    assert any("mpli:vcpuCnt" in p for p in problems)
    assert any("mpli:ramSize" in p for p in problems)


def test_whole_vocabulary_check_passes():
    assert check_vocabulary(ONTOLOGY_DIR, usage_files()) == []


def test_syntax_error_names_file_and_line(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix mpli: <https://w3id.org/mpli#> .\n\nmpli:a mpli:b \"unterminated .\n", encoding="utf-8")

    with pytest.raises(RdfSyntaxError) as caught:
        load_vocabulary([broken])

    assert "broken.ttl" in caught.value.message
    assert caught.value.line == 3


def test_load_vocabulary_returns_fresh_graph():
    first = load_vocabulary()
    first.add((MPLI.scratch, RDF.type, OWL.Class))

    assert (MPLI.scratch, RDF.type, OWL.Class) not in load_vocabulary()


def test_load_vocabulary_adds_extra_file(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix mpli: <https://w3id.org/mpli#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "mpli:ExtraThing a owl:Class .\n",
        encoding="utf-8",
    )

    assert MPLI.ExtraThing in defined_terms(load_vocabulary([extra]))
    assert MPLI.ExtraThing not in defined_terms(load_vocabulary())


def test_convert_value_rejects_unknown_unit(vocabulary):
    with pytest.raises(UnknownTermError, match="FURLONG"):
        convert_value(vocabulary, Decimal(1), URIRef(UNIT + "FURLONG"), URIRef(UNIT + "GibiBYTE"))


def test_alignment_describes_only_mpli_terms():
    graph = parse_turtle(ONTOLOGY_DIR / "alignment.ttl")
    foreign = {
        str(s) for s in graph.subjects()
        if not isinstance(s, BNode) and not str(s).startswith(str(MPLI)) and s != URIRef("https://w3id.org/mpli/alignment")
    }

    assert foreign == set()


def test_no_module_types_gaia_x_terms():
    for path in MODULES:
        graph = parse_turtle(path)
        for subject, predicate, _ in graph:
            assert not str(subject).startswith((GAIA_X_2210, GAIA_X_2511)), (path.name, subject, predicate)


def _gaia_x_names(folder_files: list[Path], prefix_pattern: str) -> set[str]:
    """Collect the local names that Gaia-X files use with a gx: prefix or as JSON keys."""
    names: set[str] = set()
    for path in folder_files:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as stream:
                text = stream.read()
        else:
            text = path.read_text(encoding="utf-8")
        names |= set(re.findall(prefix_pattern + r"([A-Za-z][A-Za-z0-9_]*)", text))
    return names


@pytest.mark.skipif(not SHARED_CATALOGS.is_dir(), reason="the shared Gaia-X catalogue files are not present")
def test_gaia_x_terms_exist():
    alignment = parse_turtle(ONTOLOGY_DIR / "alignment.ttl")
    used_2210 = {str(o)[len(GAIA_X_2210):] for o in alignment.objects() if str(o).startswith(GAIA_X_2210)}
    used_2511 = {str(o)[len(GAIA_X_2511):] for o in alignment.objects() if str(o).startswith(GAIA_X_2511)}

    files_2210 = sorted((SHARED_CATALOGS / "gaia-x-2210-tagus").glob("*.*")) + [
        SHARED_PROVIDERS / "gxcredgen_cloudandheat_vmo.json"
    ]
    known_2210 = _gaia_x_names(files_2210, r"gx:")
    known_2511 = _gaia_x_names([SHARED_CATALOGS / "gaia-x-2511-loire" / "gx.shacl.ttl.gz"], r"gx:")

    assert len(used_2210) >= 10
    assert len(used_2511) >= 20
    assert sorted(used_2210 - known_2210) == []
    assert sorted(used_2511 - known_2511) == []


def test_core_builds_on_standards(vocabulary):
    assert (MPLI.Provider, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Organization")) in vocabulary
    assert (MPLI.Offering, RDFS.subClassOf, URIRef("http://www.w3.org/ns/dcat#Resource")) in vocabulary
    assert (MPLI.backedBy, RDFS.range, URIRef("https://www.w3.org/2018/credentials#VerifiableCredential")) in vocabulary


def test_concept_scheme_terms_have_skos_types(vocabulary):
    for scheme in vocabulary.subjects(RDF.type, SKOS.ConceptScheme):
        assert vocabulary.value(scheme, SKOS.prefLabel) is not None, scheme
