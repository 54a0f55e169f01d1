"""Gateway configuration: defaults, then ``MPLI_`` environment variables, then explicit values.

``mpli serve`` builds a :class:`GatewayConfig` from the environment and
overrides fields with its command-line flags; tests build one directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from mpli_graph.errors import InputError
from mpli_graph.gateway.limits import QueryLimits
from mpli_graph.gateway.query_guard import DEFAULT_MAX_NESTING_DEPTH

ROLES = ("provider", "marketplace")


@dataclass(frozen=True)
class GatewayConfig:
    """Everything a gateway app needs to start.

    ``role`` is ``provider`` (one manifest, SERVICE rejected) or ``marketplace``
    (many manifests, REST API). Sizes are in bytes and times in seconds.
    ``trusted_proxies`` is the number of reverse proxies in front of the app whose
    ``X-Forwarded-*`` headers are believed when building public URLs.
    ``members`` is a federation members file: a marketplace with one serves
    ``/federation/sparql``, ``/federation/resolve`` and ``POST /resolve?live=true``.
    ``trust_policy`` is the trust policy file that ``POST /credentials/verify``
    applies when a request brings no policy of its own.
    """

    role: str = "provider"
    host: str = "127.0.0.1"
    port: int = 8080
    manifest: Path | None = None
    providers: tuple[Path, ...] = ()
    members: Path | None = None
    trust_policy: Path | None = None
    store_path: Path | None = None
    admin_token: str | None = field(default=None, repr=False)
    max_body_bytes: int = 4 * 1024 * 1024
    query_timeout: float = 10.0
    max_result_bytes: int = 16 * 1024 * 1024
    max_concurrent_queries: int = 4
    max_concurrent_documents: int = 4
    max_query_nesting: int = DEFAULT_MAX_NESTING_DEPTH
    union_default_graph: bool = True
    cors_origin: str = "*"
    trusted_proxies: int = 0
    page_size: int = 50
    max_page_size: int = 500

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise InputError(f"unknown gateway role {self.role!r}; use one of: {', '.join(ROLES)}")
        if not 0 <= self.port <= 65535:
            raise InputError(
                f"port {self.port} is out of range; use 0 to 65535 (0 picks a free port)"
            )
        for name in (
            "max_body_bytes",
            "max_result_bytes",
            "max_concurrent_queries",
            "max_concurrent_documents",
            "max_query_nesting",
            "page_size",
        ):
            if getattr(self, name) <= 0:
                raise InputError(f"{name} must be positive, got {getattr(self, name)}")
        if self.trusted_proxies < 0:
            raise InputError(f"trusted_proxies must be 0 or more, got {self.trusted_proxies}")
        if self.query_timeout <= 0:
            raise InputError(f"query_timeout must be positive, got {self.query_timeout}")

    @property
    def query_limits(self) -> QueryLimits:
        """Return the limits that every SPARQL query of this gateway runs under."""
        return QueryLimits(
            timeout=self.query_timeout,
            max_result_bytes=self.max_result_bytes,
            max_concurrent_queries=self.max_concurrent_queries,
        )

    @property
    def document_limits(self) -> QueryLimits:
        """Return the limits for resolution, validation and verification, with their own slots."""
        return QueryLimits(
            timeout=self.query_timeout,
            max_result_bytes=self.max_result_bytes,
            max_concurrent_queries=self.max_concurrent_documents,
        )

    def with_overrides(self, **values: object) -> GatewayConfig:
        """Return a copy with every value that is not ``None`` set."""
        return replace(self, **{name: value for name, value in values.items() if value is not None})


ENVIRONMENT_VARIABLES: dict[str, str] = {
    "MPLI_HOST": "host",
    "MPLI_PORT": "port",
    "MPLI_MANIFEST": "manifest",
    "MPLI_PROVIDERS": "providers",
    "MPLI_MEMBERS": "members",
    "MPLI_TRUST_POLICY": "trust_policy",
    "MPLI_STORE": "store_path",
    "MPLI_ADMIN_TOKEN": "admin_token",
    "MPLI_MAX_BODY_BYTES": "max_body_bytes",
    "MPLI_QUERY_TIMEOUT": "query_timeout",
    "MPLI_MAX_RESULT_BYTES": "max_result_bytes",
    "MPLI_MAX_CONCURRENT_QUERIES": "max_concurrent_queries",
    "MPLI_MAX_CONCURRENT_DOCUMENTS": "max_concurrent_documents",
    "MPLI_MAX_QUERY_NESTING": "max_query_nesting",
    "MPLI_UNION_DEFAULT_GRAPH": "union_default_graph",
    "MPLI_CORS_ORIGIN": "cors_origin",
    "MPLI_TRUSTED_PROXIES": "trusted_proxies",
}


def _convert(name: str, variable: str, raw: str) -> object:
    """Convert the text of environment variable ``variable`` to the type of field ``name``."""
    kinds = {item.name: item.type for item in fields(GatewayConfig)}
    kind = str(kinds[name])
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise InputError(
            f"{variable}={raw!r} is not a number; set it to a number or unset it"
        ) from None
    if kind == "bool":
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise InputError(f"{variable}={raw!r} is not a boolean; use true or false")
    if name == "providers":
        return tuple(Path(part) for part in raw.split(os.pathsep) if part)
    if name in ("manifest", "store_path", "members", "trust_policy"):
        return Path(raw)
    return raw


def config_from_environment(
    role: str, environment: Mapping[str, str] | None = None
) -> GatewayConfig:
    """Build a configuration for ``role`` from the defaults and the ``MPLI_`` variables."""
    environment = os.environ if environment is None else environment
    values: dict[str, object] = {"role": role}
    for variable, name in ENVIRONMENT_VARIABLES.items():
        raw = environment.get(variable)
        if raw is None or raw == "":
            continue
        values[name] = _convert(name, variable, raw)
    return GatewayConfig(**values)  # type: ignore[arg-type]
