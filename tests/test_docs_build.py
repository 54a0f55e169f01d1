"""Tests of ``python -m mpli_graph.docs``: the pyLODE pages, the scheme pages, the index and failures."""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from mpli_graph.resources import ONTOLOGY_DIR, PROJECT_ROOT, VOCAB_DIR
from mpli_graph.vocabulary import defined_terms, parse_turtle

MODULES = sorted(ONTOLOGY_DIR.glob("*.ttl"))


def run_docs(*args: str) -> subprocess.CompletedProcess:
    """Run the docs command in a fresh interpreter, as ``make docs`` does."""
    return subprocess.run(
        [sys.executable, "-m", "mpli_graph.docs", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("docs")
    result = run_docs(str(output))
    assert result.returncode == 0, result.stderr
    return output


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.stem)
def test_module_page_written(built_docs, module):
    page = built_docs / f"{module.stem}.html"
    graph = parse_turtle(module)
    ontology = next(graph.subjects(RDF.type, OWL.Ontology))
    text = page.read_text(encoding="utf-8")

    assert f"<title>{html.escape(str(graph.value(ontology, DCTERMS.title)))}</title>" in text
    labels = sorted(str(graph.value(term, RDFS.label)) for term in defined_terms(graph))
    for label in labels[:5]:
        assert html.escape(label) in text, (module.name, label)


def test_alignment_page_lists_mappings(built_docs):
    text = (built_docs / "alignment.html").read_text(encoding="utf-8")

    assert "Close match: https://w3id.org/gaia-x/development#LegalPerson" in text
    assert "https://w3id.org/mpli#Provider" in text


def test_quantity_property_page_shows_unit(built_docs):
    text = (built_docs / "compute.html").read_text(encoding="utf-8")

    assert "canonical unit http://qudt.org/vocab/unit/GibiBYTE" in text


def test_term_links_point_to_local_pages(built_docs):
    text = (built_docs / "compute.html").read_text(encoding="utf-8")

    assert 'href="core.html"' in text
    assert 'href="https://w3id.org/mpli#' not in text


def test_scheme_pages_list_concepts(built_docs):
    text = (built_docs / "vocab-certification-schemes.html").read_text(encoding="utf-8")

    assert "https://w3id.org/mpli/certification-scheme/bsi-c5-type-2" in text
    assert "broader: https://w3id.org/mpli/certification-scheme/bsi-c5" in text
    assert "(27 members)" in (built_docs / "vocab-countries.html").read_text(encoding="utf-8")


def test_index_links_every_page(built_docs):
    index = (built_docs / "index.html").read_text(encoding="utf-8")
    pages = sorted(p.name for p in built_docs.glob("*.html") if p.name != "index.html")

    assert len(pages) == len(MODULES) + len(list(VOCAB_DIR.glob("*.ttl"))) - 1
    for name in pages:
        assert f'href="{name}"' in index
    assert "http://qudt.org/vocab/unit/GibiBYTE" in index


def test_failed_page_exits_nonzero(tmp_path):
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, ontology)
    untitled = ontology / "alignment.ttl"
    untitled.write_text(
        untitled.read_text(encoding="utf-8").replace('dcterms:title "MPLI alignment"@en ;', ""), encoding="utf-8"
    )

    result = run_docs(str(tmp_path / "out"), "--ontology-dir", str(ontology))

    assert result.returncode == 1
    assert "alignment.ttl" in result.stderr
    assert "pyLODE failed to build alignment.html" in result.stderr
    assert "Traceback" not in result.stderr


def test_syntax_error_exits_two(tmp_path):
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, ontology)
    (ontology / "aaa.ttl").write_text("@prefix mpli: <https://w3id.org/mpli#> .\nmpli:a mpli:b .\nmpli:c\n", encoding="utf-8")

    result = run_docs(str(tmp_path / "out"), "--ontology-dir", str(ontology))

    assert result.returncode == 2
    assert "aaa.ttl: invalid RDF" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_ontology_folder_exits_nonzero(tmp_path):
    result = run_docs(str(tmp_path / "out"), "--ontology-dir", str(tmp_path / "nowhere"))

    assert result.returncode == 1
    assert "no ontology modules" in result.stderr


def test_missing_argument_is_usage_error():
    result = run_docs()

    assert result.returncode == 2
    assert "usage:" in result.stderr
