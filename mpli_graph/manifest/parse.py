"""Parse manifests in any supported RDF syntax into an rdflib graph.

Turtle, N-Triples, N-Quads, TriG and RDF/XML are parsed with pyoxigraph, whose
parser reports the line and column of a syntax error. JSON-LD goes through
pyld with the context allowlist of :mod:`mpli_graph.jsonld`, so it never
fetches a context. Quads formats are merged into one graph: the graph names are
dropped, because a manifest is validated and resolved as one graph.

Formats are named ``turtle``, ``n-triples``, ``n-quads``, ``trig``,
``rdf-xml`` and ``json-ld``; :func:`resolve_format` also accepts common aliases
(``ttl``, ``nt``, ``xml``, ``jsonld``) and media types (``text/turtle``).
"""

from __future__ import annotations

import json
import logging
import re
import xml.parsers.expat
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import pyoxigraph
import rdflib
from pyld import jsonld as pyld_jsonld
from rdflib.namespace import RDF, RDFS, XSD

from mpli_graph.errors import ContextNotAllowedError, InputError, PayloadTooLargeError, RdfSyntaxError, UnsupportedFormatError
from mpli_graph.jsonld import to_nquads

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

PYOXIGRAPH_FORMATS = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
    "n-quads": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "rdf-xml": pyoxigraph.RdfFormat.RDF_XML,
}
FORMATS = (*PYOXIGRAPH_FORMATS, "json-ld")

MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "n-triples",
    "application/n-quads": "n-quads",
    "application/trig": "trig",
    "application/rdf+xml": "rdf-xml",
    "application/ld+json": "json-ld",
}

SUFFIXES = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "n-triples",
    ".nq": "n-quads",
    ".trig": "trig",
    ".rdf": "rdf-xml",
    ".owl": "rdf-xml",
    ".xml": "rdf-xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}

ALIASES = {
    "ttl": "turtle",
    "nt": "n-triples",
    "ntriples": "n-triples",
    "nq": "n-quads",
    "nquads": "n-quads",
    "xml": "rdf-xml",
    "rdf/xml": "rdf-xml",
    "rdfxml": "rdf-xml",
    "jsonld": "json-ld",
}

MPLI = rdflib.Namespace("https://w3id.org/mpli#")

# Numbers in these datatypes are read as xsd:decimal where the vocabulary expects one.
# Turtle reads 4 as an xsd:integer. JSON-LD turns every JSON number into an xsd:integer
# or an xsd:double, because JSON cannot keep a decimal point.
NUMERIC_DATATYPES = frozenset({XSD.integer, XSD.int, XSD.long, XSD.double, XSD.float})

# mpli:value has no rdfs:range, because a capability requirement's value may be an
# IRI or a string; on these requirement classes it is a number.
NUMERIC_VALUE_CLASSES = (MPLI.MinimumRequirement, MPLI.MaximumRequirement, MPLI.PriceRequirement)

_POSITION_PREFIX = re.compile(r"^Parser error (at|between) [^:]*: ")


def resolve_format(name: str) -> str:
    """Return the canonical format name for a format name, an alias or a media type.

    Raises :class:`UnsupportedFormatError` naming the supported formats.
    """
    key = name.split(";", 1)[0].strip().lower()
    if key in FORMATS:
        return key
    if key in ALIASES:
        return ALIASES[key]
    if key in MEDIA_TYPES:
        return MEDIA_TYPES[key]
    raise UnsupportedFormatError(
        f"unsupported RDF format {name!r}; use one of {', '.join(FORMATS)} "
        f"or a media type such as {', '.join(MEDIA_TYPES)}"
    )


def format_for_media_type(media_type: str) -> str:
    """Return the format name for a ``Content-Type`` value such as ``text/turtle; charset=utf-8``."""
    key = media_type.split(";", 1)[0].strip().lower()
    if key not in MEDIA_TYPES:
        raise UnsupportedFormatError(
            f"unsupported media type {media_type!r}; send one of {', '.join(MEDIA_TYPES)}"
        )
    return MEDIA_TYPES[key]


