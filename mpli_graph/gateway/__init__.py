"""The HTTP gateway: a provider's endpoint and a marketplace's API, as Flask apps.

>>> app = create_app(GatewayConfig(role="provider", manifest=Path("my.ttl")))  # doctest: +SKIP
"""

from mpli_graph.gateway.app import create_app
from mpli_graph.gateway.config import GatewayConfig, config_from_environment

__all__ = ["GatewayConfig", "config_from_environment", "create_app"]
