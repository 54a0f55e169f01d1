"""``mpli demo``: load the example providers and resolve every example consumer manifest.

First it validates each provider manifest in ``examples/providers/`` and loads
it into an in-memory store, printing one line per provider with its offerings,
its SHACL result and the time taken. Then it resolves each consumer manifest in
``examples/consumers/`` and prints its ranked table with the reasons for near
misses. Exit 0 when every step ran, 2 when an example file is missing or invalid.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from mpli_graph.commands.resolve import read_consumer
from mpli_graph.errors import InputError
from mpli_graph.resolution import resolve
from mpli_graph.resolution.providers import find_manifest_files, load_providers
from mpli_graph.resolution.render import render_table
from mpli_graph.resources import EXAMPLES_DIR
from mpli_graph.store import ManifestStore

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="load the example providers and resolve the example consumer manifests",
        description=(
            "Validate and load every provider manifest in examples/providers/ into an in-memory "
            "store, then resolve every consumer manifest in examples/consumers/ and print the ranked "
            "offerings with the reasons for near misses."
        ),
    )
    parser.add_argument(
        "--top", type=int, default=5, metavar="N", help="compatible offerings to show per consumer (default: 5)"
    )
    parser.add_argument(
        "--near-misses",
        type=int,
        default=3,
        metavar="N",
        help="incompatible offerings to explain per consumer (default: 3)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo and return 0, or raise an MpliError for an invalid example file."""
    if args.top < 1 or args.near_misses < 0:
        raise InputError("--top must be at least 1 and --near-misses at least 0")
    started = time.perf_counter()

    store = ManifestStore()
    print("Provider manifests (validated with the SHACL shapes, then loaded):")
    loads = load_providers(store, find_manifest_files([EXAMPLES_DIR / "providers"]))
    for load in loads:
        state = f"{load.offerings:5d} offerings" if load.loaded else "  skipped      "
        print(f"  {load.path.name:28s} {state}  {load.summary}  ({load.seconds:.1f} s)")
    total = sum(load.offerings for load in loads)
    print(f"  {total} offerings from {sum(1 for load in loads if load.loaded)} providers\n")

    consumers = sorted(Path(EXAMPLES_DIR / "consumers").glob("*.ttl"))
    if not consumers:
        raise InputError(f"no consumer manifests found in {EXAMPLES_DIR / 'consumers'}")
    for path in consumers:
        graph = read_consumer(path)
        resolve_started = time.perf_counter()
        resolution = resolve(store, graph)
        elapsed = (time.perf_counter() - resolve_started) * 1000

        print("=" * 100)
        print(f"{path.name}  (resolved in {elapsed:.0f} ms)")
        print(render_table(resolution, top=args.top, near_misses=args.near_misses))
        print()

    print(f"Demo finished in {time.perf_counter() - started:.1f} s.")
    return 0
