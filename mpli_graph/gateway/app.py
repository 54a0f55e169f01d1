"""The Flask app factory: one app per role, built from a :class:`GatewayConfig`.

A *provider* app serves one manifest: ``/.well-known/mpli``, VoID, the SPARQL
endpoint and the Graph Store Protocol for admin replacements. A *marketplace*
app serves every manifest it loaded, the same SPARQL endpoint over all of
them, the REST API described at ``/openapi.json`` and an HTML page at ``/``,
and with a members file the federation routes under ``/federation``.

Each manifest loaded at start is parsed and validated first. A provider whose
manifest does not conform does not start. A marketplace skips such a manifest
with a warning, and also one whose provider another manifest already describes.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from flask import Flask, Response, jsonify, request
from pyoxigraph import RdfFormat
from werkzeug.middleware.proxy_fix import ProxyFix

from mpli_graph.errors import ConflictError, InputError, NotConformingError
from mpli_graph.gateway import graph_store, marketplace, provider, sparql
from mpli_graph.gateway.backend import GraphBackend
from mpli_graph.gateway.config import GatewayConfig
from mpli_graph.gateway.credentials import install_credentials
from mpli_graph.gateway.documents import check_manifest
from mpli_graph.gateway.errors import register_error_handlers
from mpli_graph.gateway.federation import install_federation
from mpli_graph.gateway.limits import DOCUMENTS_BUSY, QUERIES_BUSY, QueryRunner
from mpli_graph.gateway.request_log import install_request_hooks
from mpli_graph.gateway.state import EXTENSION_KEY, GatewayState
from mpli_graph.manifest import format_for_path
from mpli_graph.store import ManifestStore

logger = logging.getLogger(__name__)

MANIFEST_SUFFIXES = (".ttl", ".jsonld", ".json", ".nt", ".rdf")


def source_iri_for(path: Path) -> str:
    """Return the source IRI of a manifest file: its absolute ``file:`` URI."""
    return path.resolve().as_uri()


def load_manifest_file(backend: GraphBackend, path: Path) -> str:
    """Parse, validate and load one manifest file; return its source IRI.

    Raise :class:`NotConformingError` (with the report) when it does not conform.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the manifest: {error.strerror or error}") from None
    source = source_iri_for(path)
    checked = check_manifest(data, format_for_path(path), str(path), validate=True)
    backend.replace_graph(
        source, checked.n_triples, RdfFormat.N_TRIPLES, checked.summary, origin=source
    )
    return source


def manifest_files(paths: tuple[Path, ...]) -> list[Path]:
    """Expand folders into the manifest files they contain (by suffix), sorted; keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(item for item in path.iterdir() if item.suffix.lower() in MANIFEST_SUFFIXES)
            )
        elif path.exists():
            found.append(path)
        else:
            raise InputError(
                f"{path}: no such file or folder; pass manifest files or folders that hold them"
            )
    return found


def _load_providers(backend: GraphBackend, paths: tuple[Path, ...]) -> None:
    for path in manifest_files(paths):
        try:
            load_manifest_file(backend, path)
        except (NotConformingError, ConflictError) as error:
            logger.warning("skipped manifest %s: %s", path, error.message)
        else:
            logger.info("loaded manifest %s", path)


def _index_page() -> Response:
    page = resources.files("mpli_graph.gateway").joinpath("static/index.html").read_bytes()
    return Response(page, status=200, content_type="text/html; charset=utf-8")


def _openapi_document() -> Response:
    document = resources.files("mpli_graph.gateway").joinpath("openapi.json").read_bytes()
    return Response(document, status=200, content_type="application/json")


def _provider_index() -> Response:
    root = request.host_url
    return jsonify(
        {
            "manifest": root + provider.MANIFEST_PATH.lstrip("/"),
            "void": root + provider.VOID_PATH.lstrip("/"),
            "sparql": root + "sparql",
            "graph_store": root + "rdf-graphs?default",
        }
    )


def create_app(config: GatewayConfig, manifest_store: ManifestStore | None = None) -> Flask:
    """Build the gateway app for ``config``; load its manifests into ``manifest_store`` or a new store.

    Raises :class:`MpliError` subclasses for a missing, invalid or non-conforming provider manifest.
    """
    if manifest_store is None:
        manifest_store = ManifestStore(config.store_path)
    backend = GraphBackend(manifest_store)

    manifest_graph = None
    if config.role == "provider":
        if config.manifest is None:
            raise InputError(
                "a provider endpoint needs its manifest: pass --manifest FILE or set MPLI_MANIFEST"
            )
        manifest_graph = load_manifest_file(backend, config.manifest)
        logger.info("serving manifest %s as graph <%s>", config.manifest, manifest_graph)
    else:
        _load_providers(backend, config.providers)

    app = Flask("mpli_graph.gateway")
    if config.trusted_proxies:
        hops = config.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)  # type: ignore[method-assign]
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = True
    app.extensions[EXTENSION_KEY] = GatewayState(
        config=config,
        backend=backend,
        runner=QueryRunner(config.query_limits, QUERIES_BUSY),
        document_runner=QueryRunner(config.document_limits, DOCUMENTS_BUSY),
        manifest_graph=manifest_graph,
        manifest_store=manifest_store,
    )

    register_error_handlers(app)
    install_request_hooks(app, config.cors_origin)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(provider.blueprint)
    app.register_blueprint(graph_store.blueprint)

    if config.role == "marketplace":
        app.register_blueprint(marketplace.blueprint)
        install_credentials(app, config)
        install_federation(app, config, manifest_store)
        app.add_url_rule("/", "index", _index_page, methods=["GET"])
        app.add_url_rule("/openapi.json", "openapi", _openapi_document, methods=["GET"])
    else:
        app.add_url_rule("/", "index", _provider_index, methods=["GET"])

    logger.info(
        "%s gateway ready: %d manifest graphs, %d triples",
        config.role,
        len(backend.graph_names()),
        backend.triple_count(),
    )
    return app


__all__ = ["create_app", "load_manifest_file", "manifest_files", "source_iri_for"]
