"""Build the HTML documentation of the MPLI ontology with pyLODE.

``python -m mpli_graph.docs OUTDIR`` writes one pyLODE page per ontology
module (``OUTDIR/core.html``, ``OUTDIR/compute.html`` …), one page per SKOS
concept scheme (``OUTDIR/vocab-certification-schemes.html`` …) and an index
page (``OUTDIR/index.html``) that links them and lists the QUDT units with
their conversion multipliers. It exits with status 1 and names the file when a
page cannot be built, and with status 2 when the arguments are wrong or a file
does not parse.

pyLODE 3.2.1 renders only the properties on its own list. So each module page
is built from a copy of its module with notes added: the canonical unit of each
quantity property, the capability marker, the named individuals of each class,
and the mappings of the alignment module. The subjects of those mappings get
their type and label from the module that defines them, so pyLODE lists them.
pyLODE's VocPub profile lists no SKOS concepts, so the concept scheme pages are
plain HTML tables written here. Links to MPLI modules and terms point to the
local pages, so the documentation reads offline.
"""

from __future__ import annotations

import argparse
import html
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from mpli_graph.errors import MpliError
from mpli_graph.resources import ONTOLOGY_DIR
from mpli_graph.vocabulary import MPLI, QUDT, parse_turtle

__all__ = ["DocsBuildError", "Page", "build_docs", "main"]

logger = logging.getLogger(__name__)

MODULE_NAMESPACE = "https://w3id.org/mpli/"

MAPPING_PROPERTIES = {
    SKOS.closeMatch: "close match",
    SKOS.exactMatch: "exact match",
    SKOS.broadMatch: "broad match",
    SKOS.narrowMatch: "narrow match",
    SKOS.relatedMatch: "related match",
    OWL.equivalentClass: "equivalent class",
    OWL.equivalentProperty: "equivalent property",
}


class DocsBuildError(MpliError):
    """A documentation page could not be built."""

    exit_code = 1


@dataclass(frozen=True)
class Page:
    """One written HTML page: its file name, title and source file."""

    filename: str
    title: str
    source: Path
    description: str = ""


def _annotated_module(module: Graph, vocabulary: Graph) -> Graph:
    """Return a copy of ``module`` with the notes that pyLODE needs to show MPLI-specific facts."""
    page = Graph()
    page += module
    for prefix, namespace in module.namespaces():
        page.bind(prefix, namespace)
    page.bind("mplimodule", MODULE_NAMESPACE)

    for prop in set(module.subjects(RDF.type, MPLI.QuantityProperty)):
        unit = vocabulary.value(prop, MPLI.canonicalUnit)
        if unit is not None:
            label = vocabulary.value(unit, RDFS.label)
            text = f"Quantity property. Values are xsd:decimal numbers in the canonical unit {unit}"
            text += f" ({label})." if label is not None else "."
            page.add((prop, SKOS.note, Literal(text, lang="en")))

    for prop in set(module.subjects(RDF.type, MPLI.CapabilityProperty)):
        page.add((prop, SKOS.note, Literal("Capability property: a capability requirement can name it.", lang="en")))

    # pyLODE lists no named individuals, so each class page names its instances.
    for individual in sorted(set(module.subjects(RDF.type, OWL.NamedIndividual))):
        label = module.value(individual, RDFS.label)
        definition = module.value(individual, SKOS.definition)
        for term_class in module.objects(individual, RDF.type):
            if term_class == OWL.NamedIndividual:
                continue
            text = f"Instance {individual} ({label}): {definition}"
            page.add((term_class, SKOS.note, Literal(text, lang="en")))

    for subject, predicate, target in module:
        if predicate not in MAPPING_PROPERTIES or not str(subject).startswith(str(MPLI)):
            continue
        if (subject, RDF.type, None) not in page:
            for term_type in vocabulary.objects(subject, RDF.type):
                page.add((subject, RDF.type, term_type))
            for label in vocabulary.objects(subject, RDFS.label):
                page.add((subject, RDFS.label, label))
            for defined_by in vocabulary.objects(subject, RDFS.isDefinedBy):
                page.add((subject, RDFS.isDefinedBy, defined_by))
        text = f"{MAPPING_PROPERTIES[predicate].capitalize()}: {target}"
        page.add((subject, SKOS.note, Literal(text, lang="en")))

    return page


