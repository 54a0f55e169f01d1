"""``mpli resolve``: the JSON contract, table and Turtle output, exit codes, bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib

from mpli_graph.cli import main

PREFIXES = """
@prefix mpli: <https://w3id.org/mpli#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix currency: <http://publications.europa.eu/resource/authority/currency/> .
@prefix mgroup: <https://w3id.org/mpli/country-group/> .
@prefix mcert: <https://w3id.org/mpli/certification-scheme/> .
@prefix mstatus: <https://w3id.org/mpli/claim-status/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def provider(name: str, country: str, offerings: dict[str, tuple[str, str, str]]) -> str:
    """Return a made-up provider manifest; ``offerings`` maps an id to (vCPU, GiB, EUR per hour)."""
    described = ", ".join(f"ex:{key}" for key in offerings)
    text = PREFIXES + f"""
@prefix ex: <https://example.org/{name}/> .
ex:manifest a mpli:ProviderManifest ;
    rdfs:label "{name} manifest (example)" ;
    dcterms:modified "2026-12-04"^^xsd:date ;
    dcterms:publisher ex:provider ;
    mpli:describes ex:provider, {described} .
ex:provider a mpli:Provider ;
    rdfs:label "{name.title()} Cloud (example)" ;
    mpli:headquarterCountry country:{country} ;
    mpli:operatesLocation ex:region .
ex:region a mpli:Region ; rdfs:label "{name} region (example)" ; mpli:locationCode "r1" ; mpli:country country:{country} .
"""
    for key, (vcpu, memory, price) in offerings.items():
        text += f"""
ex:{key} a mpli:ComputeOffering ; rdfs:label "{name} {key}" ; dcterms:source "made-up example" ;
    mpli:offeredBy ex:provider ; mpli:offeringId "{key}" ;
    mpli:vcpuCount {vcpu} ; mpli:memorySize {memory} ; mpli:location ex:region ;
    mpli:price ex:{key}-price .
ex:{key}-price a mpli:PriceSpecification ; mpli:amount {price} ; mpli:currency currency:EUR ; mpli:priceUnit mpli:PerHour .
"""
    return text


CONSUMER = PREFIXES + """
@prefix ex: <https://example.org/consumer/> .
ex:manifest a mpli:ConsumerManifest ;
    rdfs:label "CLI test consumer (example)" ;
    dcterms:modified "2026-12-04"^^xsd:date ;
    mpli:requirement ex:vcpu, ex:eu .
ex:vcpu a mpli:MinimumRequirement ; rdfs:label "vCPU" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:vcpuCount ; mpli:value VCPU ; mpli:unit unit:NUM .
ex:eu a mpli:SetRequirement ; rdfs:label "in the EU" ; mpli:strength mpli:Must ;
    mpli:onProperty mpli:country ; mpli:allowedValue mgroup:EU .
"""


@pytest.fixture
def providers(tmp_path: Path) -> Path:
    folder = tmp_path / "providers"
    folder.mkdir()
    (folder / "alpha.ttl").write_text(
        provider("alpha", "DEU", {"small": ("2.0", "4.0", "0.05"), "large": ("8.0", "32.0", "0.2")}), encoding="utf-8"
    )
    (folder / "beta.ttl").write_text(provider("beta", "CHE", {"medium": ("4.0", "16.0", "0.1")}), encoding="utf-8")
    return folder


