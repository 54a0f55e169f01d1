"""Check that the MPLI ontology modules and concept schemes are sound.

The checks encode the ontology's editorial rules, so that an editor who adds a
module learns at once what is missing. The test suite runs them on the bundled
files, and on a copy with an added module. Each check returns a list of
problems as plain sentences; an empty list means the check passed.

The rules:

* each module ``ontology/NAME.ttl`` is one ``owl:Ontology`` with the IRI
  ``https://w3id.org/mpli/NAME`` and the header fields listed in
  :data:`HEADER_PROPERTIES`, and imports the core module;
* each ``mpli:`` term has an English ``rdfs:label`` and ``skos:definition`` and
  ``rdfs:isDefinedBy`` its module;
* classes and individuals are UpperCamelCase and properties lowerCamelCase;
* a module states nothing about terms of other vocabularies;
* each quantity property has range ``xsd:decimal`` and one canonical unit that
  the units scheme defines with a multiplier and a quantity kind;
* each SKOS concept has an English ``skos:prefLabel`` and is in a declared scheme;
* a deprecated term names its replacement;
* the OWL 2 RL closure of the whole vocabulary derives no inconsistency;
* no file uses an ``mpli:`` term that the vocabulary does not define.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from mpli_graph.vocabulary import MPLI, QUDT, defined_terms, parse_turtle

__all__ = [
    "HEADER_PROPERTIES",
    "MODULE_BASE",
    "VERSION",
    "check_concepts",
    "check_consistency",
    "check_deprecations",
    "check_module_header",
    "check_module_terms",
    "check_quantity_properties",
    "check_term_usage",
    "check_vocabulary",
    "load_modules",
    "used_terms",
]

logger = logging.getLogger(__name__)

MODULE_BASE = "https://w3id.org/mpli/"
VERSION = "0.1.0"
CORE_MODULE = URIRef(MODULE_BASE + "core")
APACHE_LICENSE = URIRef("https://www.apache.org/licenses/LICENSE-2.0")

HEADER_PROPERTIES = (
    DCTERMS.title,
    DCTERMS.description,
    OWL.versionIRI,
    OWL.versionInfo,
    DCTERMS.license,
    DCTERMS.modified,
)

CLASS_TYPES = {OWL.Class, RDFS.Class}
PROPERTY_TYPES = {
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
    MPLI.QuantityProperty,
    MPLI.CapabilityProperty,
}
UPPER_CAMEL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
LOWER_CAMEL_CASE = re.compile(r"^[a-z][A-Za-z0-9]*$")

# An mpli: term in SPARQL text, either prefixed or as a full IRI. The
# look-behind skips names such as urn:mpli:federation:member.
PREFIXED_MPLI_TERM = re.compile(r"(?<![\w:/.-])mpli:([A-Za-z][A-Za-z0-9_]*)")
FULL_MPLI_IRI = re.compile(r"<https://w3id\.org/mpli#([^>\s]+)>")


def _short(term: URIRef) -> str:
    """Return ``mpli:name`` for an MPLI IRI and the IRI itself otherwise."""
    text = str(term)
    return "mpli:" + text[len(str(MPLI)) :] if text.startswith(str(MPLI)) else text


def _has_english(graph: Graph, subject: URIRef, predicate: URIRef) -> bool:
    """Tell whether ``subject`` has a ``predicate`` literal tagged ``@en``."""
    return any(
        isinstance(value, Literal) and (value.language or "").lower().startswith("en")
        for value in graph.objects(subject, predicate)
    )


def load_modules(ontology_dir: Path) -> dict[Path, Graph]:
    """Parse every ``*.ttl`` module directly under ``ontology_dir``, keyed by path."""
    return {path: parse_turtle(path) for path in sorted(Path(ontology_dir).glob("*.ttl"))}


def check_module_header(path: Path, graph: Graph) -> list[str]:
    """Check that module ``path`` declares its ontology IRI and header fields."""
    problems: list[str] = []
    expected = URIRef(MODULE_BASE + path.stem)
    ontologies = set(graph.subjects(RDF.type, OWL.Ontology))

    if ontologies != {expected}:
        found = ", ".join(sorted(str(o) for o in ontologies)) or "none"
        return [f"{path.name}: must declare exactly one owl:Ontology <{expected}>, found {found}"]

    for prop in HEADER_PROPERTIES:
        if graph.value(expected, prop) is None:
            problems.append(f"{path.name}: the ontology header has no {graph.qname(prop)}")

    for prop in (DCTERMS.title, DCTERMS.description):
        if graph.value(expected, prop) is not None and not _has_english(graph, expected, prop):
            problems.append(f"{path.name}: {graph.qname(prop)} must be an English (@en) literal")

    version_iri = URIRef(f"{MODULE_BASE}{VERSION}/{path.stem}")
    if graph.value(expected, OWL.versionIRI) not in (None, version_iri):
        problems.append(f"{path.name}: owl:versionIRI must be <{version_iri}>")
    if graph.value(expected, OWL.versionInfo) not in (None, Literal(VERSION)):
        problems.append(f'{path.name}: owl:versionInfo must be "{VERSION}"')
    if graph.value(expected, DCTERMS.license) not in (None, APACHE_LICENSE):
        problems.append(f"{path.name}: dcterms:license must be <{APACHE_LICENSE}>")
    if expected != CORE_MODULE and (expected, OWL.imports, CORE_MODULE) not in graph:
        problems.append(f"{path.name}: must import the core module <{CORE_MODULE}> with owl:imports")

    return problems


def check_module_terms(path: Path, graph: Graph) -> list[str]:
    """Check the labels, definitions, names and subjects of the terms in one module."""
    problems: list[str] = []
    module = URIRef(MODULE_BASE + path.stem)

    for subject in sorted(set(graph.subjects())):
        if isinstance(subject, BNode) or subject == module:
            continue
        if not str(subject).startswith(str(MPLI)):
            problems.append(
                f"{path.name}: states something about {subject}, which is not an mpli: term; "
                "an MPLI module may only describe its own terms (put the mpli: term first)"
            )

    for term in sorted(defined_terms(graph)):
        name = str(term)[len(str(MPLI)) :]
        types = set(graph.objects(term, RDF.type))

        if not _has_english(graph, term, RDFS.label):
            problems.append(f"{path.name}: {_short(term)} has no English rdfs:label")
        if not _has_english(graph, term, SKOS.definition):
            problems.append(f"{path.name}: {_short(term)} has no English skos:definition")
        if graph.value(term, RDFS.isDefinedBy) != module:
            problems.append(f"{path.name}: {_short(term)} must have rdfs:isDefinedBy <{module}>")

        if types & PROPERTY_TYPES:
            if not LOWER_CAMEL_CASE.match(name):
                problems.append(f"{path.name}: property {_short(term)} must be lowerCamelCase")
        elif not UPPER_CAMEL_CASE.match(name):
            problems.append(f"{path.name}: class or individual {_short(term)} must be UpperCamelCase")

    return problems


def check_quantity_properties(graph: Graph) -> list[str]:
    """Check that every quantity property is a decimal datatype property with a known canonical unit."""
    problems: list[str] = []

    for prop in sorted(graph.subjects(RDF.type, MPLI.QuantityProperty)):
        name = _short(prop)
        if (prop, RDF.type, OWL.DatatypeProperty) not in graph:
            problems.append(f"{name} is a quantity property but not an owl:DatatypeProperty")
        if set(graph.objects(prop, RDFS.range)) != {XSD.decimal}:
            problems.append(f"{name} is a quantity property, so its rdfs:range must be xsd:decimal")

        units = list(graph.objects(prop, MPLI.canonicalUnit))
        if len(units) != 1:
            problems.append(f"{name} must have exactly one mpli:canonicalUnit, found {len(units)}")
            continue
        unit = units[0]
        if graph.value(unit, QUDT.conversionMultiplier) is None:
            problems.append(f"{name}: its canonical unit {unit} has no qudt:conversionMultiplier in the units scheme")
        if graph.value(unit, QUDT.hasQuantityKind) is None:
            problems.append(f"{name}: its canonical unit {unit} has no qudt:hasQuantityKind in the units scheme")

    return problems


def check_concepts(graph: Graph) -> list[str]:
    """Check that every SKOS concept has an English preferred label and a declared scheme."""
    problems: list[str] = []
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))

    for concept in sorted(concepts):
        if not _has_english(graph, concept, SKOS.prefLabel):
            problems.append(f"concept {concept} has no English skos:prefLabel")
        in_schemes = set(graph.objects(concept, SKOS.inScheme))
        if not in_schemes:
            problems.append(f"concept {concept} has no skos:inScheme")
        for scheme in in_schemes - schemes:
            problems.append(f"concept {concept} is in scheme {scheme}, which is not a declared skos:ConceptScheme")
        for broader in graph.objects(concept, SKOS.broader):
            if broader not in concepts:
                problems.append(f"concept {concept} has skos:broader {broader}, which is not a declared concept")

    for collection in sorted(graph.subjects(RDF.type, SKOS.Collection)):
        for member in graph.objects(collection, SKOS.member):
            if member not in concepts and (member, RDF.type, SKOS.Collection) not in graph:
                problems.append(f"collection {collection} has member {member}, which is not a declared concept")

    return problems


def check_deprecations(graph: Graph) -> list[str]:
    """Check that every deprecated term names a defined replacement with dcterms:isReplacedBy."""
    problems: list[str] = []
    defined = defined_terms(graph)

    for term in sorted(graph.subjects(OWL.deprecated, Literal(True))):
        replacements = list(graph.objects(term, DCTERMS.isReplacedBy))
        if not replacements:
            problems.append(f"{_short(term)} is deprecated but has no dcterms:isReplacedBy")
        for replacement in replacements:
            if str(replacement).startswith(str(MPLI)) and replacement not in defined:
                problems.append(f"{_short(term)} is replaced by {_short(replacement)}, which is not defined")

    return problems


def check_consistency(graph: Graph) -> list[str]:
    """Compute the OWL 2 RL closure of a copy of ``graph`` and report every inconsistency found."""
    closure = Graph()
    closure += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)

    problems = [f"OWL 2 RL: {message}" for message in closure.objects(None, ERRNS.error)]
    for member in closure.subjects(RDF.type, OWL.Nothing):
        problems.append(f"OWL 2 RL: {member} is a member of owl:Nothing")
    return sorted(problems)


def used_terms(path: Path) -> set[URIRef]:
    """Return every ``mpli:`` IRI that a Turtle file or SPARQL query uses."""
    path = Path(path)

    if path.suffix == ".rq":
        text = path.read_text(encoding="utf-8")
        names = set(FULL_MPLI_IRI.findall(text))
        without_iris = re.sub(r"<[^>\s]*>", " ", text)
        without_comments = re.sub(r"#[^\n]*", " ", without_iris)
        names |= set(PREFIXED_MPLI_TERM.findall(without_comments))
        return {MPLI[name] for name in names}

    graph = parse_turtle(path)
    return {
        term
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(MPLI))
    }


def check_term_usage(defined: set[URIRef], paths: Iterable[Path]) -> list[str]:
    """Report every ``mpli:`` term that one of ``paths`` uses but ``defined`` does not contain."""
    problems: list[str] = []
    for path in sorted(Path(p) for p in paths):
        for term in sorted(used_terms(path) - defined):
            problems.append(f"{path}: uses {_short(term)}, which the vocabulary does not define")
    return problems


def check_vocabulary(ontology_dir: Path, usage_paths: Iterable[Path] = ()) -> list[str]:
    """Run every check on the modules in ``ontology_dir`` and the schemes in its ``vocab/`` folder.

    ``usage_paths`` are further Turtle or SPARQL files (shapes, examples,
    queries) whose ``mpli:`` terms must all be defined.
    """
    ontology_dir = Path(ontology_dir)
    modules = load_modules(ontology_dir)
    vocabulary = Graph()
    problems: list[str] = []

    for path, graph in modules.items():
        problems += check_module_header(path, graph)
        problems += check_module_terms(path, graph)
        vocabulary += graph

    vocab_files = sorted((ontology_dir / "vocab").glob("*.ttl"))
    for path in vocab_files:
        parse_turtle(path, vocabulary)

    problems += check_quantity_properties(vocabulary)
    problems += check_concepts(vocabulary)
    problems += check_deprecations(vocabulary)
    problems += check_consistency(vocabulary)

    all_files = list(modules) + vocab_files + [Path(p) for p in usage_paths]
    problems += check_term_usage(defined_terms(vocabulary), all_files)

    logger.info("checked %d modules and %d concept schemes: %d problems", len(modules), len(vocab_files), len(problems))
    return problems
