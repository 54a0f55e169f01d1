"""Load the MPLI ontology and concept schemes, and look up terms and units in them.

The vocabulary is every Turtle file under ``ontology/`` and ``ontology/vocab/``.
Validation, import and resolution all read it through :func:`load_vocabulary`,
so a module that an ontology editor adds is picked up without code changes.

>>> from mpli_graph.vocabulary import load_vocabulary, canonical_unit, MPLI
>>> str(canonical_unit(load_vocabulary(), MPLI.memorySize))
'http://qudt.org/vocab/unit/GibiBYTE'
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Context, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.parsers.notation3 import BadSyntax

from mpli_graph.errors import InputError, RdfSyntaxError, UnknownTermError
from mpli_graph.resources import ontology_files

__all__ = [
    "MPLI",
    "QUDT",
    "canonical_unit",
    "convert_value",
    "defined_terms",
    "load_vocabulary",
    "parse_turtle",
]

logger = logging.getLogger(__name__)

MPLI = Namespace("https://w3id.org/mpli#")
QUDT = Namespace("http://qudt.org/schema/qudt/")

# The unit multipliers are rounded to 18 decimal places, so a converted value is
# exact only to about 1e-18 relative; 15 significant digits drop that noise.
CONVERSION_CONTEXT = Context(prec=15)

PREFIXES = {
    "mpli": MPLI,
    "mcert": Namespace("https://w3id.org/mpli/certification-scheme/"),
    "mstatus": Namespace("https://w3id.org/mpli/claim-status/"),
    "mgroup": Namespace("https://w3id.org/mpli/country-group/"),
    "country": Namespace("http://publications.europa.eu/resource/authority/country/"),
    "currency": Namespace("http://publications.europa.eu/resource/authority/currency/"),
    "mformat": Namespace("https://w3id.org/mpli/format/"),
    "mapi": Namespace("https://w3id.org/mpli/api/"),
    "mplatform": Namespace("https://w3id.org/mpli/platform/"),
    "march": Namespace("https://w3id.org/mpli/cpu-architecture/"),
    "mtool": Namespace("https://w3id.org/mpli/delivery-tool/"),
    "mdb": Namespace("https://w3id.org/mpli/database-engine/"),
    "unit": Namespace("http://qudt.org/vocab/unit/"),
    "qudt": QUDT,
}


def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into ``graph`` (a new graph if none is given).

    Raises :class:`RdfSyntaxError` with the file and line when the file does not
    parse, and :class:`InputError` when it cannot be read.
    """
    target = graph if graph is not None else Graph()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: failed to read the vocabulary file: {error.strerror}; check the path") from error

    try:
        target.parse(data=text, format="turtle", publicID=Path(path).resolve().as_uri())
    except BadSyntax as error:
        line = getattr(error, "lines", None)
        raise RdfSyntaxError(str(path), error.message, line=line + 1 if line is not None else None) from error
    except Exception as error:  # rdflib raises plain exceptions for some malformed terms.
        raise RdfSyntaxError(str(path), str(error)) from error

    return target


@lru_cache(maxsize=1)
def _default_vocabulary() -> Graph:
    """Parse the bundled ontology and concept schemes once."""
    graph = Graph()
    files = ontology_files()
    for path in files:
        parse_turtle(path, graph)
    logger.debug("loaded %d vocabulary files with %d triples", len(files), len(graph))
    return graph


def load_vocabulary(extra_paths: Iterable[Path] = ()) -> Graph:
    """Return a new graph with the MPLI ontology, its concept schemes and ``extra_paths``.

    The bundled files are parsed once per process. Each call returns a fresh
    copy, so callers may add triples to it without affecting other callers.
    Copying takes tens of milliseconds, so a caller that needs the graph often
    should keep the one it got.
    """
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph += _default_vocabulary()

    for path in extra_paths:
        parse_turtle(Path(path), graph)

    return graph


def defined_terms(graph: Graph) -> set[URIRef]:
    """Return every ``mpli:`` IRI that ``graph`` declares as a class, property or individual.

    A term counts as declared when it is the subject of an ``rdf:type`` triple,
    which the ontology gives every class, property and named individual.
    """
    return {
        subject
        for subject in graph.subjects(RDF.type, None)
        if isinstance(subject, URIRef) and subject.startswith(str(MPLI))
    }


def canonical_unit(graph: Graph, prop: URIRef) -> URIRef | None:
    """Return the QUDT unit in which values of quantity property ``prop`` are stated, if any."""
    unit = graph.value(prop, MPLI.canonicalUnit)
    return unit if isinstance(unit, URIRef) else None


def _unit_facts(graph: Graph, unit: URIRef) -> tuple[Decimal, set[URIRef]]:
    """Return the conversion multiplier and quantity kinds of ``unit``."""
    multiplier = graph.value(unit, QUDT.conversionMultiplier)
    kinds = {kind for kind in graph.objects(unit, QUDT.hasQuantityKind) if isinstance(kind, URIRef)}
    if multiplier is None or not kinds:
        raise UnknownTermError(
            f"unit {unit} is not in the vocabulary; use a unit that ontology/vocab/units.ttl "
            "defines with qudt:conversionMultiplier and qudt:hasQuantityKind"
        )
    try:
        return Decimal(str(multiplier)), kinds
    except InvalidOperation as error:
        raise UnknownTermError(f"unit {unit} has an invalid conversion multiplier {multiplier!r}") from error


def convert_value(graph: Graph, value: Decimal, from_unit: URIRef, to_unit: URIRef) -> Decimal:
    """Convert ``value`` from ``from_unit`` to ``to_unit`` with their QUDT multipliers.

    The result is rounded to 15 significant digits, so that 8192 MiB gives
    exactly 8 GiB. Raises :class:`UnknownTermError` for a unit the vocabulary does not define
    and :class:`InputError` when the two units measure different quantity kinds.
    """
    if from_unit == to_unit:
        return value

    from_multiplier, from_kinds = _unit_facts(graph, from_unit)
    to_multiplier, to_kinds = _unit_facts(graph, to_unit)
    if not from_kinds & to_kinds:
        raise InputError(
            f"cannot convert from {from_unit} to {to_unit} because they measure different quantity kinds. "
            "Give the value in a unit of the same kind as the property's canonical unit"
        )

    converted = CONVERSION_CONTEXT.create_decimal(value * from_multiplier / to_multiplier)
    if converted == converted.to_integral_value():
        return converted.quantize(Decimal(1))
    return converted.normalize()
