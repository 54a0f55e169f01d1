"""Tests of ``mpli import providers``: the committed manifests and the converter itself."""

from __future__ import annotations

import csv
import logging
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, XSD

from mpli_graph.cli import main
from mpli_graph.errors import InputError
from mpli_graph.importers import DEFAULT_OUTPUT, DEFAULT_SOURCE, import_providers

MPLI = "https://w3id.org/mpli#"
CATALOG = "https://w3id.org/mpli/catalog/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
CURRENCY = "http://publications.europa.eu/resource/authority/currency/"
MCERT = "https://w3id.org/mpli/certification-scheme/"
MSTATUS = "https://w3id.org/mpli/claim-status/"
CC_BY_SA = URIRef("https://creativecommons.org/licenses/by-sa/4.0/")

# Provider names of offerings_normalized.csv -> manifest file stem, written out
# here independently of the importer's own table.
CSV_PROVIDERS = {
    "Scaleway": "scaleway",
    "OVHcloud": "ovhcloud",
    "Hetzner Cloud": "hetzner-cloud",
    "UpCloud": "upcloud",
    "Open Telekom Cloud": "open-telekom-cloud",
    "Seeweb": "seeweb",
    "Nebius": "nebius",
}
EXPECTED = sorted(set(CSV_PROVIDERS.values()) | {"ionos-cloud", "cloud-and-heat"})


def m(name: str) -> URIRef:
    """Return the IRI of an ``mpli:`` term."""
    return URIRef(MPLI + name)


def offering(slug: str, *path: str) -> URIRef:
    """Return the IRI of an offering of the catalogue."""
    return URIRef(f"{CATALOG}{slug}/offering/" + "/".join(path))


