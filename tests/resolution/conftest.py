"""Fixtures for resolution tests: a store with the real vocabulary and the example.org providers."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mpli_graph.store import ManifestStore
from tests.resolution.example_data import PROVIDERS


@pytest.fixture(scope="session")
def vocabulary_store() -> ManifestStore:
    """Return a store with the bundled vocabulary and the example providers (shared, read only)."""
    store = ManifestStore()
    store.load_source("https://example.org/source/providers", PROVIDERS, format=ox.RdfFormat.TURTLE)
    return store
