"""Federation members: the SPARQL endpoints a federated query may name.

A members file is either Turtle::

    @prefix mpli: <https://w3id.org/mpli#> .
    <https://csp.example.org/members/a> a mpli:FederationMember ;
        mpli:endpoint <http://127.0.0.1:8001/sparql> ;
        mpli:timeout 2.5 .

or a plain list with one endpoint URL per line and an optional timeout in
seconds after it (``#`` starts a comment)::

    http://127.0.0.1:8001/sparql 2.5
    http://127.0.0.1:8002/sparql

Every member URL passes the address policy when the file is loaded: the
scheme is ``http`` or ``https``, and the host is not, and does not resolve to,
a link-local or cloud metadata address. Loopback and private addresses are
allowed, because a federation on one machine or one network is a normal set-up.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from mpli_graph import MPLI
from mpli_graph.errors import ForbiddenError, InputError, NotFoundError, RdfSyntaxError

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
"""Seconds a member may take to respond when the members file states no timeout."""

MAXIMUM_TIMEOUT = 300.0
"""Largest timeout in seconds a members file may set."""

FEDERATION_MEMBER = ox.NamedNode(MPLI + "FederationMember")
ENDPOINT = ox.NamedNode(MPLI + "endpoint")
TIMEOUT = ox.NamedNode(MPLI + "timeout")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

METADATA_HOSTNAMES = frozenset({"metadata.google.internal", "metadata.google.internal."})
METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("fd00:ec2::254"),
        ipaddress.ip_address("100.100.100.200"),
    }
)
LINK_LOCAL_NETWORKS = (
    ipaddress.ip_network("169.254.0.0/16"),
    ipaddress.ip_network("fe80::/10"),
)

AddressResolver = Callable[[str], Sequence[str]]
"""A function that returns the IP addresses a host name resolves to."""


@dataclass(frozen=True)
class FederationMember:
    """One SPARQL endpoint of the federation and its time limit in seconds."""

    endpoint: str
    timeout: float = DEFAULT_TIMEOUT
    iri: str | None = None


class Federation:
    """The members of a federation, looked up by endpoint URL."""

    def __init__(self, members: Iterable[FederationMember]) -> None:
        self._members: dict[str, FederationMember] = {}
        for member in members:
            self._members.setdefault(member.endpoint, member)

    def __iter__(self):
        return iter(self._members.values())

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, endpoint: object) -> bool:
        return endpoint in self._members

    @property
    def endpoints(self) -> list[str]:
        """The endpoint URLs in the order the members were listed."""
        return list(self._members)

    def member(self, endpoint: str) -> FederationMember:
        """Return the member with this endpoint URL or raise ForbiddenError."""
        try:
            return self._members[endpoint]
        except KeyError:
            raise ForbiddenError(
                f"SERVICE <{endpoint}> is not a member of the federation: "
                "add it to the members file to query it"
            ) from None


def resolve_host(host: str) -> list[str]:
    """Return the IP addresses that the system resolver gives for a host name."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return []
    return sorted({str(info[4][0]) for info in infos})


def is_forbidden_address(address: str) -> bool:
    """Return True if an IP address is link-local or a cloud metadata address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return True
    return any(ip in network for network in LINK_LOCAL_NETWORKS)


def check_member_url(url: str, resolver: AddressResolver = resolve_host) -> str:
    """Check an endpoint URL against the address policy and return it.

    Raises ForbiddenError for a link-local or metadata host (given as an
    address or resolving to one) and InputError for a URL that is not HTTP(S).
    The resolver is a parameter so that a test checks the policy without a
    DNS lookup or a connection.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"invalid federation member URL {url!r}: use an http:// or https:// URL "
            "with a host name, for example http://127.0.0.1:8001/sparql"
        )

    host = parts.hostname.lower()
    if host in METADATA_HOSTNAMES:
        raise ForbiddenError(f"federation member {url} names a cloud metadata host: remove it")
    if is_forbidden_address(host):
        raise ForbiddenError(
            f"federation member {url} is a link-local or cloud metadata address: remove it"
        )

    try:
        ipaddress.ip_address(host)
    except ValueError:
        for address in resolver(host):
            if is_forbidden_address(address):
                raise ForbiddenError(
                    f"federation member {url}: host {host} resolves to {address}, "
                    "a link-local or cloud metadata address: remove it"
                ) from None
    return url


