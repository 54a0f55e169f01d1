"""The public names of the resolution package and the store, pinned so that a change is deliberate."""

from __future__ import annotations

import mpli_graph.resolution
import mpli_graph.store


def test_resolution_public_names():
    assert sorted(mpli_graph.resolution.__all__) == [
        "ConsumerRequirements",
        "CredentialChecker",
        "OfferingResult",
        "Requirement",
        "Resolution",
        "Verdict",
        "read_requirements",
        "resolve",
    ]


def test_store_public_names():
    assert sorted(mpli_graph.store.__all__) == [
        "METADATA_GRAPH",
        "ManifestStore",
        "SourceRecord",
        "VOCABULARY_GRAPH",
        "ValidationSummary",
        "rdf_format_for",
    ]
