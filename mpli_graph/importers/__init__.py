"""Importers that turn public provider data into MPLI provider manifests."""

from mpli_graph.importers.providers import (
    DEFAULT_OUTPUT,
    DEFAULT_SOURCE,
    PROVIDERS,
    build_manifests,
    import_providers,
)

__all__ = ["DEFAULT_OUTPUT", "DEFAULT_SOURCE", "PROVIDERS", "build_manifests", "import_providers"]