def parse_timeout(value: str, source: str) -> float:
    """Parse a timeout in seconds, between 0 (exclusive) and MAXIMUM_TIMEOUT."""
    try:
        seconds = float(value)
    except ValueError:
        raise InputError(f"{source}: invalid timeout {value!r}: give seconds, such as 2.5") from None
    if not 0 < seconds <= MAXIMUM_TIMEOUT:
        raise InputError(
            f"{source}: timeout {value} is out of range: give seconds above 0 "
            f"and at most {MAXIMUM_TIMEOUT:g}"
        )
    return seconds


def members_from_urls(
    urls: Iterable[str],
    timeout: float = DEFAULT_TIMEOUT,
    resolver: AddressResolver = resolve_host,
) -> Federation:
    """Build a federation from endpoint URLs, checking each against the address policy."""
    return Federation(
        FederationMember(check_member_url(url, resolver), timeout) for url in urls
    )


def parse_member_list(text: str, source: str, resolver: AddressResolver = resolve_host) -> Federation:
    """Parse the plain members format: one URL per line, optional timeout after it."""
    members = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue

        fields = line.split()
        if len(fields) > 2:
            raise InputError(
                f"{source}, line {number}: expected 'URL [TIMEOUT]', found {raw_line.strip()!r}"
            )
        where = f"{source}, line {number}"
        timeout = parse_timeout(fields[1], where) if len(fields) == 2 else DEFAULT_TIMEOUT
        members.append(FederationMember(check_member_url(fields[0], resolver), timeout))
    return Federation(members)


def parse_member_turtle(text: str, source: str, resolver: AddressResolver = resolve_host) -> Federation:
    """Parse a Turtle members file of mpli:FederationMember nodes."""
    try:
        triples = list(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=Path(source).absolute().as_uri()))
    except SyntaxError as error:
        raise RdfSyntaxError(source, str(error)) from None

    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)

    members = []
    for quad in graph.quads_for_pattern(None, RDF_TYPE, FEDERATION_MEMBER):
        node = quad.subject
        endpoints = [q.object for q in graph.quads_for_pattern(node, ENDPOINT, None)]
        if len(endpoints) != 1 or not isinstance(endpoints[0], ox.NamedNode):
            raise InputError(
                f"{source}: federation member {node} needs exactly one mpli:endpoint IRI, "
                f"found {len(endpoints)}"
            )

        timeouts = [q.object for q in graph.quads_for_pattern(node, TIMEOUT, None)]
        timeout = DEFAULT_TIMEOUT
        if len(timeouts) > 1:
            raise InputError(f"{source}: federation member {node} has more than one mpli:timeout")
        if timeouts:
            timeout = parse_timeout(timeouts[0].value, f"{source}, member {node}")

        iri = node.value if isinstance(node, ox.NamedNode) else None
        members.append(FederationMember(check_member_url(endpoints[0].value, resolver), timeout, iri))

    members.sort(key=lambda member: member.endpoint)
    return Federation(members)


def load_members(path: str | Path, resolver: AddressResolver = resolve_host) -> Federation:
    """Load a members file (Turtle if it ends in .ttl, else the plain list)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"members file {path} not found: check the path") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"members file {path} is unreadable: {error}") from None

    if path.suffix.lower() == ".ttl":
        federation = parse_member_turtle(text, str(path), resolver)
    else:
        federation = parse_member_list(text, str(path), resolver)

    if not len(federation):
        raise InputError(f"members file {path} lists no federation member")
    logger.info("loaded %d federation members from %s", len(federation), path)
    return federation
