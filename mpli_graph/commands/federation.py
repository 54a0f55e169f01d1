"""``mpli federation demo``: a small live federation on this machine.

The demo starts one ``mpli serve provider`` process per provider manifest on a
free loopback port, and a marketplace gateway with the federation blueprint in
this process. It posts a consumer manifest to the marketplace's live
resolution route, prints the ranking and the status of each member, and stops
every process it started.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from werkzeug.serving import WSGIRequestHandler, make_server

from mpli_graph.errors import InputError, LimitExceededError
from mpli_graph.federation.blueprint import create_federation_blueprint
from mpli_graph.federation.cli_support import format_sources
from mpli_graph.federation.members import members_from_urls
from mpli_graph.federation.result import SourceReport
from mpli_graph.federation.transport import Transport
from mpli_graph.resources import EXAMPLES_DIR

logger = logging.getLogger(__name__)

DEFAULT_PROVIDERS = EXAMPLES_DIR / "providers"
DEFAULT_CONSUMER = EXAMPLES_DIR / "consumers" / "german-public-sector.ttl"
STARTUP_TIMEOUT = 60.0
"""Seconds a provider process may take to print its address."""
SERVING_PREFIX = "mpli provider serving on "


class QuietHandler(WSGIRequestHandler):
    """A request handler that does not print one line per request."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``mpli federation demo``."""
    parser = subparsers.add_parser(
        "federation",
        help="live federation across provider endpoints",
        description="Run federated queries and live resolution across provider SPARQL endpoints.",
    )
    actions = parser.add_subparsers(dest="federation_action", metavar="ACTION", required=True)

    demo = actions.add_parser(
        "demo",
        help="start a provider endpoint per manifest and a marketplace, resolve live, stop them",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--providers",
        nargs="+",
        type=Path,
        metavar="PATH",
        help=f"provider manifest files or folders of them (default: {DEFAULT_PROVIDERS})",
    )
    demo.add_argument(
        "--consumer",
        type=Path,
        default=DEFAULT_CONSUMER,
        metavar="FILE",
        help=f"consumer manifest in Turtle to resolve (default: {DEFAULT_CONSUMER})",
    )
    demo.add_argument("--top", type=int, default=5, metavar="N", help="number of offerings to show (default 5)")
    demo.set_defaults(handler=run_demo)


def manifest_paths(paths: list[Path] | None) -> list[Path]:
    """Return the Turtle manifests named by files and folders, sorted."""
    found: list[Path] = []
    for path in paths or [DEFAULT_PROVIDERS]:
        if path.is_dir():
            found += sorted(path.glob("*.ttl"))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"provider manifest {path} not found: give a .ttl file or a folder of them")
    if not found:
        raise InputError("no provider manifest (*.ttl) found: pass --providers PATH")
    return found


def start_provider(manifest: Path) -> subprocess.Popen:
    """Start ``mpli serve provider`` for one manifest on a free loopback port."""
    command = [
        sys.executable, "-m", "mpli_graph.cli", "serve", "provider",
        "--manifest", str(manifest), "--host", "127.0.0.1", "--port", "0",
    ]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment
    )


def wait_for_address(process: subprocess.Popen, manifest: Path) -> str:
    """Read the provider's address from its first output line and return its SPARQL endpoint."""
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(STARTUP_TIMEOUT)

    line = result[0].strip() if result else ""
    if not line.startswith(SERVING_PREFIX):
        raise LimitExceededError(
            f"the provider endpoint for {manifest} did not start within {STARTUP_TIMEOUT:g} s "
            f"(exit code {process.poll()}): run `mpli serve provider --manifest {manifest}` to see why"
        )
    return line.removeprefix(SERVING_PREFIX).rstrip("/") + "/sparql"


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """Terminate every started process by its own handle and wait for it."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def start_marketplace(endpoints: list[str], transport: Transport):
    """Start a marketplace gateway with the federation blueprint on a free loopback port."""
    from mpli_graph.gateway import create_app
    from mpli_graph.gateway.config import GatewayConfig

    app = create_app(GatewayConfig(role="marketplace", port=0))
    app.register_blueprint(create_federation_blueprint(members_from_urls(endpoints), transport=transport))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    return server, thread


def run_demo(args: argparse.Namespace) -> int:
    """Run the demo; return 0 when every member responded, 1 when some did not."""
    if args.top < 1:
        raise InputError(f"--top must be at least 1, got {args.top}")
    manifests = manifest_paths(args.providers)
    consumer = args.consumer.read_bytes()

    processes: list[subprocess.Popen] = []
    server = thread = None
    transport = Transport()
    try:
        print(f"starting {len(manifests)} provider endpoints ...", flush=True)
        processes = [start_provider(manifest) for manifest in manifests]
        endpoints = [wait_for_address(process, manifest) for process, manifest in zip(processes, manifests)]
        for manifest, endpoint in zip(manifests, endpoints):
            print(f"  {endpoint}  {manifest.name}")

        server, thread = start_marketplace(endpoints, transport)
        resolve_url = f"http://127.0.0.1:{server.server_port}/federation/resolve?top={args.top}"
        print(f"marketplace: POST {resolve_url}", flush=True)

        started = time.monotonic()
        response = httpx.post(
            resolve_url, content=consumer, headers={"Content-Type": "text/turtle"}, timeout=120.0, trust_env=False
        )
        elapsed = time.monotonic() - started
        body = response.json()
        if response.status_code != 200:
            print(f"error: the marketplace returned HTTP {response.status_code}: {body.get('message')}", file=sys.stderr)
            return 2

        print_ranking(body, elapsed)
        sources = [SourceReport(s["endpoint"], s["status"], s["elapsed_ms"], s["error"]) for s in body["sources"]]
        print(format_sources(sources))
        return 0 if all(source.status == "ok" for source in sources) else 1
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        transport.close()
        stop_processes(processes)
        print(f"stopped {len(processes)} provider endpoints and the marketplace")


def print_ranking(body: dict, elapsed: float) -> None:
    """Print the ranked offerings of a live resolution."""
    print(
        f"live resolution of {body['consumer']} in {elapsed * 1000:.0f} ms: "
        f"{body['compatible_count']} of {body['offering_count']} offerings meet every must"
    )
    for result in body["results"]:
        mark = "compatible" if result["compatible"] else "not compatible"
        name = result.get("label") or result.get("offering_id") or result["offering"]
        provider = result.get("provider_label") or result["provider"]
        print(f"  {result['rank']:>3}. {name} ({provider}), score {result['score']}, {mark}")
