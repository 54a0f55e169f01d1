"""Tests of the members file and the address policy; nothing here opens a connection."""

from __future__ import annotations

import pytest

from mpli_graph.errors import ForbiddenError, InputError, NotFoundError
from mpli_graph.federation.members import (
    DEFAULT_TIMEOUT,
    check_member_url,
    is_forbidden_address,
    load_members,
    members_from_urls,
)


def no_dns(host: str) -> list[str]:
    """Fail the test if the policy tries to resolve a host it should judge by itself."""
    raise AssertionError(f"unexpected DNS lookup of {host}")


def fake_dns(answers: dict[str, list[str]]):
    """Return a resolver that looks host names up in a table instead of the network."""
    return lambda host: answers.get(host, [])


@pytest.mark.parametrize(
    "address",
    ["169.254.169.254", "169.254.1.1", "fe80::1", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254"],
)
def test_forbidden_addresses(address):
    assert is_forbidden_address(address)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "::1", "100.100.100.201", "8.8.8.8"])
def test_allowed_addresses(address):
    assert not is_forbidden_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]:8080/sparql",
        "http://[fd00:ec2::254]/sparql",
        "http://100.100.100.200/sparql",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.google.internal./x",
    ],
)
def test_policy_rejects_metadata_urls(url):
    with pytest.raises(ForbiddenError):
        check_member_url(url, resolver=no_dns)


def test_policy_rejects_host_resolving_to_metadata():
    resolver = fake_dns({"csp.example.org": ["192.0.2.10", "169.254.169.254"]})
    with pytest.raises(ForbiddenError, match="resolves to 169.254.169.254"):
        check_member_url("https://csp.example.org/sparql", resolver=resolver)


def test_policy_accepts_ordinary_host():
    resolver = fake_dns({"csp.example.org": ["192.0.2.10"]})
    assert check_member_url("https://csp.example.org/sparql", resolver=resolver)


def test_policy_accepts_loopback_without_lookup():
    assert check_member_url("http://127.0.0.1:8001/sparql", resolver=no_dns)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/sparql", "file:///etc/passwd", "127.0.0.1:8000", "http:///x"])
def test_policy_rejects_non_http_urls(url):
    with pytest.raises(InputError):
        check_member_url(url, resolver=no_dns)


def test_plain_list_with_timeouts(tmp_path):
    path = tmp_path / "members.txt"
    path.write_text(
        "# two members\nhttp://127.0.0.1:8001/sparql 2.5\n\nhttp://127.0.0.1:8002/sparql  # default\n"
    )

    federation = load_members(path, resolver=no_dns)

    assert federation.endpoints == ["http://127.0.0.1:8001/sparql", "http://127.0.0.1:8002/sparql"]
    assert federation.member("http://127.0.0.1:8001/sparql").timeout == 2.5
    assert federation.member("http://127.0.0.1:8002/sparql").timeout == DEFAULT_TIMEOUT


def test_turtle_members(tmp_path):
    path = tmp_path / "members.ttl"
    path.write_text(
        """
        @prefix mpli: <https://w3id.org/mpli#> .
        <https://market.example.org/member/b> a mpli:FederationMember ;
            mpli:endpoint <http://127.0.0.1:8002/sparql> .
        <https://market.example.org/member/a> a mpli:FederationMember ;
            mpli:endpoint <http://127.0.0.1:8001/sparql> ; mpli:timeout 1.5 .
        """
    )

    federation = load_members(path, resolver=no_dns)

    assert len(federation) == 2
    member = federation.member("http://127.0.0.1:8001/sparql")
    assert member.timeout == 1.5
    assert member.iri == "https://market.example.org/member/a"


def test_listed_metadata_member_rejected_at_load(tmp_path):
    path = tmp_path / "members.txt"
    path.write_text("http://127.0.0.1:8001/sparql\nhttp://169.254.169.254/sparql\n")

    with pytest.raises(ForbiddenError, match="169.254.169.254"):
        load_members(path, resolver=no_dns)


def test_turtle_member_metadata_rejected(tmp_path):
    path = tmp_path / "members.ttl"
    path.write_text(
        "@prefix mpli: <https://w3id.org/mpli#> .\n"
        "[] a mpli:FederationMember ; mpli:endpoint <http://[fd00:ec2::254]/sparql> ."
    )

    with pytest.raises(ForbiddenError):
        load_members(path, resolver=no_dns)


@pytest.mark.parametrize("line", ["http://127.0.0.1:1/sparql abc", "http://127.0.0.1:1/sparql 0", "http://127.0.0.1:1/sparql 1 2"])
def test_invalid_member_lines(tmp_path, line):
    path = tmp_path / "members.txt"
    path.write_text(line + "\n")

    with pytest.raises(InputError, match="line 1"):
        load_members(path, resolver=no_dns)


def test_turtle_member_without_endpoint(tmp_path):
    path = tmp_path / "members.ttl"
    path.write_text("@prefix mpli: <https://w3id.org/mpli#> .\n<urn:m> a mpli:FederationMember .")

    with pytest.raises(InputError, match="mpli:endpoint"):
        load_members(path, resolver=no_dns)


def test_missing_members_file(tmp_path):
    with pytest.raises(NotFoundError, match="not found"):
        load_members(tmp_path / "absent.txt")


def test_empty_members_file(tmp_path):
    path = tmp_path / "members.txt"
    path.write_text("# nobody yet\n")

    with pytest.raises(InputError, match="no federation member"):
        load_members(path, resolver=no_dns)


def test_unknown_endpoint_is_forbidden():
    federation = members_from_urls(["http://127.0.0.1:8001/sparql"], resolver=no_dns)

    with pytest.raises(ForbiddenError, match="not a member"):
        federation.member("http://127.0.0.1:9999/sparql")