def write_consumer(tmp_path: Path, vcpu: str = "4.0", text: str | None = None) -> Path:
    path = tmp_path / "consumer.ttl"
    path.write_text(text if text is not None else CONSUMER.replace("VCPU", vcpu), encoding="utf-8")
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["resolve", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_contract_and_exit_zero(tmp_path, providers, capsys):
    code, out, _ = run(capsys, str(write_consumer(tmp_path)), "--providers", str(providers), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert list(document)[:2] == ["consumer", "results"]
    assert document["consumer"] == "https://example.org/consumer/manifest"
    first = document["results"][0]
    assert list(first)[:6] == ["offering", "provider", "rank", "compatible", "score", "requirements"]
    assert first["offering"] == "https://example.org/alpha/large"
    assert first["provider"] == "https://example.org/alpha/provider"
    assert (first["rank"], first["compatible"], first["score"]) == (1, True, 1.0)
    assert [list(r)[:6] for r in first["requirements"]] == [
        ["requirement", "kind", "strength", "verdict", "expected", "actual"]
    ] * 2
    assert {r["offering"]: r["compatible"] for r in document["results"]} == {
        "https://example.org/alpha/large": True,
        "https://example.org/alpha/small": False,
        "https://example.org/beta/medium": False,
    }


def test_no_compatible_offering_exit_one(tmp_path, providers, capsys):
    code, out, _ = run(capsys, str(write_consumer(tmp_path, vcpu="64.0")), "--providers", str(providers))
    assert code == 1
    assert "No offering satisfies every must requirement." in out


def test_table_shows_ranking_and_reasons(tmp_path, providers, capsys):
    code, out, _ = run(capsys, str(write_consumer(tmp_path)), "--providers", str(providers))
    assert code == 0
    assert "Best compatible offerings (top 1 of 1):" in out
    assert "rank  offering" in out
    assert "Alpha Cloud (example)" in out
    assert "0.2 EUR" in out
    assert "NO must vCPU: expected ≥ 4, found 2" in out
    assert "NO must in the EU: expected in mgroup:EU, found country:CHE" in out


def test_turtle_output_parses(tmp_path, providers, capsys):
    code, out, _ = run(capsys, str(write_consumer(tmp_path)), "--providers", str(providers), "--format", "turtle")
    assert code == 0
    graph = rdflib.Graph().parse(data=out, format="turtle")
    mpli = rdflib.Namespace("https://w3id.org/mpli#")
    assert len(list(graph.subjects(rdflib.RDF.type, mpli.Match))) == 3
    assert (None, mpli.verdictValue, mpli.Violated) in graph


def test_top_limits_json(tmp_path, providers, capsys):
    code, out, _ = run(
        capsys, str(write_consumer(tmp_path)), "--providers", str(providers), "--format", "json", "--top", "1"
    )
    assert code == 0
    assert len(json.loads(out)["results"]) == 1


def test_single_provider_file(tmp_path, providers, capsys):
    code, out, _ = run(
        capsys, str(write_consumer(tmp_path)), "--providers", str(providers / "beta.ttl"), "--format", "json"
    )
    assert code == 1
    assert [r["offering"] for r in json.loads(out)["results"]] == ["https://example.org/beta/medium"]


def test_consumer_syntax_error_exit_two(tmp_path, providers, capsys):
    path = write_consumer(tmp_path, text=PREFIXES + "<https://example.org/a> a mpli:ConsumerManifest ;\n  mpli:requirement .\n")
    code, _, err = run(capsys, str(path), "--providers", str(providers))
    assert code == 2
    assert "consumer.ttl" in err
    assert "line 13" in err
    assert "column" in err


def test_consumer_not_conforming_exit_two(tmp_path, providers, capsys):
    code, _, err = run(capsys, str(write_consumer(tmp_path, vcpu="-4.0")), "--providers", str(providers))
    assert code == 2
    assert "does not conform" in err
    assert "https://example.org/consumer/vcpu" in err


def test_missing_consumer_file_exit_two(tmp_path, providers, capsys):
    code, _, err = run(capsys, str(tmp_path / "absent.ttl"), "--providers", str(providers))
    assert code == 2
    assert "not found" in err


def test_unknown_property_exit_two(tmp_path, providers, capsys):
    path = write_consumer(tmp_path, text=CONSUMER.replace("VCPU", "4.0").replace("mpli:vcpuCount", "mpli:cpuCores"))
    code, _, err = run(capsys, str(path), "--providers", str(providers))
    assert code == 2
    assert "https://w3id.org/mpli#cpuCores" in err


def test_duplicate_provider_iri_exit_two(tmp_path, providers, capsys):
    (providers / "alpha-copy.ttl").write_text((providers / "alpha.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(capsys, str(write_consumer(tmp_path)), "--providers", str(providers))
    assert code == 2
    assert "https://example.org/alpha/provider is already described by source" in err


def test_empty_providers_folder_exit_two(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, str(write_consumer(tmp_path)), "--providers", str(empty))
    assert code == 2
    assert "no provider manifest files found" in err


def test_missing_providers_path_exit_two(tmp_path, capsys):
    code, _, err = run(capsys, str(write_consumer(tmp_path)), "--providers", str(tmp_path / "nowhere"))
    assert code == 2
    assert "nowhere: file or folder not found" in err


BROKEN_PROVIDER = PREFIXES + """
@prefix ex: <https://example.org/gamma/> .
ex:provider a mpli:Provider .
ex:tiny a mpli:ComputeOffering ; mpli:vcpuCount "many" .
"""


def test_non_conforming_provider_skipped_with_warning(tmp_path, providers, capsys):
    (providers / "gamma.ttl").write_text(BROKEN_PROVIDER, encoding="utf-8")
    code, out, err = run(capsys, str(write_consumer(tmp_path)), "--providers", str(providers), "--format", "json")
    assert code == 0
    assert "warning: skipped" in err
    assert "gamma.ttl" in err
    assert all("gamma" not in r["offering"] for r in json.loads(out)["results"])


def test_non_conforming_provider_rejected_when_strict(tmp_path, providers, capsys):
    (providers / "gamma.ttl").write_text(BROKEN_PROVIDER, encoding="utf-8")
    code, out, err = run(capsys, str(write_consumer(tmp_path)), "--providers", str(providers), "--strict")
    assert code == 2
    assert "gamma.ttl" in err
    assert "--strict" in err
    assert out == ""


def test_only_broken_providers_exit_two(tmp_path, capsys):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "gamma.ttl").write_text(BROKEN_PROVIDER, encoding="utf-8")
    code, _, err = run(capsys, str(write_consumer(tmp_path)), "--providers", str(folder))
    assert code == 2
    assert "no provider manifest could be loaded" in err


def test_provider_syntax_error_exit_two(tmp_path, providers, capsys):
    (providers / "delta.ttl").write_text(PREFIXES + "<https://example.org/d> a \n", encoding="utf-8")
    code, _, err = run(capsys, str(write_consumer(tmp_path)), "--providers", str(providers))
    assert code == 2
    assert "delta.ttl" in err


def test_on_disk_store_reused(tmp_path, providers, capsys):
    store = tmp_path / "store"
    consumer = str(write_consumer(tmp_path))
    code, _, _ = run(capsys, consumer, "--providers", str(providers), "--store", str(store))
    assert code == 0

    code, out, _ = run(capsys, consumer, "--store", str(store), "--format", "json")
    assert code == 0
    assert len(json.loads(out)["results"]) == 3


def test_top_below_one_exit_two(tmp_path, providers, capsys):
    code, _, err = run(capsys, str(write_consumer(tmp_path)), "--providers", str(providers), "--top", "0")
    assert code == 2
    assert "--top must be at least 1" in err


def test_bundled_providers_by_default(capsys):
    consumer = Path(__file__).resolve().parent.parent / "examples" / "consumers" / "kubernetes-opentofu.ttl"
    code, out, _ = run(capsys, str(consumer), "--format", "json", "--top", "2")
    assert code == 0
    document = json.loads(out)
    assert document["results"][0]["offering"] == "https://w3id.org/mpli/catalog/scaleway/offering/fr-par/kapsule"
    assert document["compatible_count"] == 1


def test_demo_reports_providers_and_consumers(capsys):
    code = main(["demo", "--top", "2", "--near-misses", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "scaleway.ttl" in out
    assert re.search(r"\d+ offerings from \d+ providers", out)
    for name in ("german-public-sector", "health-data-france", "gpu-training-eu", "scs-4v-16", "startup-small",
                 "kubernetes-opentofu"):
        assert f"{name}.ttl  (resolved in" in out
    assert "Demo finished in" in out


def test_json_ld_provider_file(tmp_path, providers, capsys):
    graph = rdflib.Graph().parse(data=(providers / "beta.ttl").read_text(encoding="utf-8"), format="turtle")
    (providers / "beta.ttl").unlink()
    (providers / "beta.jsonld").write_text(graph.serialize(format="json-ld"), encoding="utf-8")

    code, out, _ = run(capsys, str(write_consumer(tmp_path)), "--providers", str(providers), "--format", "json")
    assert code == 0
    offerings = {r["offering"] for r in json.loads(out)["results"]}
    assert "https://example.org/beta/medium" in offerings
