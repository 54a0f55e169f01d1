"""The manifest store: sources in named graphs, metadata, atomic replacement, on-disk stores."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from mpli_graph.errors import ConflictError, NotFoundError, QuerySyntaxError, RdfSyntaxError, UnsupportedFormatError
from mpli_graph.store import METADATA_GRAPH, VOCABULARY_GRAPH, ManifestStore, ValidationSummary

TURTLE = ox.RdfFormat.TURTLE
SOURCE = "https://example.org/source/a"


def provider_document(name: str, offerings: int, marker: str) -> str:
    lines = [
        "@prefix mpli: <https://w3id.org/mpli#> .",
        "@prefix ex: <https://example.org/> .",
        f"ex:{name} a mpli:Provider .",
    ]
    lines += [f'ex:{name}-{i} mpli:offeredBy ex:{name} ; ex:marker "{marker}" .' for i in range(offerings)]
    return "\n".join(lines)


@pytest.fixture
def store() -> ManifestStore:
    return ManifestStore()


def count(store: ManifestStore, source: str) -> int:
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{source}> {{ ?s ?p ?o }} }}", union=False)
    return int(rows[0]["n"].value)


def test_vocabulary_loaded_into_own_graph(store):
    assert store.vocabulary_defines("https://w3id.org/mpli#memorySize")
    assert store.pyoxigraph_store.contains_named_graph(ox.NamedNode(VOCABULARY_GRAPH))
    assert not store.vocabulary_defines("https://w3id.org/mpli#noSuchTerm")


def test_load_source_records_metadata(store):
    document = provider_document("alpha", 3, "one")
    record = store.load_source(
        SOURCE,
        document,
        format=TURTLE,
        origin="https://example.org/alpha.ttl",
        validation=ValidationSummary(conforms=True, violations=0, warnings=2),
    )
    assert record.iri == SOURCE
    assert record.origin == "https://example.org/alpha.ttl"
    assert record.triple_count == 7
    assert record.content_hash == "sha256-" + hashlib.sha256(document.encode()).hexdigest()
    assert record.etag == f'"{record.content_hash}"'
    assert record.validation == ValidationSummary(True, 0, 2)
    assert record.loaded_at.endswith("Z") or "+00:00" in record.loaded_at
    assert count(store, SOURCE) == 7


def test_metadata_graph_uses_prov(store):
    store.load_source(SOURCE, provider_document("alpha", 1, "one"), format=TURTLE, origin="https://example.org/a.ttl")
    assert store.ask(
        f"""PREFIX prov: <http://www.w3.org/ns/prov#>
        ASK {{ GRAPH <{METADATA_GRAPH}> {{ <{SOURCE}> prov:generatedAtTime ?t ;
            prov:wasDerivedFrom <https://example.org/a.ttl> }} }}""",
        union=False,
    )


def test_load_from_path_records_file_iri(store, tmp_path):
    path = tmp_path / "alpha.ttl"
    path.write_text(provider_document("alpha", 2, "one"), encoding="utf-8")
    record = store.load_source(path.as_uri(), path)
    assert record.origin == path.resolve().as_uri()
    assert record.triple_count == 5


def test_sources_listed_in_order(store):
    store.load_source("https://example.org/source/b", provider_document("beta", 1, "x"), format=TURTLE)
    store.load_source("https://example.org/source/a", provider_document("alpha", 1, "x"), format=TURTLE)
    assert [r.iri for r in store.sources()] == ["https://example.org/source/a", "https://example.org/source/b"]
    assert store.source("https://example.org/source/c") is None


def test_query_runs_over_union(store):
    store.load_source("https://example.org/source/a", provider_document("alpha", 2, "x"), format=TURTLE)
    store.load_source("https://example.org/source/b", provider_document("beta", 3, "x"), format=TURTLE)
    rows = store.select("SELECT (COUNT(?o) AS ?n) WHERE { ?o <https://w3id.org/mpli#offeredBy> ?p }")
    assert rows[0]["n"].value == "5"
    assert store.construct("CONSTRUCT { ?p a ?t } WHERE { ?p a <https://w3id.org/mpli#Provider> . ?p a ?t }")


def test_replace_swaps_graph_and_metadata(store):
    store.load_source(SOURCE, provider_document("alpha", 3, "old"), format=TURTLE)
    first = store.source(SOURCE)
    record = store.replace_source(SOURCE, provider_document("alpha", 1, "new"), format=TURTLE)
    assert count(store, SOURCE) == 3
    assert record.content_hash != first.content_hash
    assert not store.ask('ASK { ?s <https://example.org/marker> "old" }')
    metadata_rows = store.select(
        f"SELECT ?p ?o WHERE {{ GRAPH <{METADATA_GRAPH}> {{ <{SOURCE}> ?p ?o }} }}", union=False
    )
    assert len(metadata_rows) == 4


def test_replace_drops_old_validation_report(store):
    store.load_source(SOURCE, provider_document("alpha", 1, "old"), format=TURTLE, validation=ValidationSummary(False, 3, 0))
    store.replace_source(SOURCE, provider_document("alpha", 1, "new"), format=TURTLE, validation=ValidationSummary(True))
    reports = store.select(
        f"SELECT ?r WHERE {{ GRAPH <{METADATA_GRAPH}> {{ ?r a <http://www.w3.org/ns/shacl#ValidationReport> }} }}",
        union=False,
    )
    assert len(reports) == 1
    assert store.source(SOURCE).validation == ValidationSummary(True, 0, 0)


def test_replace_missing_source_not_found(store):
    with pytest.raises(NotFoundError, match="no source"):
        store.replace_source(SOURCE, provider_document("alpha", 1, "x"), format=TURTLE)


def test_remove_source(store):
    store.load_source(SOURCE, provider_document("alpha", 2, "x"), format=TURTLE)
    store.remove_source(SOURCE)
    assert store.sources() == []
    assert count(store, SOURCE) == 0
    with pytest.raises(NotFoundError):
        store.remove_source(SOURCE)


def test_export_source_round_trips(store):
    store.load_source(SOURCE, provider_document("alpha", 2, "x"), format=TURTLE)
    exported = store.export_source(SOURCE, ox.RdfFormat.N_TRIPLES)
    assert len(list(ox.parse(exported, format=ox.RdfFormat.N_TRIPLES))) == 5
    with pytest.raises(NotFoundError):
        store.export_source("https://example.org/source/none")


def test_duplicate_provider_across_sources_conflict(store):
    store.load_source("https://example.org/source/a", provider_document("alpha", 1, "x"), format=TURTLE)
    with pytest.raises(ConflictError, match="https://example.org/alpha is already described by source"):
        store.load_source("https://example.org/source/b", provider_document("alpha", 1, "y"), format=TURTLE)
    assert [r.iri for r in store.sources()] == ["https://example.org/source/a"]
    assert not store.pyoxigraph_store.contains_named_graph(ox.NamedNode("https://example.org/source/b"))


def test_same_provider_same_source_replaces(store):
    store.load_source(SOURCE, provider_document("alpha", 1, "x"), format=TURTLE)
    store.load_source(SOURCE, provider_document("alpha", 2, "y"), format=TURTLE)
    assert count(store, SOURCE) == 5


def test_syntax_error_keeps_line_and_column(store):
    document = "@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \n"
    with pytest.raises(RdfSyntaxError) as raised:
        store.load_source(SOURCE, document, format=TURTLE)
    assert raised.value.line == 4
    assert raised.value.column is not None
    assert store.sources() == []


def test_failed_load_keeps_previous_graph(store):
    store.load_source(SOURCE, provider_document("alpha", 2, "old"), format=TURTLE)
    with pytest.raises(RdfSyntaxError):
        store.load_source(SOURCE, "not turtle at all", format=TURTLE)
    assert count(store, SOURCE) == 5


def test_unknown_suffix_rejected(store, tmp_path):
    path = tmp_path / "manifest.yaml"
    path.write_text("a: b", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match=".yaml"):
        store.load_source(path.as_uri(), path)


def test_query_syntax_error_has_position(store):
    with pytest.raises(QuerySyntaxError) as raised:
        store.select("SELECT ?s WHERE { ?s ?p }")
    assert raised.value.line == 1
    assert raised.value.column == 26


def test_invalid_source_iri_rejected(store):
    with pytest.raises(Exception, match="invalid IRI"):
        store.load_source("https://example.org/a b", provider_document("alpha", 1, "x"), format=TURTLE)


def test_replace_is_atomic_for_readers(store):
    # The old graph has 3 offerings marked "old", the new one 40 marked "new": a reader must
    # never see a count or a mix of markers that belongs to neither.
    old = provider_document("alpha", 3, "old")
    new = provider_document("alpha", 40, "new")
    store.load_source(SOURCE, old, format=TURTLE)
    seen: set[tuple[int, tuple[str, ...]]] = set()
    stop = threading.Event()

    def read() -> None:
        query = (
            "SELECT (COUNT(?o) AS ?n) (GROUP_CONCAT(DISTINCT ?m) AS ?markers) WHERE "
            f"{{ GRAPH <{SOURCE}> {{ ?o <https://example.org/marker> ?m }} }}"
        )
        while not stop.is_set():
            row = store.select(query, union=False)[0]
            seen.add((int(row["n"].value), tuple(sorted(row["markers"].value.split()))))

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 5
    try:
        round_number = 0
        while round_number < 60 or (len(seen) < 2 and time.monotonic() < deadline):
            store.load_source(SOURCE, new if round_number % 2 == 0 else old, format=TURTLE)
            round_number += 1
    finally:
        stop.set()
        reader.join()

    assert seen <= {(3, ("old",)), (40, ("new",))}
    assert len(seen) == 2


def test_on_disk_store_persists(tmp_path):
    path = tmp_path / "store"
    store = ManifestStore(path)
    store.load_source(SOURCE, provider_document("alpha", 2, "x"), format=TURTLE)
    store.flush()
    del store

    reopened = ManifestStore(path)
    assert [r.iri for r in reopened.sources()] == [SOURCE]
    assert count(reopened, SOURCE) == 5
    assert reopened.vocabulary_defines("https://w3id.org/mpli#memorySize")


def test_read_only_store_beside_writer(tmp_path):
    path = tmp_path / "store"
    writer = ManifestStore(path)
    writer.load_source(SOURCE, provider_document("alpha", 2, "x"), format=TURTLE)
    writer.flush()

    reader = ManifestStore(path, read_only=True)
    assert [r.iri for r in reader.sources()] == [SOURCE]
    assert reader.vocabulary_defines("https://w3id.org/mpli#memorySize")