def format_for_path(path: Path | str) -> str:
    """Return the format name that the suffix of ``path`` implies."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise UnsupportedFormatError(
            f"cannot tell the RDF format of {path} from its suffix {suffix or '(none)'}; "
            f"use one of {', '.join(SUFFIXES)} or pass the format explicitly"
        )
    return SUFFIXES[suffix]


def parse_file(path: Path | str, format: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> rdflib.Graph:
    """Parse the RDF file at ``path``; the format comes from its suffix unless given."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a directory; pass the manifest files in it, such as {path}/*.ttl")
    rdf_format = resolve_format(format) if format else format_for_path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PayloadTooLargeError(f"{path} has {size} bytes, more than the limit of {max_bytes} bytes")
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise InputError(f"{path}: file not found") from error
    except OSError as error:
        raise InputError(f"{path}: cannot read the file: {error.strerror or error}") from error

    return parse_data(data, rdf_format, str(path), base_iri=path.resolve().as_uri(), max_bytes=max_bytes)


def parse_data(
    data: bytes | str,
    format: str,
    source: str,
    *,
    base_iri: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> rdflib.Graph:
    """Parse RDF ``data`` in ``format`` into a graph; ``source`` names the input in error messages.

    ``base_iri`` resolves relative IRIs; without it a relative IRI is a syntax
    error. Raises :class:`InputError` for empty, binary or oversized input,
    :class:`RdfSyntaxError` with line and column for invalid syntax, and
    :class:`UnsupportedFormatError` for an unknown format.
    """
    rdf_format = resolve_format(format)
    text = _decode(data, source, max_bytes)

    if rdf_format == "json-ld":
        quads = _parse_jsonld(text, source, base_iri)
    else:
        quads = _parse_with_pyoxigraph(text, PYOXIGRAPH_FORMATS[rdf_format], source, base_iri)

    graph = rdflib.Graph()
    graph.addN((subject, predicate, obj, graph) for subject, predicate, obj in quads)
    if len(graph) == 0:
        raise InputError(f"{source}: the document contains no RDF triples; check that it is a {rdf_format} manifest")

    converted = decimal_numbers(graph)
    if converted:
        logger.debug("read %d numbers in %s as xsd:decimal", converted, source)

    logger.debug("parsed %s as %s: %d triples", source, rdf_format, len(graph))
    return graph


def decimal_numbers(graph: rdflib.Graph) -> int:
    """Rewrite numeric literals as xsd:decimal where the vocabulary expects a decimal; return how many.

    A literal is rewritten when its datatype is one of :data:`NUMERIC_DATATYPES`,
    its value is valid and finite, and its predicate has ``rdfs:range xsd:decimal``
    in the vocabulary, or it is the ``mpli:value`` of a minimum, maximum or price
    requirement. The value is kept exactly. NaN, INF and ill-typed literals stay
    as they are, so SHACL validation reports them.
    """
    decimal_properties, value_classes = _decimal_targets()
    replacements = []
    for prop in decimal_properties:
        replacements.extend(
            (subject, prop, obj) for subject, obj in graph.subject_objects(prop) if _as_decimal(obj) is not None
        )
    for subject, obj in graph.subject_objects(MPLI.value):
        if _as_decimal(obj) is not None and any((subject, RDF.type, cls) in graph for cls in value_classes):
            replacements.append((subject, MPLI.value, obj))

    for subject, prop, obj in replacements:
        graph.remove((subject, prop, obj))
        graph.add((subject, prop, _as_decimal(obj)))
    return len(replacements)


@lru_cache(maxsize=1)
def _decimal_targets() -> tuple[frozenset[rdflib.URIRef], frozenset[rdflib.URIRef]]:
    """Return the vocabulary's decimal-valued properties and the requirement classes whose mpli:value is a number."""
    from mpli_graph.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    properties = frozenset(prop for prop in vocabulary.subjects(RDFS.range, XSD.decimal) if isinstance(prop, rdflib.URIRef))
    classes = {
        cls
        for root in NUMERIC_VALUE_CLASSES
        for cls in vocabulary.transitive_subjects(RDFS.subClassOf, root)
        if isinstance(cls, rdflib.URIRef)
    }
    return properties, frozenset(classes)


def _as_decimal(term: rdflib.term.Node) -> rdflib.Literal | None:
    """Return ``term`` as an xsd:decimal literal when it is a valid, finite number of a numeric datatype."""
    if not isinstance(term, rdflib.Literal) or term.datatype not in NUMERIC_DATATYPES or term.ill_typed:
        return None
    try:
        number = Decimal(str(term).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None

    lexical = format(number.normalize(), "f")
    if "." not in lexical:
        lexical += ".0"
    return rdflib.Literal(lexical, datatype=XSD.decimal)


def _decode(data: bytes | str, source: str, max_bytes: int) -> str:
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise PayloadTooLargeError(f"{source} has {size} bytes, more than the limit of {max_bytes} bytes")

    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(
                f"{source}: not UTF-8 text (invalid byte at offset {error.start}); "
                f"a manifest must be an RDF document encoded as UTF-8, not a binary file"
            ) from error
    else:
        text = data

    if "\x00" in text:
        raise InputError(f"{source}: contains NUL characters, so it is a binary file, not an RDF document")
    if not text.strip():
        raise InputError(f"{source}: the input is empty; provide an RDF document")
    return text


def _parse_with_pyoxigraph(
    text: str, rdf_format: pyoxigraph.RdfFormat, source: str, base_iri: str | None
) -> list[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]:
    try:
        return [
            _to_rdflib_triple(quad, source)
            for quad in pyoxigraph.parse(text, rdf_format, base_iri=base_iri, rename_blank_nodes=True)
        ]
    except SyntaxError as error:
        detail = _POSITION_PREFIX.sub("", error.msg or str(error))
        line, column = error.lineno, error.offset
        if line is None and rdf_format == pyoxigraph.RdfFormat.RDF_XML:
            line, column = _xml_error_position(text)
        raise RdfSyntaxError(source, detail, line, column) from None


def _xml_error_position(text: str) -> tuple[int | None, int | None]:
    """Return the line and column of the first XML well-formedness error, if there is one."""
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as error:
        return error.lineno, error.offset + 1
    return None, None


def _parse_jsonld(
    text: str, source: str, base_iri: str | None
) -> list[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise RdfSyntaxError(source, f"invalid JSON: {error.msg}", error.lineno, error.colno) from None

    try:
        nquads = to_nquads(document, base=base_iri)
    except ContextNotAllowedError as error:
        raise ContextNotAllowedError(f"{source}: {error.message}") from None
    except pyld_jsonld.JsonLdError as error:
        code = f" ({error.code})" if error.code else ""
        raise RdfSyntaxError(source, f"invalid JSON-LD{code}: {error.args[0]}") from None

    # A JSON number with a fraction arrives in double form ("5.0E-1") even when the
    # context types it xsd:decimal; rdflib's literal normalisation turns it into "0.50".
    return _parse_with_pyoxigraph(nquads, pyoxigraph.RdfFormat.N_QUADS, source, None)


def _to_rdflib_triple(
    quad: pyoxigraph.Quad, source: str
) -> tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]:
    return (
        _to_rdflib_term(quad.subject, source),
        _to_rdflib_term(quad.predicate, source),
        _to_rdflib_term(quad.object, source),
    )


class _IllTypedLiteralFilter(logging.Filter):
    """Drop rdflib's log record, with traceback, for a literal whose lexical form does not fit its datatype.

    Such a literal is kept, because SHACL validation reports it against the shape
    of its property with a message that names the expected form.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form to value")


_RDFLIB_TERM_LOGGER = logging.getLogger("rdflib.term")
_RDFLIB_TERM_LOGGER.addFilter(_IllTypedLiteralFilter())


def _to_rdflib_term(term: object, source: str) -> rdflib.term.Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise InputError(
        f"{source}: contains a quoted triple ({term}); RDF 1.2 triple terms are not supported in manifests"
    )


def supported_media_types() -> Iterable[str]:
    """Return the media types that :func:`format_for_media_type` accepts."""
    return tuple(MEDIA_TYPES)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "decimal_numbers",
    "format_for_media_type",
    "format_for_path",
    "parse_data",
    "parse_file",
    "resolve_format",
    "supported_media_types",
]
