"""The ``mpli`` command.

Each sub-command lives in its own module under :mod:`mpli_graph.commands` and
exposes ``register(subparsers)``, which adds its parser and sets ``handler``.
A handler returns the exit code: 0 success, 1 does not conform or no match,
2 usage or input error.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from mpli_graph import __version__
from mpli_graph.errors import MpliError

COMMAND_MODULES = [
    "mpli_graph.commands.validate",
    "mpli_graph.commands.importer",
    "mpli_graph.commands.resolve",
    "mpli_graph.commands.demo",
    "mpli_graph.commands.serve",
    "mpli_graph.commands.credential",
    "mpli_graph.commands.federation",
]

logger = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command that is installed."""
    parser = argparse.ArgumentParser(
        prog="mpli",
        description="Describe, validate, resolve and serve cloud offerings as RDF.",
    )
    parser.add_argument("--version", action="version", version=f"mpli-graph {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more (repeat for debug output)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")

    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        module.register(subparsers)

    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``mpli`` command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)

    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")

    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2

    try:
        return int(args.handler(args))
    except MpliError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
