"""``mpli serve``: run a provider endpoint or a marketplace on a local HTTP server.

Configuration comes from the defaults, then the ``MPLI_`` environment
variables (see :mod:`mpli_graph.gateway.config`), then the flags. The admin
token for Graph Store writes comes from ``MPLI_ADMIN_TOKEN`` or, taking
precedence, ``--token-file``. The built-in server is werkzeug's threaded
server; ``docs/serving.md`` shows how to run the same app under waitress or
gunicorn.
"""

from __future__ import annotations

import argparse
import logging
import signal
from pathlib import Path

from werkzeug.serving import make_server

from mpli_graph.errors import InputError
from mpli_graph.gateway import create_app
from mpli_graph.gateway.config import GatewayConfig, config_from_environment

logger = logging.getLogger(__name__)


def read_token_file(path: Path) -> str:
    """Return the admin token stored in ``path`` (surrounding white space removed)."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise InputError(f"{path}: cannot read the token file: {error.strerror or error}") from None
    if not token:
        raise InputError(f"{path}: the token file is empty; write the admin token into it")
    return token


def build_config(args: argparse.Namespace) -> GatewayConfig:
    """Combine the environment and the parsed flags into the gateway configuration."""
    config = config_from_environment(args.role)
    token = read_token_file(args.token_file) if args.token_file else None
    return config.with_overrides(
        host=args.host,
        port=args.port,
        store_path=args.store,
        manifest=getattr(args, "manifest", None),
        providers=tuple(args.providers) if getattr(args, "providers", None) else None,
        members=getattr(args, "members", None),
        trust_policy=getattr(args, "trust_policy", None),
        admin_token=token,
        query_timeout=args.query_timeout,
    )


def run_server(args: argparse.Namespace) -> int:
    """Start the gateway for ``args.role`` and serve until interrupted."""
    config = build_config(args)
    if logging.getLogger().getEffectiveLevel() > logging.INFO:
        logging.getLogger("mpli_graph").setLevel(logging.INFO)

    app = create_app(config)
    server = make_server(config.host, config.port, app, threaded=True)
    url = f"http://{config.host}:{server.server_port}/"
    signal.signal(signal.SIGTERM, _stop_on_signal)
    print(f"mpli {config.role} serving on {url}", flush=True)
    logger.info("%s listening on %s", config.role, url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        logger.info("%s on %s stopped", config.role, url)
    finally:
        server.server_close()
    return 0


def _stop_on_signal(signal_number: int, frame: object) -> None:
    """Stop the server on SIGTERM the same way as on Ctrl-C, so it closes its socket and store."""
    raise KeyboardInterrupt


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1, env MPLI_HOST)")
    parser.add_argument(
        "--port", type=int, help="TCP port; 0 picks a free one (default 8080, env MPLI_PORT)"
    )
    parser.add_argument(
        "--store",
        type=Path,
        help="folder of an on-disk pyoxigraph store (default: in memory, env MPLI_STORE)",
    )
    parser.add_argument(
        "--token-file",
        type=Path,
        help="file containing the admin bearer token for Graph Store writes (takes precedence over env MPLI_ADMIN_TOKEN, which contains the token itself)",
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        metavar="SECONDS",
        help="time limit of one SPARQL query in seconds (default 10, env MPLI_QUERY_TIMEOUT)",
    )
    parser.set_defaults(handler=run_server)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``mpli serve provider`` and ``mpli serve marketplace``."""
    serve = subparsers.add_parser(
        "serve",
        help="serve a provider manifest or a marketplace over HTTP",
        description="Serve a provider manifest or a marketplace over HTTP (SPARQL 1.1 Protocol, REST API).",
    )
    roles = serve.add_subparsers(dest="role", metavar="ROLE", required=True)

    provider = roles.add_parser(
        "provider",
        help="publish one manifest at /.well-known/mpli with a read-only SPARQL endpoint",
    )
    provider.add_argument(
        "--manifest",
        type=Path,
        help="the provider manifest file (required unless MPLI_MANIFEST is set)",
    )
    _add_common_options(provider)

    marketplace = roles.add_parser(
        "marketplace", help="serve many manifests with SPARQL, resolution and a REST API"
    )
    marketplace.add_argument(
        "--providers",
        type=Path,
        nargs="+",
        metavar="PATH",
        help="manifest files or folders of them to load (env MPLI_PROVIDERS, separated by ':')",
    )
    marketplace.add_argument(
        "--members",
        type=Path,
        metavar="FILE",
        help="federation members file (Turtle, or one endpoint URL per line): serves /federation/sparql "
        "and live resolution with POST /resolve?live=true (env MPLI_MEMBERS)",
    )
    marketplace.add_argument(
        "--trust-policy",
        type=Path,
        metavar="FILE",
        help="trust policy (Turtle or JSON) for POST /credentials/verify when a request names none "
        "(env MPLI_TRUST_POLICY)",
    )
    _add_common_options(marketplace)
