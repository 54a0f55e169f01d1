"""Read and check manifests: parse any supported RDF syntax, validate with the SHACL shapes."""

from mpli_graph.manifest.parse import (
    format_for_media_type,
    format_for_path,
    parse_data,
    parse_file,
    resolve_format,
)

__all__ = [
    "format_for_media_type",
    "format_for_path",
    "parse_data",
    "parse_file",
    "resolve_format",
]
