"""Tests of the API compatibility that ``mpli import providers`` states on providers and offerings."""

from __future__ import annotations

import csv
import logging
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from mpli_graph.importers import DEFAULT_OUTPUT, DEFAULT_SOURCE, import_providers

MPLI = "https://w3id.org/mpli#"
CATALOG = "https://w3id.org/mpli/catalog/"
API_COMPATIBILITY = URIRef(MPLI + "apiCompatibility")
S3 = URIRef("https://w3id.org/mpli/api/s3")
PROPRIETARY_REST = URIRef("https://w3id.org/mpli/api/proprietary-rest")
OBJECT_STORAGE = URIRef(MPLI + "ObjectStorageOffering")

# Overview names -> manifest file stem, written out here independently of the importer.
OVERVIEW_PROVIDERS = {
    "Hetzner Cloud": "hetzner-cloud",
    "OVHcloud": "ovhcloud",
    "Scaleway": "scaleway",
    "UpCloud": "upcloud",
    "IONOS Cloud": "ionos-cloud",
    "Open Telekom Cloud (T-Systems)": "open-telekom-cloud",
    "Seeweb": "seeweb",
    "Nebius": "nebius",
    "Cloud&Heat Technologies": "cloud-and-heat",
}


def provider(stem: str) -> URIRef:
    return URIRef(f"{CATALOG}{stem}/provider")


def overview_rows(folder: Path = DEFAULT_SOURCE) -> list[dict[str, str]]:
    with (folder / "providers_overview.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def set_api_text(folder: Path, name: str, text: str) -> None:
    """Set the api_compatibility_evidenced value of one provider in a copy of the overview."""
    rows = overview_rows(folder)
    changed = [row for row in rows if row["provider"] == name]
    assert len(changed) == 1, name
    changed[0]["api_compatibility_evidenced"] = text
    with (folder / "providers_overview.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def import_copy(tmp_path: Path, name: str, text: str) -> Path:
    """Import a copy of the source folder in which one provider's API text is replaced."""
    source = tmp_path / "providers"
    shutil.copytree(DEFAULT_SOURCE, source)
    set_api_text(source, name, text)
    output = tmp_path / "out"
    import_providers(source, output)
    return output


@pytest.fixture(scope="module")
def manifests() -> dict[str, Graph]:
    return {
        stem: Graph().parse(DEFAULT_OUTPUT / f"{stem}.ttl", format="turtle")
        for stem in sorted(set(OVERVIEW_PROVIDERS.values()))
    }


def test_upcloud_provider_states_s3(manifests):
    graph = manifests["upcloud"]

    apis = set(graph.objects(provider("upcloud"), API_COMPATIBILITY))
    assert apis == {S3, PROPRIETARY_REST}
    sources = [str(s) for s in graph.objects(provider("upcloud"), DCTERMS.source)]
    evidence = [s for s in sources if s.startswith("S3 compatibility: ")]
    assert len(evidence) == 1
    assert "europe-1" in evidence[0]
    assert "providers_overview.csv row " in evidence[0]
    assert "S3-style managed object storage" in evidence[0]


def test_s3_only_where_overview_evidences_it(manifests):
    evidenced = {
        OVERVIEW_PROVIDERS[row["provider"]]
        for row in overview_rows()
        if row["provider"] in OVERVIEW_PROVIDERS
        and re.search(r"\bS3\b", row["api_compatibility_evidenced"], re.IGNORECASE)
        and "?" not in row["api_compatibility_evidenced"]
    }
    assert evidenced == {"upcloud"}

    stating = {stem for stem, graph in manifests.items() if (provider(stem), API_COMPATIBILITY, S3) in graph}
    assert stating == evidenced


def test_s3_provider_sells_s3_object_storage(manifests):
    for stem, graph in manifests.items():
        if (provider(stem), API_COMPATIBILITY, S3) not in graph:
            continue
        stores = [node for node in graph.subjects(RDF.type, OBJECT_STORAGE) if (node, API_COMPATIBILITY, S3) in graph]
        assert stores, stem


def test_s3_text_without_object_storage(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="mpli_graph.importers"):
        output = import_copy(tmp_path, "Seeweb", "S3-compatible object storage (example text)")

    graph = Graph().parse(output / "seeweb.ttl", format="turtle")
    assert (provider("seeweb"), API_COMPATIBILITY, S3) not in graph
    assert any("Seeweb: the overview names an S3 API" in r.getMessage() for r in caplog.records)


def test_s3_text_removed_removes_statements(tmp_path):
    output = import_copy(tmp_path, "UpCloud", "proprietary REST API")

    graph = Graph().parse(output / "upcloud.ttl", format="turtle")
    assert set(graph.objects(provider("upcloud"), API_COMPATIBILITY)) == {PROPRIETARY_REST}
    assert not list(graph.subjects(API_COMPATIBILITY, S3))
    assert list(graph.subjects(RDF.type, OBJECT_STORAGE))


def test_uncertain_s3_text_ignored(tmp_path):
    output = import_copy(tmp_path, "UpCloud", "proprietary REST API; S3?")

    graph = Graph().parse(output / "upcloud.ttl", format="turtle")
    assert not list(graph.subjects(API_COMPATIBILITY, S3))