def _local_links(vocabulary: Graph, module_files: list[Path]) -> dict[str, str]:
    """Map each module IRI and each ``mpli:`` term IRI to the local page that documents it."""
    pages = {MODULE_NAMESPACE + path.stem: f"{path.stem}.html" for path in module_files}
    links = dict(pages)
    for term, module in vocabulary.subject_objects(RDFS.isDefinedBy):
        if str(term).startswith(str(MPLI)) and str(module) in pages:
            links[str(term)] = pages[str(module)]
    return links


def _render(render: Callable[[], str], destination: Path, source: Path, links: dict[str, str]) -> None:
    """Run one pyLODE rendering, point MPLI links at the local pages and write the HTML.

    Any pyLODE failure becomes a :class:`DocsBuildError` that names ``source``.
    """
    try:
        text = render()
    except Exception as error:  # pyLODE raises PylodeError, ValueError and plain Exception.
        raise DocsBuildError(f"{source}: pyLODE failed to build {destination.name}: {error}") from error

    for iri, page in links.items():
        text = text.replace(f'href="{html.escape(iri)}"', f'href="{page}"')
    destination.write_text(text, encoding="utf-8")


def _module_title(graph: Graph, fallback: str) -> tuple[str, str]:
    """Return the dcterms:title and dcterms:description of the ontology or scheme in ``graph``."""
    for node_type in (OWL.Ontology, SKOS.ConceptScheme):
        for node in graph.subjects(RDF.type, node_type):
            title = graph.value(node, DCTERMS.title) or graph.value(node, SKOS.prefLabel)
            description = graph.value(node, DCTERMS.description) or graph.value(node, SKOS.definition) or ""
            if title is not None:
                return str(title), str(description)
    return fallback, ""


def _scheme_html(graph: Graph, title: str, description: str) -> str:
    """Return a page with one table row per concept of the scheme in ``graph`` and its collections."""
    rows = []
    for concept in sorted(graph.subjects(RDF.type, SKOS.Concept)):
        notes = [f"broader: {broader}" for broader in graph.objects(concept, SKOS.broader)]
        notes += [f"also: {label}" for label in graph.objects(concept, SKOS.altLabel)]
        notes += [f"publisher: {publisher}" for publisher in graph.objects(concept, DCTERMS.publisher)]
        notes += [f"claim status rank: {rank}" for rank in graph.objects(concept, MPLI.claimStatusRank)]
        rows.append(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(str(concept)),
                html.escape(str(graph.value(concept, SKOS.prefLabel) or "")),
                html.escape(", ".join(sorted(str(n) for n in graph.objects(concept, SKOS.notation)))),
                html.escape(str(graph.value(concept, SKOS.definition) or "")),
                "<br>".join(html.escape(note) for note in notes),
            )
        )

    collections = []
    for collection in sorted(graph.subjects(RDF.type, SKOS.Collection)):
        members = sorted(str(m) for m in graph.objects(collection, SKOS.member))
        collections.append(
            "<h2>Collection {} <code>{}</code></h2><p>{} ({} members)</p><ul>{}</ul>".format(
                html.escape(str(graph.value(collection, SKOS.prefLabel) or "")),
                html.escape(str(collection)),
                html.escape(str(graph.value(collection, SKOS.definition) or "")),
                len(members),
                "".join(f"<li><code>{html.escape(m)}</code></li>" for m in members),
            )
        )

    header = "<tr><th>concept</th><th>preferred label</th><th>notation</th><th>definition</th><th>notes</th></tr>"
    return (
        f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(description)}</p>"
        f'<p><a href="index.html">All modules and schemes</a></p>'
        f"<table>{header}{''.join(rows)}</table>{''.join(collections)}</body></html>\n"
    )


def _units_table(vocabulary: Graph) -> str:
    """Return an HTML table of the QUDT units with their quantity kinds and multipliers."""
    rows = []
    for unit in sorted(vocabulary.subjects(RDF.type, QUDT.Unit)):
        kind = vocabulary.value(unit, QUDT.hasQuantityKind)
        rows.append(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(str(unit)),
                html.escape(str(vocabulary.value(unit, RDFS.label) or "")),
                html.escape(str(kind).rsplit("/", 1)[-1] if kind is not None else ""),
                html.escape(str(vocabulary.value(unit, QUDT.conversionMultiplier) or "")),
            )
        )
    header = "<tr><th>unit</th><th>label</th><th>quantity kind</th><th>QUDT conversion multiplier</th></tr>"
    return "<table>" + header + "".join(rows) + "</table>"


