"""Validate a manifest graph against the SHACL shapes with pySHACL.

The ontology is passed to pySHACL as ``ont_graph``: pySHACL copies its class
and property axioms into a copy of the data graph, so ``sh:targetClass
mpli:Offering`` also reaches every ``mpli:ComputeOffering`` without running an
inference engine (``inference="none"``, see :data:`INFERENCE`).

A report conforms when it has no result of severity ``sh:Violation``; warnings
and infos are reported but do not make a manifest fail.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyshacl
import rdflib
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError
from rdflib.namespace import OWL, RDF, SH

from mpli_graph.errors import InputError
from mpli_graph.manifest.parse import parse_file
from mpli_graph.manifest.report import ValidationReport, ValidationResult, render_path
from mpli_graph.resources import SHAPES_DIR, ontology_files, shape_files

logger = logging.getLogger(__name__)

# pySHACL follows rdfs:subClassOf itself for sh:targetClass and sh:class, so RDFS
# inference adds no results (tests/test_shapes.py checks this) and only costs time:
# on the nine example provider manifests (37,609 triples, 2,733 offerings) on a
# 2-core machine that other jobs kept busy, validation took 8.0 s with "none" and
# 25.8 s with "rdfs" (median of three runs).
INFERENCE = "none"

SHAPES_NAMESPACE = "https://w3id.org/mpli/shapes/"

TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def validate(
    data_graph: rdflib.Graph,
    *,
    shape_paths: Sequence[Path | str] | None = None,
    ontology_paths: Sequence[Path | str] | None = None,
    inference: str = INFERENCE,
) -> ValidationReport:
    """Validate ``data_graph`` and return the report.

    A dataset is validated as the merge of all its graphs.

    ``shape_paths`` defaults to every file in ``shapes/``; the ``owl:imports`` of
    a shapes file are loaded from the same folder or from ``shapes/``.
    ``ontology_paths`` defaults to the project's ontology and concept schemes;
    when given, exactly those files are used. ``inference`` is pySHACL's
    inference option (``none``, ``rdfs``, ``owlrl``, ``both``).
    """
    shapes = load_shapes_graph(shape_paths)
    ontology = load_ontology_graph(ontology_paths)

    # pySHACL adds the ontology axioms to the graph it validates, so it gets a
    # copy. rdflib's addN copies faster than pySHACL's own clone.
    target = rdflib.Graph()
    target.addN((subject, predicate, obj, target) for subject, predicate, obj in _triples(data_graph))

    try:
        _, results_graph, _ = pyshacl.validate(
            target,
            shacl_graph=_hoisted_shapes_graph(shapes),
            ont_graph=ontology if len(ontology) else None,
            inference=inference,
            inplace=True,
            allow_warnings=True,
            abort_on_first=False,
            advanced=False,
            meta_shacl=False,
            debug=False,
        )
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError) as error:
        raise InputError(f"the SHACL shapes cannot be used: {error.message}") from error

    return ValidationReport(read_results(results_graph, shapes))


def _triples(data_graph: rdflib.Graph) -> Iterable[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]:
    """Return the triples of a graph, or of every named graph of a dataset, merged."""
    if isinstance(data_graph, rdflib.ConjunctiveGraph):
        return ((subject, predicate, obj) for subject, predicate, obj, _ in data_graph.quads((None, None, None, None)))
    return data_graph.triples((None, None, None))


def read_results(results_graph: rdflib.Graph, shapes: rdflib.Graph | None = None) -> list[ValidationResult]:
    """Read every ``sh:ValidationResult`` of a pySHACL results graph, sorted for stable output.

    Two constraints of one property shape can fail on the same value, because a
    wrong datatype also fails ``sh:minInclusive``. Such results share the shape's
    message, so they are reported once. A result of a blank-node property shape
    names the node shape that contains it in ``shapes`` as its source shape.
    """
    results: dict[tuple, ValidationResult] = {}
    for node in results_graph.subjects(RDF.type, SH.ValidationResult):
        message = results_graph.value(node, SH.resultMessage)
        result = ValidationResult(
            focus_node=results_graph.value(node, SH.focusNode),
            path=render_path(results_graph, results_graph.value(node, SH.resultPath)),
            value=results_graph.value(node, SH.value),
            message=str(message) if message is not None else "",
            severity=results_graph.value(node, SH.resultSeverity) or SH.Violation,
            source_shape=_named_shape(results_graph.value(node, SH.sourceShape), shapes),
            constraint=results_graph.value(node, SH.sourceConstraintComponent),
        )
        key = (result.severity, result.message, result.focus_node, str(result.path), result.value, result.source_shape)
        results.setdefault(key, result)
    return sorted(results.values(), key=ValidationResult.sort_key)


def hoist_property_shapes(shapes: rdflib.Graph) -> rdflib.Graph:
    """Return a copy of ``shapes`` in which property shapes carry their node shape's targets.

    pySHACL validates a property shape reached through ``sh:property`` once per
    focus node, but a property shape with its own targets once for all of them,
    which is about twice as fast on a provider manifest. Both forms give the same
    results. A property shape is hoisted only when every reference to it is an
    ``sh:property`` from an active node shape with targets.
    """
    hoisted = rdflib.Graph()
    hoisted += shapes

    for property_shape in set(shapes.objects(None, SH.property)):
        references = list(shapes.subject_predicates(property_shape))
        parents = [subject for subject, predicate in references if predicate == SH.property]
        if len(parents) != len(references) or not all(_has_targets(shapes, parent) for parent in parents):
            continue

        for parent in parents:
            for target_predicate in TARGET_PREDICATES:
                for target in shapes.objects(parent, target_predicate):
                    hoisted.add((property_shape, target_predicate, target))
            hoisted.remove((parent, SH.property, property_shape))

    return hoisted


def _has_targets(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    if shapes.value(shape, SH.deactivated) == rdflib.Literal(True):
        return False
    return any(shapes.value(shape, predicate) is not None for predicate in TARGET_PREDICATES)


@functools.lru_cache(maxsize=8)
def _hoisted_shapes_graph(shapes: rdflib.Graph) -> rdflib.Graph:
    return hoist_property_shapes(shapes)


def _named_shape(shape: rdflib.term.Node | None, shapes: rdflib.Graph | None) -> rdflib.term.Node | None:
    if not isinstance(shape, rdflib.BNode) or shapes is None:
        return shape
    parents = [parent for parent in shapes.subjects(SH.property, shape) if isinstance(parent, rdflib.URIRef)]
    return parents[0] if len(parents) == 1 else shape


def load_shapes_graph(shape_paths: Sequence[Path | str] | None = None) -> rdflib.Graph:
    """Load the shapes files and their ``owl:imports``; the default set is loaded once and cached."""
    if shape_paths is None:
        return _default_shapes_graph()
    return _load_shapes(tuple(Path(path) for path in shape_paths))


def load_ontology_graph(ontology_paths: Sequence[Path | str] | None = None) -> rdflib.Graph:
    """Load the ontology files; the default set is loaded once and cached."""
    if ontology_paths is None:
        return _default_ontology_graph()
    return _parse_all(Path(path) for path in ontology_paths)


@functools.cache
def _default_shapes_graph() -> rdflib.Graph:
    files = tuple(shape_files())
    if not files:
        raise InputError(f"no SHACL shapes found in {SHAPES_DIR}")
    return _load_shapes(files)


@functools.cache
def _default_ontology_graph() -> rdflib.Graph:
    try:
        vocabulary = importlib.import_module("mpli_graph.vocabulary")
    except ModuleNotFoundError as error:
        if error.name != "mpli_graph.vocabulary":
            raise
        return _parse_all(ontology_files())
    return vocabulary.load_vocabulary()


def _parse_all(paths: Iterable[Path]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph += parse_file(path)
    return graph


def _load_shapes(paths: tuple[Path, ...]) -> rdflib.Graph:
    graph = rdflib.Graph()
    loaded: set[Path] = set()
    pending = list(paths)

    while pending:
        path = pending.pop(0).resolve()
        if path in loaded:
            continue
        loaded.add(path)
        shapes = parse_file(path)
        graph += shapes

        for imported in shapes.objects(None, OWL.imports):
            pending.append(_resolve_shapes_import(str(imported), path))

    logger.debug("loaded %d shapes files: %d triples", len(loaded), len(graph))
    return graph


def _resolve_shapes_import(iri: str, importing_file: Path) -> Path:
    """Return the local file of an imported MPLI shapes module; nothing is ever fetched."""
    name = iri[len(SHAPES_NAMESPACE):] if iri.startswith(SHAPES_NAMESPACE) else ""
    if name and "/" not in name:
        for folder in (importing_file.parent, SHAPES_DIR):
            candidate = folder / f"{name}.ttl"
            if candidate.is_file():
                return candidate
    raise InputError(
        f"{importing_file}: cannot load owl:imports <{iri}>: MPLI Graph loads imports only from "
        f"{name + '.ttl' if name else 'files'} beside the importing file or in {SHAPES_DIR}, and fetches "
        f"nothing; pass the imported shapes file with --shapes instead"
    )
