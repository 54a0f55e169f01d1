"""Tests of the GPU model table and GPU counts of ``mpli import providers``."""

from __future__ import annotations

import csv
import logging
import re
import shutil
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from mpli_graph.errors import InputError
from mpli_graph.importers import DEFAULT_OUTPUT, DEFAULT_SOURCE, import_providers
from mpli_graph.importers.gpus import GPU_MODELS, GpuSpec, parse_gpu

MPLI = "https://w3id.org/mpli#"
CATALOG = "https://w3id.org/mpli/catalog/"
GPU_MODEL = URIRef(MPLI + "gpuModel")
GPU_COUNT = URIRef(MPLI + "gpuCount")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("H100", GpuSpec("H100", None)),
        ("1 x H100 PCIe", GpuSpec("H100 PCIe", 1)),
        ("8 x H100 NVL", GpuSpec("H100 NVL", 8)),
        ("8 x NVIDIA A100 80 GB", GpuSpec("A100-80GB", 8)),
        ("A100-80GB", GpuSpec("A100-80GB", None)),
        ("A100", GpuSpec("A100", None)),
        ("2 x NVIDIA-A40", GpuSpec("A40", 2)),
        ("1 x NVIDIA-A40-16Q", GpuSpec("A40-16Q", 1)),
        ("6 x L4", GpuSpec("L4", 6)),
        ("V100-32GB", GpuSpec("V100-32GB", None)),
        ("4 x V100", GpuSpec("V100", 4)),
        ("V100S", GpuSpec("V100S", None)),
        ("RTXA6000", GpuSpec("RTX A6000", None)),
        ("GeForce GTX 1080 Ti", GpuSpec("GeForce GTX 1080 Ti", None)),
        ("  2  x  t4 ", GpuSpec("T4", 2)),
        ("2×T4", GpuSpec("T4", 2)),
        ("4X L40S", GpuSpec("L40S", 4)),
    ],
)
def test_parse_gpu_cases(text, expected):
    assert parse_gpu(text) == expected


def test_parse_gpu_keeps_variants_apart():
    names = {parse_gpu(text).model for text in ("H100", "H100 PCIe", "H100 NVL", "H200")}
    assert names == {"H100", "H100 PCIe", "H100 NVL", "H200"}

    names = {parse_gpu(text).model for text in ("A100", "A100-80GB", "A10", "A40", "A40-8Q")}
    assert len(names) == 5


def test_parse_gpu_unknown_spelling_warns(caplog):
    with caplog.at_level(logging.WARNING, logger="mpli_graph.importers.gpus"):
        spec = parse_gpu("4 x NVIDIA Example GPU 9000")

    assert spec == GpuSpec("Example GPU 9000", 4)
    assert any("'4 x NVIDIA Example GPU 9000' is not in the GPU model table" in r.getMessage() for r in caplog.records)


def test_gpu_models_table_values_are_names():
    for spelling, name in GPU_MODELS.items():
        assert not re.match(r"\d+\s*x\s", name), spelling
        assert not name.upper().startswith("NVIDIA"), spelling
        assert GPU_MODELS.get(name) == name, f"{name} is a model name but not a table key"


# The committed manifests, checked against the CSV read with the standard library.


def csv_gpu_rows() -> dict[int, dict[str, str]]:
    with (DEFAULT_SOURCE / "offerings_normalized.csv").open(encoding="utf-8", newline="") as stream:
        rows = enumerate(csv.DictReader(stream), start=2)
        return {line: row for line, row in rows if row["gpu_model"]}


@pytest.fixture(scope="module")
def gpu_offerings() -> dict[int, tuple[Graph, URIRef]]:
    """Return each GPU offering of the committed manifests by its CSV line, with its graph."""
    found = {}
    for path in sorted(DEFAULT_OUTPUT.glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for node in set(graph.subjects(GPU_MODEL, None)):
            source = str(graph.value(node, URIRef("http://purl.org/dc/terms/source")))
            assert source.startswith("offerings_normalized.csv row "), node
            found[int(source.split()[2])] = (graph, node)
    return found


def test_every_gpu_row_has_model_and_count(gpu_offerings):
    rows = csv_gpu_rows()

    assert set(gpu_offerings) == set(rows)
    for line, row in rows.items():
        graph, node = gpu_offerings[line]
        match = re.fullmatch(r"(\d+) x (.+)", row["gpu_model"])
        expected = int(match[1]) if match else int(row["gpu_count"])
        assert graph.value(node, GPU_COUNT).toPython() == Decimal(expected), line


def test_gpu_model_has_no_count_or_vendor(gpu_offerings):
    for line, (graph, node) in gpu_offerings.items():
        model = str(graph.value(node, GPU_MODEL))
        assert " x " not in model, line
        assert "NVIDIA" not in model.upper(), line
        assert model in GPU_MODELS.values(), line


def test_otc_a100_offering(gpu_offerings):
    graph, node = next(
        (graph, node)
        for graph, node in gpu_offerings.values()
        if str(node) == CATALOG + "open-telekom-cloud/offering/p3.16xlarge.8"
    )

    assert graph.value(node, GPU_MODEL) == Literal("A100-80GB")
    assert graph.value(node, GPU_COUNT).toPython() == Decimal(8)
    assert graph.value(node, RDFS.comment) == Literal("GPU as the source writes it: 8 x NVIDIA A100 80 GB")


def test_source_spelling_kept_in_comment(gpu_offerings):
    for line, (graph, node) in gpu_offerings.items():
        text = csv_gpu_rows()[line]["gpu_model"]
        comments = {str(comment) for comment in graph.objects(node, RDFS.comment)}
        if str(graph.value(node, GPU_MODEL)) == text:
            assert not any(c.startswith("GPU as the source writes it") for c in comments), line
        else:
            assert f"GPU as the source writes it: {text}" in comments, line


# The converter on changed copies of the source folder.


def rewrite_offering_row(path, offering_id: str, column: str, value: str) -> None:
    """Set one column of the row of ``offering_id`` in a copy of offerings_normalized.csv."""
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        fields = reader.fieldnames
        rows = list(reader)
    changed = [row for row in rows if row["offering_id"] == offering_id]
    assert len(changed) == 1, offering_id
    changed[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_count_mismatch_is_input_error(tmp_path):
    source = tmp_path / "providers"
    shutil.copytree(DEFAULT_SOURCE, source)
    rewrite_offering_row(source / "offerings_normalized.csv", "p5s.20xlarge.12", "gpu_count", "2")

    with pytest.raises(InputError, match=r"gpu_model '4 x H100 PCIe' names 4 GPU\(s\) but gpu_count is 2"):
        import_providers(source, tmp_path / "out")


def test_matching_count_column_accepted(tmp_path):
    source = tmp_path / "providers"
    shutil.copytree(DEFAULT_SOURCE, source)
    rewrite_offering_row(source / "offerings_normalized.csv", "p5s.20xlarge.12", "gpu_count", "4")

    import_providers(source, tmp_path / "out")

    graph = Graph().parse(tmp_path / "out" / "open-telekom-cloud.ttl", format="turtle")
    node = URIRef(CATALOG + "open-telekom-cloud/offering/p5s.20xlarge.12")
    assert graph.value(node, GPU_COUNT).toPython() == Decimal(4)
    assert graph.value(node, GPU_MODEL) == Literal("H100 PCIe")