def _index_html(modules: list[Page], schemes: list[Page], vocabulary: Graph) -> str:
    """Return the index page that links every module and scheme page."""

    def items(pages: list[Page]) -> str:
        return "".join(
            '<li><a href="{}">{}</a> <small>({})</small><br>{}</li>'.format(
                html.escape(page.filename),
                html.escape(page.title),
                html.escape(page.source.name),
                html.escape(page.description),
            )
            for page in pages
        )

    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>MPLI ontology</title></head><body>"
        "<h1>MPLI ontology</h1>"
        "<p>Namespace <code>https://w3id.org/mpli#</code>. Each module is an OWL ontology; the concept "
        "schemes hold the controlled values that properties point to.</p>"
        f"<h2>Modules</h2><ul>{items(modules)}</ul>"
        f"<h2>Concept schemes</h2><ul>{items(schemes)}</ul>"
        "<h2>Units</h2><p>A value converts from unit A to unit B of the same quantity kind as "
        "value × multiplier(A) / multiplier(B).</p>"
        f"{_units_table(vocabulary)}"
        "</body></html>\n"
    )


def build_docs(output_dir: Path, ontology_dir: Path = ONTOLOGY_DIR) -> list[Page]:
    """Write the module, concept scheme and index pages to ``output_dir`` and return them.

    Raises :class:`DocsBuildError` naming the source file when a page fails,
    and :class:`~mpli_graph.errors.RdfSyntaxError` when a file does not parse.
    """
    from pylode import OntPub

    output_dir = Path(output_dir)
    ontology_dir = Path(ontology_dir)
    module_files = sorted(ontology_dir.glob("*.ttl"))
    vocab_files = sorted((ontology_dir / "vocab").glob("*.ttl"))
    if not module_files:
        raise DocsBuildError(f"{ontology_dir}: no ontology modules (*.ttl) found; pass the ontology folder")

    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DocsBuildError(f"{output_dir}: cannot create the output folder: {error.strerror}") from error

    graphs = {path: parse_turtle(path) for path in module_files + vocab_files}
    vocabulary = Graph()
    for graph in graphs.values():
        vocabulary += graph

    links = _local_links(vocabulary, module_files)
    modules: list[Page] = []
    for path in module_files:
        title, description = _module_title(graphs[path], path.stem)
        page = Page(f"{path.stem}.html", title, path, description)
        page_graph = _annotated_module(graphs[path], vocabulary)
        _render(lambda: OntPub(page_graph).make_html(), output_dir / page.filename, path, links)
        logger.info("wrote %s", output_dir / page.filename)
        modules.append(page)

    schemes: list[Page] = []
    for path in vocab_files:
        if (None, RDF.type, SKOS.ConceptScheme) not in graphs[path]:
            continue
        title, description = _module_title(graphs[path], path.stem)
        page = Page(f"vocab-{path.stem}.html", title, path, description)
        scheme_html = _scheme_html(graphs[path], title, description)
        (output_dir / page.filename).write_text(scheme_html, encoding="utf-8")
        logger.info("wrote %s", output_dir / page.filename)
        schemes.append(page)

    (output_dir / "index.html").write_text(_index_html(modules, schemes, vocabulary), encoding="utf-8")
    return modules + schemes


def main(argv: list[str] | None = None) -> int:
    """Build the documentation into the folder given on the command line and return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m mpli_graph.docs",
        description="Build HTML documentation of the MPLI ontology modules and concept schemes with pyLODE.",
    )
    parser.add_argument("output_dir", type=Path, help="folder to write the HTML pages to (created if missing)")
    parser.add_argument(
        "--ontology-dir", type=Path, default=ONTOLOGY_DIR, help="folder with the ontology modules (default: %(default)s)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each page written")
    args = parser.parse_args(argv)

    # pyLODE 3.2.1 configures the root logger at DEBUG when it is imported, so
    # import it first and then set the level this command wants.
    import pylode  # noqa: F401

    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,
    )

    try:
        pages = build_docs(args.output_dir, args.ontology_dir)
    except MpliError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return error.exit_code

    print(f"wrote {len(pages) + 1} pages to {args.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