def csv_rows(name: str) -> list[dict[str, str]]:
    """Read a source CSV with the standard library only."""
    with (DEFAULT_SOURCE / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def manifests() -> dict[str, Graph]:
    """Parse every committed manifest of examples/providers."""
    graphs = {}
    for stem in EXPECTED:
        graphs[stem] = Graph().parse(DEFAULT_OUTPUT / f"{stem}.ttl", format="turtle")
    return graphs


class MessageCollector(logging.Handler):
    """Keep the messages of the log records that reach it."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def rerun(tmp_path_factory) -> tuple[Path, list[str]]:
    """Run `mpli import providers` once into a temporary folder; return it and the warnings."""
    output = tmp_path_factory.mktemp("rerun")
    collector = MessageCollector()
    logger = logging.getLogger("mpli_graph.importers")
    logger.addHandler(collector)
    try:
        assert main(["import", "providers", "--output", str(output)]) == 0
    finally:
        logger.removeHandler(collector)
    return output, collector.messages


def offerings_of(graph: Graph) -> set[URIRef]:
    """Return every node that has ``mpli:offeredBy``."""
    return set(graph.subjects(m("offeredBy"), None))


def test_expected_manifests_exist_and_parse():
    for stem in EXPECTED:
        path = DEFAULT_OUTPUT / f"{stem}.ttl"
        assert path.is_file(), f"{path} is missing; run `mpli import providers`"
        graph = Graph().parse(path, format="turtle")
        assert (URIRef(f"{CATALOG}{stem}/manifest"), RDF.type, m("ProviderManifest")) in graph


def test_offering_counts_match_csv(manifests):
    expected = Counter(CSV_PROVIDERS[row["provider"]] for row in csv_rows("offerings_normalized.csv"))
    assert sum(expected.values()) == 1080

    for stem, count in expected.items():
        graph = manifests[stem]
        from_csv = [
            node
            for node in offerings_of(graph)
            if str(graph.value(node, DCTERMS.source)).startswith("offerings_normalized.csv row ")
        ]
        assert len(from_csv) == count, stem


def test_offerings_have_source_and_provider(manifests):
    for stem, graph in manifests.items():
        provider = URIRef(f"{CATALOG}{stem}/provider")
        typed = {
            node
            for node, _, kind in graph.triples((None, RDF.type, None))
            if str(kind).startswith(MPLI) and str(kind).endswith("Offering")
        }
        assert typed, stem
        for node in typed | offerings_of(graph):
            assert graph.value(node, m("offeredBy")) == provider, node
            assert graph.value(node, DCTERMS.source) is not None, node
            assert (URIRef(f"{CATALOG}{stem}/manifest"), m("describes"), node) in graph


def test_prices_only_from_rows_with_price(manifests):
    rows = csv_rows("offerings_normalized.csv")
    with_price = Counter(CSV_PROVIDERS[row["provider"]] for row in rows if row["price"])

    for stem, graph in manifests.items():
        prices = list(graph.subjects(RDF.type, m("PriceSpecification")))
        assert len(prices) == with_price.get(stem, 0), stem
        for price in prices:
            source = str(graph.value(price, DCTERMS.source))
            assert source.startswith("offerings_normalized.csv row "), price
            line = int(source.split()[2])
            row = rows[line - 2]
            assert graph.value(price, m("amount")).toPython() == Decimal(row["price"])


def test_currency_only_where_source_states_it(manifests):
    rows = csv_rows("offerings_normalized.csv")
    for graph in manifests.values():
        for price in graph.subjects(RDF.type, m("PriceSpecification")):
            line = int(str(graph.value(price, DCTERMS.source)).split()[2])
            currency = graph.value(price, m("currency"))
            if rows[line - 2]["currency"] == "EUR":
                assert currency == URIRef(CURRENCY + "EUR"), price
            else:
                assert currency is None, price


def test_scaleway_offering_values(manifests):
    graph = manifests["scaleway"]
    node = offering("scaleway", "fr-par-1", "gp1-xs")

    assert graph.value(node, m("vcpuCount")).toPython() == Decimal(4)
    assert graph.value(node, m("memorySize")).toPython() == Decimal(16)
    assert graph.value(node, m("cpuArchitecture")) == URIRef(
        "https://w3id.org/mpli/cpu-architecture/x86-64"
    )
    price = graph.value(node, m("price"))
    assert graph.value(price, m("amount")).toPython() == Decimal("0.09282")
    assert graph.value(price, m("currency")) == URIRef(CURRENCY + "EUR")
    assert graph.value(price, m("priceUnit")) == m("PerHour")
    zone = graph.value(node, m("location"))
    assert graph.value(zone, m("country")) == URIRef(COUNTRY + "FRA")
    assert graph.value(zone, m("countryBasis")) == Literal("zone code prefix")


def test_ovhcloud_gpu_offering_has_no_currency(manifests):
    graph = manifests["ovhcloud"]
    node = offering("ovhcloud", "gra11", "a100-180")

    assert graph.value(node, m("gpuModel")) == Literal("A100-80GB")
    assert graph.value(node, m("gpuCount")).toPython() == Decimal(1)
    price = graph.value(node, m("price"))
    assert graph.value(price, m("amount")).toPython() == Decimal("3.07")
    assert graph.value(price, m("currency")) is None
    assert "the source states no currency" in str(graph.value(price, m("priceBasis")))
    zone = graph.value(node, m("location"))
    assert graph.value(zone, m("country")) == URIRef(COUNTRY + "FRA")
    assert graph.value(zone, m("partOf")) == URIRef(f"{CATALOG}ovhcloud/location/gra")


def test_upcloud_price_is_historic(manifests):
    graph = manifests["upcloud"]
    node = offering("upcloud", "de-fra1", "12xcpu-48gb")

    price = graph.value(node, m("price"))
    assert graph.value(price, m("amount")).toPython() == Decimal("35.7142")
    assert graph.value(price, m("historic")) == Literal(True, datatype=XSD.boolean)
    assert graph.value(price, m("currency")) is None
    assert "(UpCloud API credits)" in str(graph.value(price, m("priceBasis")))


def test_hetzner_offerings_without_location(manifests):
    graph = manifests["hetzner-cloud"]
    provider = URIRef(f"{CATALOG}hetzner-cloud/provider")

    for node in offerings_of(graph):
        assert graph.value(node, m("location")) is None, node
    operated = set(graph.objects(provider, m("operatesLocation")))
    assert len(operated) == 6
    nuremberg = URIRef(f"{CATALOG}hetzner-cloud/location/nbg1-dc3")
    assert nuremberg in operated
    assert graph.value(nuremberg, m("country")) == URIRef(COUNTRY + "DEU")
    assert graph.value(nuremberg, m("city")) == Literal("Nuremberg")


def test_otc_certifications_from_registry(manifests):
    graph = manifests["open-telekom-cloud"]
    provider = URIRef(f"{CATALOG}open-telekom-cloud/provider")
    registry_entry = URIRef("https://www.trusted-cloud.de/cloudservices/2667/")

    claims = {graph.value(claim, m("scheme")): claim for claim in graph.objects(provider, m("certification"))}
    for scheme in ("bsi-c5", "iso-iec-27001", "iso-iec-27018", "csa-star-level-2", "soc-1", "soc-2"):
        claim = claims.get(URIRef(MCERT + scheme))
        assert claim is not None, scheme
        assert graph.value(claim, m("claimStatus")) == URIRef(MSTATUS + "registry"), scheme
        assert graph.value(claim, m("evidence")) == registry_entry, scheme

    level = graph.value(provider, m("serviceLevel"))
    assert graph.value(level, m("availability")).toPython() == Decimal("99.9")
    assert graph.value(level, m("evidence")) == registry_entry


def test_otc_region_country_derived_from_code(manifests):
    graph = manifests["open-telekom-cloud"]
    region = URIRef(f"{CATALOG}open-telekom-cloud/location/eu-ch2")

    assert graph.value(region, m("country")) == URIRef(COUNTRY + "CHE")
    assert graph.value(region, m("countryBasis")) == Literal("derived from the region code")


def test_ovhcloud_soc_claim_is_three_claims(manifests):
    graph = manifests["ovhcloud"]
    schemes = {graph.value(claim, m("scheme")) for claim in graph.subjects(RDF.type, m("Certification"))}

    for scheme in ("soc-1", "soc-2", "soc-3"):
        assert URIRef(MCERT + scheme) in schemes
    secnumcloud = URIRef(f"{CATALOG}ovhcloud/certification/secnumcloud")
    assert graph.value(secnumcloud, m("claimStatus")) == URIRef(MSTATUS + "third-party")


def test_hetzner_open_dataset_claim_is_self_declared(manifests):
    graph = manifests["hetzner-cloud"]
    claim = URIRef(f"{CATALOG}hetzner-cloud/certification/iso-iec-27001")

    assert graph.value(claim, m("claimStatus")) == URIRef(MSTATUS + "self-declared")
    assert "recorded by a third party" in str(graph.value(claim, m("evidenceNote")))
    assert len(list(graph.subjects(RDF.type, m("Certification")))) == 1


def test_cloud_and_heat_from_gaia_x_credential(manifests):
    graph = manifests["cloud-and-heat"]
    provider = URIRef(f"{CATALOG}cloud-and-heat/provider")
    credential = URIRef("https://cloudandheat.com/gaia-x/vmo.json")

    flavours = offerings_of(graph)
    assert len(flavours) == 10
    smallest = offering("cloud-and-heat", "xxs")
    assert graph.value(smallest, m("vcpuCount")).toPython() == Decimal(1)
    assert graph.value(smallest, m("memorySize")).toPython() == Decimal("0.5")
    assert graph.value(smallest, m("localDiskSize")).toPython() == Decimal(10)
    largest = offering("cloud-and-heat", "xl.mem-plus")
    assert graph.value(largest, m("offeringId")) == Literal("XL.mem+")
    assert graph.value(largest, m("memorySize")).toPython() == Decimal(32)
    for node in flavours:
        assert graph.value(node, m("backedBy")) == credential
        assert graph.value(node, m("importsImageFormat")) == URIRef("https://w3id.org/mpli/format/raw")
        assert graph.value(node, m("hypervisorPlatform")) == URIRef(
            "https://w3id.org/mpli/platform/openstack"
        )

    assert graph.value(provider, m("legalName")) == Literal("Cloud&Heat Technologies GmbH")
    assert graph.value(provider, m("registrationNumber")) == Literal("DE281093504")
    assert graph.value(provider, m("headquarterCountry")) == URIRef(COUNTRY + "DEU")
    claim = graph.value(provider, m("certification"))
    assert graph.value(claim, m("scheme")) == URIRef(MCERT + "scs-compatible-iaas")
    assert graph.value(claim, m("claimStatus")) == URIRef(MSTATUS + "registry")


def test_managed_services(manifests):
    scaleway = manifests["scaleway"]
    kapsule = offering("scaleway", "fr-par", "kapsule")
    versions = {str(value) for value in scaleway.objects(kapsule, m("kubernetesVersion"))}
    assert versions == {"1.35.3", "1.34.6", "1.33.10"}
    postgres = offering("scaleway", "fr-par", "rdb-postgresql")
    assert {str(v) for v in scaleway.objects(postgres, m("databaseEngineVersion"))} == {"14", "15", "16", "17"}

    upcloud = manifests["upcloud"]
    storage = offering("upcloud", "object-storage", "europe-1")
    assert (storage, RDF.type, m("ObjectStorageOffering")) in upcloud
    region = URIRef(f"{CATALOG}upcloud/location/europe-1")
    assert set(upcloud.objects(storage, m("location"))) == {region}
    assert len(set(upcloud.subjects(m("partOf"), region))) == 8
    database = offering("upcloud", "de-fra1", "database", "pg", "1x1xcpu-2gb-25gb")
    assert upcloud.value(database, m("databaseEngine")) == URIRef(
        "https://w3id.org/mpli/database-engine/postgresql"
    )
    assert upcloud.value(database, m("memorySize")).toPython() == Decimal(2)
    assert upcloud.value(database, m("storageCapacity")).toPython() == Decimal(25)

    ionos = manifests["ionos-cloud"]
    mariadb = [node for node in offerings_of(ionos) if ionos.value(node, m("offeringId")) == Literal("mariadb")]
    assert len(mariadb) == 8
    frankfurt = offering("ionos-cloud", "de-fra", "mariadb")
    assert ionos.value(frankfurt, m("location")) == URIRef(f"{CATALOG}ionos-cloud/location/de-fra")
    delivery = ionos.value(frankfurt, m("delivery"))
    assert ionos.value(delivery, m("terraformResourceType")) == Literal("ionoscloud_dbaas_mariadb_cluster")


def test_share_alike_licence(manifests):
    for stem in ("hetzner-cloud", "ovhcloud", "upcloud", "cloud-and-heat"):
        manifest = URIRef(f"{CATALOG}{stem}/manifest")
        assert manifests[stem].value(manifest, DCTERMS.license) == CC_BY_SA, stem
        assert "Spare Cores" in str(manifests[stem].value(manifest, DCTERMS.rights)) or stem == "cloud-and-heat"
    scaleway = URIRef(f"{CATALOG}scaleway/manifest")
    assert manifests["scaleway"].value(scaleway, DCTERMS.license) is None


def test_rerun_gives_identical_files(rerun, manifests):
    output, _ = rerun
    written = sorted(output.glob("*.ttl"))

    assert [path.stem for path in written] == EXPECTED
    for path in written:
        committed = DEFAULT_OUTPUT / path.name
        assert isomorphic(Graph().parse(path, format="turtle"), manifests[path.stem]), path.name
        assert path.read_bytes() == committed.read_bytes(), path.name


def test_skipped_rows_are_logged(rerun):
    _, messages = rerun

    assert any("TÜV Rheinland TOM audit" in text and "skipped" in text for text in messages)
    assert any("provider 'Exoscale'" in text for text in messages)
    assert any("provider 'SysEleven'" in text for text in messages)


def test_not_certified_row_gives_no_claim(tmp_path, caplog):
    source = tmp_path / "providers"
    shutil.copytree(DEFAULT_SOURCE, source)
    with (source / "certification_claims.csv").open("a", encoding="utf-8") as stream:
        stream.write("Seeweb,1 region,SCS-compatible IaaS (voluntary listing),not certified,test,x.json,\n")

    with caplog.at_level(logging.WARNING, logger="mpli_graph.importers"):
        import_providers(source, tmp_path / "out")

    graph = Graph().parse(tmp_path / "out" / "seeweb.ttl", format="turtle")
    assert not list(graph.subjects(RDF.type, m("Certification")))
    assert any("is listed as not certified" in record.getMessage() for record in caplog.records)


def test_manifests_conform_to_shapes(manifests):
    try:
        from mpli_graph.manifest.validate import validate
    except ImportError as error:
        pytest.fail(f"mpli_graph.manifest.validate is not available yet: {error}")

    for stem, graph in manifests.items():
        report = validate(graph)
        violations = [result for result in report.results if "Violation" in str(result.severity)]
        assert report.conforms, f"{stem}: {violations[:3]}"


def test_missing_source_folder(tmp_path):
    with pytest.raises(InputError, match="source folder not found"):
        import_providers(tmp_path / "missing", tmp_path / "out")


def test_missing_column(tmp_path):
    source = tmp_path / "providers"
    shutil.copytree(DEFAULT_SOURCE, source)
    drop_column(source / "offerings_normalized.csv", "vcpus")

    with pytest.raises(InputError, match="missing column.*vcpus"):
        import_providers(source, tmp_path / "out")


def test_invalid_number(tmp_path):
    source = tmp_path / "providers"
    shutil.copytree(DEFAULT_SOURCE, source)
    path = source / "offerings_normalized.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",2,4.0,", ",two,4.0,", 1)
    path.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(InputError, match="line 2: column 'vcpus' has 'two'"):
        import_providers(source, tmp_path / "out")


def test_command_exit_codes(tmp_path, capsys):
    assert main(["import", "providers", "--source", str(tmp_path / "missing")]) == 2
    error = capsys.readouterr().err
    assert "error: source folder not found" in error
    assert "Traceback" not in error

    source = tmp_path / "providers"
    shutil.copytree(DEFAULT_SOURCE, source)
    drop_column(source / "certification_claims.csv", "claim_status")
    assert main(["import", "providers", "--source", str(source), "--output", str(tmp_path / "x")]) == 2
    error = capsys.readouterr().err
    assert "missing column(s) claim_status" in error
    assert "Traceback" not in error


def drop_column(path: Path, column: str) -> None:
    """Rewrite a CSV file without one column."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    fields = [name for name in rows[0] if name != column]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
