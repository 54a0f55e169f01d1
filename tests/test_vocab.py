"""Tests of the SKOS concept schemes and QUDT units under ontology/vocab/."""

from __future__ import annotations

import csv
from decimal import Decimal

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from mpli_graph.errors import InputError
from mpli_graph.resources import PROJECT_ROOT, VOCAB_DIR, ontology_files
from mpli_graph.vocabulary import QUDT, convert_value, load_vocabulary, parse_turtle

COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
CURRENCY = Namespace("http://publications.europa.eu/resource/authority/currency/")
MGROUP = Namespace("https://w3id.org/mpli/country-group/")
MCERT = Namespace("https://w3id.org/mpli/certification-scheme/")
MFORMAT = Namespace("https://w3id.org/mpli/format/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
SHARED_PROVIDERS = PROJECT_ROOT.parent / "shared" / "data" / "providers"

EU_ALPHA2 = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
    "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}
REQUIRED_OTHER_ALPHA2 = {"IS", "LI", "NO", "CH", "GB", "US", "CA", "SG", "AU", "IN", "JP"}
SCHEMES = [
    "iso-iec-27001", "iso-iec-27017", "iso-iec-27018", "iso-iec-27701", "iso-22301", "bsi-c5", "bsi-c5-type-1",
    "bsi-c5-type-2", "secnumcloud", "hds", "tisax", "soc-1", "soc-2", "soc-3", "pci-dss", "csa-star-level-1",
    "csa-star-level-2", "csa-star-level-3", "tcdp", "eucs-basic", "eucs-substantial", "eucs-high", "eu-cloud-coc",
    "cispe-coc", "scs-compatible-iaas", "scs-compatible-kaas", "gaia-x-standard-compliance", "gaia-x-label-level-1",
    "gaia-x-label-level-2", "gaia-x-label-level-3",
]
CONTRACT_CONCEPTS = {
    "https://w3id.org/mpli/api/": ["s3", "openstack", "kubernetes", "ec2", "proprietary-rest"],
    "https://w3id.org/mpli/platform/": ["openstack", "opennebula", "libvirt-kvm", "vmware-vsphere", "proxmox-ve"],
    "https://w3id.org/mpli/cpu-architecture/": ["x86-64", "arm64"],
    "https://w3id.org/mpli/delivery-tool/": ["opentofu", "terraform", "ansible"],
    "https://w3id.org/mpli/database-engine/": [
        "postgresql", "mysql", "mariadb", "mongodb", "redis", "valkey", "opensearch", "kafka",
    ],
    "https://w3id.org/mpli/format/": [
        "qcow2", "raw", "vmdk", "vhd", "vhdx", "ova", "csv", "json", "parquet", "sql-dump",
    ],
    "https://w3id.org/mpli/claim-status/": [
        "in-progress", "referenced", "self-declared", "third-party", "registry", "verified-credential",
    ],
}
REQUIRED_UNITS = [
    "NUM", "BYTE", "KiloBYTE", "MegaBYTE", "GigaBYTE", "TeraBYTE", "KibiBYTE", "MebiBYTE", "GibiBYTE", "TebiBYTE",
    "MegaBIT-PER-SEC", "GigaBIT-PER-SEC", "SEC", "MIN", "HR", "DAY", "MO", "PERCENT",
]


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return load_vocabulary()


def _members(graph: Graph, collection: URIRef) -> set[URIRef]:
    return set(graph.objects(collection, SKOS.member))


def _alpha2(graph: Graph, country: URIRef) -> set[str]:
    return {str(n) for n in graph.objects(country, SKOS.notation) if len(str(n)) == 2}


def test_concepts_have_label_and_scheme(vocabulary):
    concepts = set(vocabulary.subjects(RDF.type, SKOS.Concept))

    assert len(concepts) > 90
    for concept in concepts:
        labels = [label for label in vocabulary.objects(concept, SKOS.prefLabel) if label.language == "en"]
        assert labels, f"{concept} has no English prefLabel"
        assert vocabulary.value(concept, SKOS.inScheme) is not None, f"{concept} has no skos:inScheme"


def test_eu_group_has_27_members(vocabulary):
    members = _members(vocabulary, MGROUP.EU)

    assert len(members) == 27
    assert set().union(*(_alpha2(vocabulary, m) for m in members)) == EU_ALPHA2


def test_eea_group_has_30_members(vocabulary):
    eu = _members(vocabulary, MGROUP.EU)
    eea = _members(vocabulary, MGROUP.EEA)

    assert len(eea) == 30
    assert eea - eu == {COUNTRY.ISL, COUNTRY.LIE, COUNTRY.NOR}


def test_groups_are_collections(vocabulary):
    assert (MGROUP.EU, RDF.type, SKOS.Collection) in vocabulary
    assert (MGROUP.EEA, RDF.type, SKOS.Collection) in vocabulary


def test_country_notations_match_iri(vocabulary):
    for country in vocabulary.subjects(SKOS.inScheme, URIRef(str(COUNTRY).rstrip("/"))):
        notations = {str(n) for n in vocabulary.objects(country, SKOS.notation)}
        alpha3 = str(country).rsplit("/", 1)[1]

        assert alpha3 in notations, country
        assert len(notations) == 2, country
        assert len(_alpha2(vocabulary, country)) == 1, country


def test_required_countries_present(vocabulary):
    known = set().union(*(_alpha2(vocabulary, c) for c in vocabulary.subjects(RDF.type, SKOS.Concept)))

    assert EU_ALPHA2 | REQUIRED_OTHER_ALPHA2 <= known


@pytest.mark.skipif(not SHARED_PROVIDERS.is_dir(), reason="the shared provider data is not present")
@pytest.mark.parametrize("filename", ["regions_normalized.csv", "offerings_normalized.csv"])
def test_provider_data_countries_present(vocabulary, filename):
    with open(SHARED_PROVIDERS / filename, encoding="utf-8", newline="") as stream:
        used = {row["country_iso2"] for row in csv.DictReader(stream) if row["country_iso2"]}
    known = set().union(*(_alpha2(vocabulary, c) for c in vocabulary.subjects(RDF.type, SKOS.Concept)))

    assert len(used) > 5
    assert sorted(used - known) == []


@pytest.mark.parametrize("code", ["EUR", "USD", "CHF", "GBP", "SEK", "DKK", "NOK", "PLN", "CZK"])
def test_currency_defined(vocabulary, code):
    currency = CURRENCY[code]

    assert (currency, RDF.type, SKOS.Concept) in vocabulary
    assert vocabulary.value(currency, SKOS.notation) == Literal(code)


@pytest.mark.parametrize("name", SCHEMES)
def test_certification_scheme_described(vocabulary, name):
    scheme = MCERT[name]

    assert (scheme, RDF.type, SKOS.Concept) in vocabulary
    assert vocabulary.value(scheme, SKOS.notation) is not None
    assert vocabulary.value(scheme, SKOS.definition) is not None
    assert (scheme, SKOS.inScheme, URIRef("https://w3id.org/mpli/certification-scheme")) in vocabulary


def test_c5_types_narrower_than_c5(vocabulary):
    assert (MCERT["bsi-c5-type-1"], SKOS.broader, MCERT["bsi-c5"]) in vocabulary
    assert (MCERT["bsi-c5-type-2"], SKOS.broader, MCERT["bsi-c5"]) in vocabulary


def test_public_scheme_publishers(vocabulary):
    for name in ["iso-iec-27001", "bsi-c5", "secnumcloud", "pci-dss", "csa-star-level-2", "soc-2"]:
        publisher = vocabulary.value(MCERT[name], DCTERMS.publisher)
        assert isinstance(publisher, Literal) and str(publisher), name


def test_broader_hierarchy_acyclic(vocabulary):
    for concept in vocabulary.subjects(RDF.type, SKOS.Concept):
        seen = {concept}
        current = vocabulary.value(concept, SKOS.broader)
        while current is not None:
            assert current not in seen, f"skos:broader cycle through {current}"
            seen.add(current)
            current = vocabulary.value(current, SKOS.broader)


@pytest.mark.parametrize(("namespace", "names"), CONTRACT_CONCEPTS.items())
def test_contract_concepts_defined(vocabulary, namespace, names):
    for name in names:
        assert (URIRef(namespace + name), RDF.type, SKOS.Concept) in vocabulary, namespace + name


def test_format_collections(vocabulary):
    images = _members(vocabulary, MFORMAT["image-formats"])
    exports = _members(vocabulary, MFORMAT["data-export-formats"])

    assert images == {MFORMAT[n] for n in ["qcow2", "raw", "vmdk", "vhd", "vhdx", "ova"]}
    assert exports == {MFORMAT[n] for n in ["csv", "json", "parquet", "sql-dump"]}


def test_cpu_architecture_aliases(vocabulary):
    aliases = {str(a) for a in vocabulary.objects(URIRef("https://w3id.org/mpli/cpu-architecture/x86-64"), SKOS.altLabel)}

    assert {"x86_64", "x64", "amd64"} <= aliases


@pytest.mark.parametrize("code", REQUIRED_UNITS)
def test_unit_has_multiplier_and_kind(vocabulary, code):
    unit = UNIT[code]

    assert vocabulary.value(unit, QUDT.conversionMultiplier) is not None
    assert vocabulary.value(unit, QUDT.hasQuantityKind) is not None
    assert vocabulary.value(unit, QUDT.conversionMultiplier).datatype is not None


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        ("8192", "MebiBYTE", "GibiBYTE", "8"),
        ("1", "GibiBYTE", "GigaBYTE", "1.073741824"),
        ("1", "TebiBYTE", "GibiBYTE", "1024"),
        ("1", "TeraBYTE", "GigaBYTE", "1000"),
        ("1", "KibiBYTE", "BYTE", "1024"),
        ("1", "KiloBYTE", "BYTE", "1000"),
        ("1", "GigaBIT-PER-SEC", "MegaBIT-PER-SEC", "1000"),
        ("1", "DAY", "HR", "24"),
        ("90", "MIN", "HR", "1.5"),
        ("1", "HR", "SEC", "3600"),
        ("512", "MegaBYTE", "GigaBYTE", "0.512"),
    ],
)
def test_unit_conversion(vocabulary, value, source, target, expected):
    result = convert_value(vocabulary, Decimal(value), UNIT[source], UNIT[target])

    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(("source", "target"), [("GibiBYTE", "HR"), ("PERCENT", "NUM"), ("MegaBIT-PER-SEC", "GigaBYTE")])
