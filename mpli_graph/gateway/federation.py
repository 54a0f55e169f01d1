"""Federation for a marketplace gateway: load the members file and register the federation routes.

A marketplace started with a members file (``GatewayConfig.members``, flag
``--members``, variable ``MPLI_MEMBERS``) serves ``/federation/sparql`` and
``/federation/resolve`` from :mod:`mpli_graph.federation.blueprint`, and
``POST /resolve?live=true`` resolves against the members' live endpoints. Its
``/sparql`` then also runs queries whose SERVICE clauses name members. The
marketplace's own store is the fallback: a member that does not respond is
replaced by its harvested copy there, when one exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app

from mpli_graph.errors import InputError
from mpli_graph.federation.blueprint import create_federation_blueprint
from mpli_graph.federation.executor import FederatedExecutor
from mpli_graph.federation.members import Federation, load_members
from mpli_graph.federation.transport import Transport
from mpli_graph.gateway.config import GatewayConfig
from mpli_graph.store import ManifestStore

logger = logging.getLogger(__name__)

FEDERATION_KEY = "mpli_federation"


@dataclass
class GatewayFederation:
    """The federation of one marketplace app and the HTTP transport its requests share."""

    federation: Federation
    transport: Transport
    executor: FederatedExecutor


def install_federation(app: Flask, config: GatewayConfig, manifest_store: ManifestStore) -> None:
    """Load ``config.members`` and register the federation blueprint on ``app``; do nothing without it.

    The transport's connections stay open for the life of the process, like the
    app's store.
    """
    if config.members is None:
        return
    federation = load_members(config.members)
    transport = Transport()
    app.register_blueprint(
        create_federation_blueprint(
            federation,
            fallback=manifest_store,
            transport=transport,
            max_body_bytes=config.max_body_bytes,
            max_query_nesting=config.max_query_nesting,
        )
    )
    executor = FederatedExecutor(federation, transport=transport)
    app.extensions[FEDERATION_KEY] = GatewayFederation(federation, transport, executor)
    logger.info("federation of %d members from %s", len(federation), config.members)


def installed_federation() -> GatewayFederation | None:
    """Return the federation of the current app, or ``None`` when it has no members."""
    return current_app.extensions.get(FEDERATION_KEY)


def gateway_federation() -> GatewayFederation:
    """Return the federation of the current app; raise InputError when it has none."""
    installed = current_app.extensions.get(FEDERATION_KEY)
    if installed is None:
        raise InputError(
            "live=true needs federation members, and this marketplace has none: "
            "start it with --members FILE (or MPLI_MEMBERS), or leave out live=true"
        )
    return installed
