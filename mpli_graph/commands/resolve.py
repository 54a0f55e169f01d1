"""``mpli resolve``: rank every provider offering against a consumer manifest.

Exit codes: 0 when at least one offering satisfies every must requirement, and
1 when none does. Exit 2 means invalid input: the consumer manifest or a
provider file cannot be read or does not conform to the shapes, or the consumer
uses a term the vocabulary does not define.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import rdflib

from mpli_graph.errors import InputError, NotConformingError
from mpli_graph.manifest import parse_file
from mpli_graph.manifest.validate import validate
from mpli_graph.resolution import resolve
from mpli_graph.resolution.providers import find_manifest_files, load_providers
from mpli_graph.resolution.render import render_table
from mpli_graph.resources import EXAMPLES_DIR
from mpli_graph.store import ManifestStore

logger = logging.getLogger(__name__)

DEFAULT_PROVIDERS = EXAMPLES_DIR / "providers"
DEFAULT_TABLE_ROWS = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``resolve`` sub-command."""
    parser = subparsers.add_parser(
        "resolve",
        help="rank provider offerings against a consumer manifest",
        description=(
            "Validate a consumer manifest, load and validate the provider manifests, and rank "
            "every offering: offerings that satisfy every must first, then by the weighted should "
            "score, then by price per hour. Exit 0 when an offering is compatible, 1 when none is, "
            "2 on invalid input."
        ),
    )
    parser.add_argument("consumer", metavar="CONSUMER_FILE", type=Path, help="the consumer manifest")
    parser.add_argument(
        "--providers",
        nargs="+",
        metavar="PATH",
        type=Path,
        help="provider manifest files or folders of them "
        f"(default: the bundled {DEFAULT_PROVIDERS.relative_to(EXAMPLES_DIR.parent)}/)",
    )
    parser.add_argument(
        "--store",
        metavar="PATH",
        type=Path,
        help="an on-disk store folder; without --providers the manifests already in it are used",
    )
    parser.add_argument("--top", type=int, metavar="N", help="show only the best N offerings")
    parser.add_argument(
        "--format",
        choices=("table", "json", "turtle"),
        default="table",
        help="output on standard output (default: table)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="reject a provider file that does not conform to the shapes instead of skipping it",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Resolve the consumer manifest named in ``args`` and print the ranking."""
    if args.top is not None and args.top < 1:
        raise InputError(f"--top must be at least 1, got {args.top}")

    consumer_graph = read_consumer(args.consumer)
    with open_store(args.store, args.providers, strict=args.strict) as store:
        resolution = resolve(store, consumer_graph, top=args.top if args.format != "table" else None)

    if args.format == "json":
        json.dump(resolution.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif args.format == "turtle":
        sys.stdout.write(resolution.to_turtle())
    else:
        print(render_table(resolution, top=args.top or DEFAULT_TABLE_ROWS))

    return 0 if resolution.compatible_total > 0 else 1


def read_consumer(path: Path) -> rdflib.Graph:
    """Parse and validate a consumer manifest; raise InputError with the SHACL report when it does not conform."""
    graph = parse_file(path)
    report = validate(graph)
    if not report.conforms:
        raise InputError(f"{path}: the consumer manifest {report.to_text()}")
    return graph


def open_store(store_path: Path | None, providers: list[Path] | None, *, strict: bool) -> ManifestStore:
    """Open the store and load the provider manifests into it; the caller closes the store.

    Without ``providers``, an on-disk store that already contains sources is used as it is,
    and any other store gets the bundled example providers.
    """
    store = ManifestStore(store_path)
    try:
        _load_providers(store, store_path, providers, strict=strict)
    except BaseException:
        store.close()
        raise
    return store


def _load_providers(store: ManifestStore, store_path: Path | None, providers: list[Path] | None, *, strict: bool) -> None:
    if providers is None and store_path is not None and store.sources():
        return

    files = find_manifest_files(providers or [DEFAULT_PROVIDERS])
    try:
        loads = load_providers(store, files, strict=strict)
    except NotConformingError as error:
        raise InputError(f"{error.message}\n(--strict rejects a provider file that does not conform)") from None

    for load in loads:
        if not load.loaded:
            print(f"warning: skipped {load.path}: the provider manifest {load.summary}", file=sys.stderr)
    if not any(load.loaded for load in loads):
        raise InputError("no provider manifest could be loaded; check the files with `mpli validate`")