def test_conversion_across_kinds_rejected(vocabulary, source, target):
    with pytest.raises(InputError, match="different quantity kinds"):
        convert_value(vocabulary, Decimal(1), UNIT[source], UNIT[target])


def test_month_unit_explains_730_hours(vocabulary):
    note = str(vocabulary.value(UNIT.MO, SKOS.scopeNote))

    assert "730 hours" in note
    assert vocabulary.value(UNIT.MO, QUDT.conversionMultiplier).toPython() == Decimal("2551442.976")


def test_units_file_declares_only_units_and_kinds():
    graph = parse_turtle(VOCAB_DIR / "units.ttl")
    types = set(graph.objects(None, RDF.type))

    assert types == {QUDT.Unit, QUDT.QuantityKind}


def test_numbers_usable_in_oxigraph_arithmetic():
    store = pyoxigraph.Store()
    for path in ontology_files():
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    query = """
        SELECT ?subject ?number (?number * 1 AS ?product) WHERE {
            ?subject ?predicate ?number .
            FILTER(isLiteral(?number) && DATATYPE(?number) IN (
                <http://www.w3.org/2001/XMLSchema#decimal>, <http://www.w3.org/2001/XMLSchema#integer>))
        }
    """

    rows = list(store.query(query))
    unusable = [(row["subject"].value, row["number"].value) for row in rows if row["product"] is None]

    assert len(rows) > 20
    assert unusable == []
