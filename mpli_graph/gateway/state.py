"""The shared objects of one gateway app: its configuration, store backend and runners.

``runner`` runs SPARQL queries. ``document_runner`` runs resolution, validation
and credential verification in a separate pool of worker slots, so queries
still running past their time limit cannot lock those routes out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from mpli_graph.gateway.backend import GraphBackend
from mpli_graph.gateway.config import GatewayConfig
from mpli_graph.gateway.limits import QueryRunner

EXTENSION_KEY = "mpli_gateway"


@dataclass
class GatewayState:
    """The shared objects of one app; ``manifest_graph`` is the provider's manifest graph IRI."""

    config: GatewayConfig
    backend: GraphBackend
    runner: QueryRunner
    document_runner: QueryRunner
    manifest_graph: str | None = None
    manifest_store: Any = None
    representation_cache: dict[tuple[str, str, str], tuple[bytes, str]] = field(
        default_factory=dict
    )

    @property
    def is_provider(self) -> bool:
        """Tell whether this app is a provider endpoint (one manifest, stricter rules)."""
        return self.config.role == "provider"


def gateway_state() -> GatewayState:
    """Return the state of the app that handles the current request."""
    return current_app.extensions[EXTENSION_KEY]
