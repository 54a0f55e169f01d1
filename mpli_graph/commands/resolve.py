"""``mpli resolve``: rank every provider offering against a consumer manifest.

The offerings come from provider manifest files, an on-disk store, or, with
``--members FILE`` or ``--endpoint URL``, the live SPARQL endpoints of
federation members. With ``--policy FILE --credentials FILE...`` a requirement
at ``mpli:trustLevel mpli:VerifiedLevel`` counts a certification only when the
credential that backs it (``mpli:backedBy``) passes the trust checks.

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
from dataclasses import dataclass
from pathlib import Path

import rdflib

from mpli_graph.errors import InputError, NotConformingError
from mpli_graph.federation.cli_support import (
    add_live_arguments,
    federation_from_args,
    print_failed_sources,
)
from mpli_graph.federation.live import LiveResolution, resolve_live
from mpli_graph.federation.members import Federation
from mpli_graph.manifest import parse_file
from mpli_graph.manifest.validate import validate
from mpli_graph.resolution import Resolution, resolve
from mpli_graph.resolution.providers import find_manifest_files, load_providers
from mpli_graph.resolution.render import render_table
from mpli_graph.resources import EXAMPLES_DIR
from mpli_graph.store import ManifestStore
from mpli_graph.trust.claims import CredentialChecker, load_credentials
from mpli_graph.trust.did import DidResolver
from mpli_graph.trust.policy import TrustPolicy, load_policy

logger = logging.getLogger(__name__)

DEFAULT_PROVIDERS = EXAMPLES_DIR / "providers"
DEFAULT_TABLE_ROWS = 10
CREDENTIAL_SUFFIXES = (".json", ".jsonld", ".jwt")


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
        help="an on-disk store folder; without --providers the manifests already in it are used, and with "
        "--members or --endpoint its harvested copy stands in for a member that does not respond",
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
    add_live_arguments(parser)
    _add_trust_arguments(parser)
    parser.set_defaults(handler=run)


def _add_trust_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("verified claims (requirements at mpli:VerifiedLevel)")
    group.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="trust policy (Turtle or JSON) naming the issuers trusted per claim kind and scheme",
    )
    group.add_argument(
        "--credentials",
        type=Path,
        nargs="+",
        action="extend",
        metavar="PATH",
        help="credential files (JSON-LD or compact vc+jwt) or folders of them: the credentials that "
        "claims name with mpli:backedBy and the status list credentials they point at",
    )
    group.add_argument(
        "--did-web-allow",
        nargs="+",
        action="extend",
        metavar="HOST",
        help="allow fetching did:web documents over HTTPS from this host (host or host:port)",
    )


def run(args: argparse.Namespace) -> int:
    """Resolve the consumer manifest named in ``args`` and print the ranking."""
    if args.top is not None and args.top < 1:
        raise InputError(f"--top must be at least 1, got {args.top}")

    trust = read_trust_arguments(args)
    federation = federation_from_args(args)
    if federation is not None and args.providers:
        raise InputError("--providers reads local files and --members/--endpoint ask live endpoints: use one of them")

    consumer_graph = read_consumer(args.consumer)
    top = args.top if args.format != "table" else None
    live = None
    if federation is not None:
        fallback = ManifestStore(args.store) if args.store is not None else None
        try:
            live = resolve_federation(federation, consumer_graph, top, trust, partial=not args.strict_members, fallback=fallback)
        finally:
            if fallback is not None:
                fallback.close()
        print_failed_sources(live.sources, sys.stderr)
        resolution = live.resolution
    else:
        with open_store(args.store, args.providers, strict=args.strict) as store:
            resolution = resolve(store, consumer_graph, top=top, credential_checker=make_checker(trust, store))

    print_resolution(resolution, live, args.format, args.top)
    return 0 if resolution.compatible_total > 0 else 1


def print_resolution(resolution: Resolution, live: LiveResolution | None, output_format: str, top: int | None) -> None:
    """Print the resolution as a table, JSON (with ``sources`` when live) or Turtle."""
    if output_format == "json":
        body = live.to_json() if live is not None else resolution.to_json()
        json.dump(body, sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif output_format == "turtle":
        sys.stdout.write(resolution.to_turtle())
    else:
        print(render_table(resolution, top=top or DEFAULT_TABLE_ROWS))


@dataclass
class TrustArguments:
    """The trust policy, the credentials and the DID resolver given on the command line."""

    policy: TrustPolicy
    credentials: dict[str, dict | str]
    resolver: DidResolver


def read_trust_arguments(args: argparse.Namespace) -> TrustArguments | None:
    """Load --policy and --credentials; return None when neither is given."""
    if args.policy is None and not args.credentials:
        if args.did_web_allow:
            raise InputError("--did-web-allow needs --policy FILE and --credentials FILE...")
        return None
    if args.policy is None:
        raise InputError("--credentials needs --policy FILE: the policy names the issuers to trust")
    if not args.credentials:
        raise InputError("--policy needs --credentials FILE...: the credentials that back the claims")

    policy = load_policy(args.policy)
    credentials = load_credentials(credential_files(args.credentials))
    resolver = DidResolver(web_allow_hosts=set(args.did_web_allow or ()))
    logger.info("loaded trust policy %s and %d credentials", args.policy, len(credentials))
    return TrustArguments(policy, credentials, resolver)


def credential_files(paths: list[Path]) -> list[Path]:
    """Expand folders into the credential files they contain (.json, .jsonld, .jwt), sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(item for item in path.iterdir() if item.suffix.lower() in CREDENTIAL_SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such credential file or folder; check the --credentials path")
    if not files:
        raise InputError(f"no credential file (.json, .jsonld, .jwt) found in {', '.join(map(str, paths))}")
    return files


def make_checker(trust: TrustArguments | None, store: ManifestStore) -> CredentialChecker | None:
    """Return a credential checker that reads claims from ``store``, or None without trust arguments."""
    if trust is None:
        return None
    return CredentialChecker(trust.policy, trust.credentials, store=store, resolver=trust.resolver)


def resolve_federation(
    federation: Federation,
    consumer_graph: rdflib.Graph,
    top: int | None,
    trust: TrustArguments | None,
    *,
    partial: bool,
    fallback: ManifestStore | None = None,
) -> LiveResolution:
    """Fetch every member's data in parallel, then resolve over it with the credential checker.

    The checker reads the claims from the store that holds the members' data,
    which exists only after the fetch. Raises LimitExceededError when
    ``partial`` is false and a member neither responds nor has a harvested copy
    in ``fallback``.
    """
    return resolve_live(
        federation,
        consumer_graph,
        top=top,
        fallback=fallback,
        partial=partial,
        checker_for_store=lambda store: make_checker(trust, store),
    )


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
