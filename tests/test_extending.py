"""Follow docs/extending.md on a copy of the ontology and shapes, then run the ontology checks on it.

Every code block of the guide whose first line is ``# File: PATH`` or
``# Append to: PATH`` is applied to the copy, so these tests fail when the
guide stops describing a working extension.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from mpli_graph.resources import ONTOLOGY_DIR, PROJECT_ROOT, SHAPES_DIR
from mpli_graph.vocabulary import MPLI, canonical_unit, convert_value, defined_terms, load_vocabulary, parse_turtle
from mpli_graph.vocabulary_checks import check_module_header, check_module_terms, check_vocabulary

GUIDE = PROJECT_ROOT / "docs" / "extending.md"
BLOCK = re.compile(r"```turtle\n# (File|Append to): (\S+)\n(.*?)```", re.DOTALL)
UNIT = Namespace("http://qudt.org/vocab/unit/")
MAPI = Namespace("https://w3id.org/mpli/api/")
EXAMPLE_OFFERING = URIRef("https://example.com/mpli/offering/queue-small")
HAS_VALIDATE = importlib.util.find_spec("mpli_graph.manifest.validate") is not None


@dataclass(frozen=True)
class Step:
    """One code block of the guide: create or append to a file."""

    action: str
    path: str
    text: str


@dataclass(frozen=True)
class Extended:
    """The copied project folders after the guide's steps were applied."""

    root: Path
    ontology: Path
    shapes: Path
    example: Path


def guide_steps() -> list[Step]:
    """Return the guide's file steps in the order they appear."""
    return [Step(action, path, text) for action, path, text in BLOCK.findall(GUIDE.read_text(encoding="utf-8"))]


def apply_steps(root: Path, steps: list[Step]) -> None:
    """Create or extend the files that ``steps`` name, relative to ``root``."""
    for step in steps:
        target = root / step.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if step.action == "File":
            target.write_text(step.text, encoding="utf-8")
        else:
            with open(target, "a", encoding="utf-8") as stream:
                stream.write("\n" + step.text)


@pytest.fixture()
def extended(tmp_path) -> Extended:
    shutil.copytree(ONTOLOGY_DIR, tmp_path / "ontology")
    shutil.copytree(SHAPES_DIR, tmp_path / "shapes")
    apply_steps(tmp_path, guide_steps())
    return Extended(
        tmp_path,
        tmp_path / "ontology",
        tmp_path / "shapes",
        tmp_path / "examples" / "message-queue-example.ttl",
    )


def vocabulary_files(ontology: Path) -> list[Path]:
    return sorted(ontology.glob("*.ttl")) + sorted((ontology / "vocab").glob("*.ttl"))


def test_guide_has_all_steps():
    paths = {(step.action, step.path) for step in guide_steps()}

    assert paths == {
        ("File", "ontology/message-queue.ttl"),
        ("Append to", "ontology/vocab/api-families.ttl"),
        ("File", "shapes/message-queue.ttl"),
        ("File", "examples/message-queue-example.ttl"),
    }


def test_extension_passes_ontology_checks(extended):
    usage = sorted(extended.shapes.glob("*.ttl")) + [extended.example]

    assert check_vocabulary(extended.ontology, usage) == []


def test_new_module_header_and_terms(extended):
    module = extended.ontology / "message-queue.ttl"
    graph = parse_turtle(module)

    assert check_module_header(module, graph) == []
    assert check_module_terms(module, graph) == []
    assert defined_terms(graph) == {MPLI.MessageQueueOffering, MPLI.maximumMessageSize}


def test_new_terms_join_the_vocabulary(extended):
    vocabulary = load_vocabulary(
        [extended.ontology / "message-queue.ttl", extended.ontology / "vocab" / "api-families.ttl"]
    )

    assert (MPLI.MessageQueueOffering, RDFS.subClassOf, MPLI.Offering) in vocabulary
    assert (MPLI.maximumMessageSize, RDF.type, MPLI.QuantityProperty) in vocabulary
    assert canonical_unit(vocabulary, MPLI.maximumMessageSize) == UNIT.KibiBYTE
    assert (MAPI.amqp, SKOS.inScheme, URIRef("https://w3id.org/mpli/api")) in vocabulary
    assert convert_value(vocabulary, Decimal(1), UNIT.MebiBYTE, UNIT.KibiBYTE) == Decimal(1024)


