"""Command-line support for live resolution: the flags and the handler code for ``mpli resolve``.

``mpli resolve CONSUMER --members FILE`` or ``--endpoint URL`` (repeatable)
resolves against the members' live endpoints instead of local files. The
``resolve`` command adds the flags with :func:`add_live_arguments` and, when
:func:`federation_from_args` returns a federation, calls :func:`resolve_from_args`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

import rdflib

from mpli_graph.errors import InputError
from mpli_graph.federation.live import LiveResolution, resolve_live
from mpli_graph.federation.members import (
    DEFAULT_TIMEOUT,
    Federation,
    FederationMember,
    load_members,
    members_from_urls,
    parse_timeout,
)
from mpli_graph.federation.result import SourceReport
from mpli_graph.store import ManifestStore


def add_live_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --members, --endpoint, --member-timeout and --fallback-store to a parser."""
    group = parser.add_argument_group("live resolution across federation members")
    group.add_argument(
        "--members",
        type=Path,
        metavar="FILE",
        help="members file (Turtle with mpli:FederationMember, or one endpoint URL per line "
        "with an optional timeout in seconds); resolves against the live endpoints",
    )
    group.add_argument(
        "--endpoint",
        action="append",
        metavar="URL",
        default=[],
        help="a member's SPARQL endpoint URL; repeat for each member (adds to --members)",
    )
    group.add_argument(
        "--member-timeout",
        metavar="SECONDS",
        help=f"time limit for each --endpoint member in seconds (default {DEFAULT_TIMEOUT:g})",
    )
    group.add_argument(
        "--strict-members",
        action="store_true",
        help="fail (exit 2) when a member does not respond, instead of leaving it out",
    )


def federation_from_args(args: argparse.Namespace) -> Federation | None:
    """Return the federation named by --members and --endpoint, or None when neither is given."""
    members_file = getattr(args, "members", None)
    endpoints = getattr(args, "endpoint", None) or []
    if members_file is None and not endpoints:
        if getattr(args, "member_timeout", None) is not None:
            raise InputError("--member-timeout needs --endpoint URL: name the members to ask")
        return None

    timeout = DEFAULT_TIMEOUT
    if getattr(args, "member_timeout", None) is not None:
        timeout = parse_timeout(str(args.member_timeout), "--member-timeout")

    members: list[FederationMember] = list(load_members(members_file)) if members_file else []
    members += list(members_from_urls(endpoints, timeout))
    return Federation(members)


def resolve_from_args(
    args: argparse.Namespace,
    federation: Federation,
    consumer_graph: rdflib.Graph,
    fallback: ManifestStore | None = None,
) -> LiveResolution:
    """Resolve against the live members; print each failed member on standard error."""
    live = resolve_live(
        federation,
        consumer_graph,
        top=getattr(args, "top", None),
        fallback=fallback,
        partial=not getattr(args, "strict_members", False),
    )
    print_failed_sources(live.sources, sys.stderr)
    return live


def print_failed_sources(sources: list[SourceReport], stream: TextIO) -> None:
    """Print one warning line for each member that did not respond live."""
    for source in sources:
        if source.status == "ok":
            continue
        age = f", copy {source.age_seconds:.0f} s old" if source.age_seconds is not None else ""
        print(f"warning: member {source.endpoint}: {source.status}{age}: {source.error}", file=stream)


def format_sources(sources: list[SourceReport]) -> str:
    """Return a small table of the members asked: endpoint, status and time."""
    lines = [f"{'status':<10} {'ms':>8}  endpoint"]
    for source in sources:
        lines.append(f"{source.status:<10} {source.elapsed_ms:>8.1f}  {source.endpoint}")
    return "\n".join(lines)
