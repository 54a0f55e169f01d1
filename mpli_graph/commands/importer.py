"""The ``mpli import`` command: convert public provider data into provider manifests."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from mpli_graph.importers import DEFAULT_OUTPUT, DEFAULT_SOURCE, import_providers

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``mpli import providers`` to the command's sub-parsers."""
    parser = subparsers.add_parser(
        "import", help="convert public data into MPLI manifests", description=__doc__
    )
    kinds = parser.add_subparsers(dest="import_kind", metavar="KIND", required=True)

    providers = kinds.add_parser(
        "providers",
        help="write one provider manifest (Turtle) per provider",
        description=(
            "Convert the provider data files (offerings, regions, certification claims, "
            "managed services, Gaia-X credentials) into one MPLI provider manifest per "
            "provider. Re-running gives identical files."
        ),
    )
    providers.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        metavar="DIR",
        help=f"folder with the source files and source_files.csv (default: {DEFAULT_SOURCE})",
    )
    providers.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help=f"folder for the <provider>.ttl files, created if missing (default: {DEFAULT_OUTPUT})",
    )
    providers.set_defaults(handler=run_providers)


def run_providers(args: argparse.Namespace) -> int:
    """Run the provider import and print the written files; return the exit code."""
    paths = import_providers(args.source, args.output)
    for path in paths:
        print(path)
    return 0