def test_checks_catch_broken_extension(extended):
    module = extended.ontology / "message-queue.ttl"
    text = module.read_text(encoding="utf-8")
    text = text.replace("mpli:canonicalUnit unit:KibiBYTE ;", "mpli:canonicalUnit unit:KibiBYTES ;")
    text = text.replace('    skos:definition "The largest message', '    rdfs:comment "The largest message')
    module.write_text(text, encoding="utf-8")

    problems = check_vocabulary(extended.ontology, [extended.example])

    assert any("mpli:maximumMessageSize has no English skos:definition" in p for p in problems)
    assert any("KibiBYTES has no qudt:conversionMultiplier" in p for p in problems)


def test_checks_catch_undefined_term_in_shapes(extended):
    shapes = extended.shapes / "message-queue.ttl"
    shapes.write_text(
        shapes.read_text(encoding="utf-8").replace("sh:path mpli:maximumMessageSize", "sh:path mpli:maxMessageSize"),
        encoding="utf-8",
    )

    problems = check_vocabulary(extended.ontology, sorted(extended.shapes.glob("*.ttl")))

    assert any("message-queue.ttl: uses mpli:maxMessageSize" in p for p in problems)


def test_new_shape_is_well_formed(extended):
    shapes = parse_turtle(extended.shapes / "message-queue.ttl")
    property_shapes = list(shapes.objects(None, SH.property))

    assert len(property_shapes) == 2
    for shape in property_shapes:
        assert shapes.value(shape, SH.name) is not None
        assert shapes.value(shape, SH.description) is not None
        assert shapes.value(shape, SH.message) is not None
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning)
    assert (None, SH.closed, Literal(True)) not in shapes


@pytest.mark.skipif(not HAS_VALIDATE, reason="mpli_graph.manifest.validate is not available")
class TestValidateWithNewShapes:
    """Validate manifests that use the new class with the copied and extended shapes."""

    def validate(self, extended: Extended, text: str, shape_paths: list[Path] | None = None):
        from mpli_graph.manifest.validate import validate
        from rdflib import Graph

        data = Graph().parse(data=text, format="turtle")
        return validate(
            data,
            shape_paths=shape_paths or sorted(extended.shapes.glob("*.ttl")),
            ontology_paths=vocabulary_files(extended.ontology),
        )

    def test_example_manifest_conforms(self, extended):
        report = self.validate(extended, extended.example.read_text(encoding="utf-8"))

        assert report.conforms, [r.message for r in report.results]
        assert report.violations == []

    def test_negative_message_size_violates(self, extended):
        text = extended.example.read_text(encoding="utf-8").replace(
            "mpli:maximumMessageSize 256.0", "mpli:maximumMessageSize -1.0"
        )

        report = self.validate(extended, text)

        assert not report.conforms
        messages = [r.message for r in report.violations]
        assert any("mpli:maximumMessageSize must be one non-negative decimal" in m for m in messages)
        assert all(r.focus_node == EXAMPLE_OFFERING for r in report.violations)

    def test_missing_protocol_warns(self, extended):
        text = extended.example.read_text(encoding="utf-8").replace(
            "    mpli:maximumMessageSize 256.0 ;\n    mpli:apiCompatibility mapi:amqp .", "    mpli:maximumMessageSize 256.0 ."
        )

        report = self.validate(extended, text)

        assert report.conforms
        assert any("names no mpli:apiCompatibility" in r.message for r in report.warnings)

    def test_original_shapes_ignore_new_class(self, extended):
        text = extended.example.read_text(encoding="utf-8").replace(
            "mpli:maximumMessageSize 256.0", "mpli:maximumMessageSize -1.0"
        )
        original_shapes = [p for p in sorted(extended.shapes.glob("*.ttl")) if p.name != "message-queue.ttl"]

        report = self.validate(extended, text, original_shapes)

        assert report.conforms
