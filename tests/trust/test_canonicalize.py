"""RDFC-1.0: the W3C evaluation tests, the poison clique, and the limits on blank nodes and time."""

from __future__ import annotations

import csv
import time

import pytest

from mpli_graph.trust import canonicalize
from mpli_graph.trust.canonicalize import canonicalize_nquads
from mpli_graph.trust.errors import CanonicalizationLimitError

from .trust_fixtures import FIXTURES

SUITE = FIXTURES / "rdf-canon-tests" / "tests"


def _evaluation_tests() -> list[tuple[str, str]]:
    with (SUITE / "manifest.csv").open(encoding="utf-8") as manifest:
        rows = list(csv.DictReader(manifest))
    return [
        (row["test"], "sha384" if row["hashAlgorithm"] == "SHA384" else "sha256")
        for row in rows
        if row["rdfc10"] == "TRUE" and (SUITE / "rdfc10" / f"{row['test']}-rdfc10.nq").exists()
    ]


EVALUATION_TESTS = _evaluation_tests()


def test_suite_has_64_evaluation_tests():
    assert len(EVALUATION_TESTS) == 64


@pytest.mark.parametrize(("test", "hash_name"), EVALUATION_TESTS)
def test_rdfc10_evaluation(test, hash_name):
    source = (SUITE / "rdfc10" / f"{test}-in.nq").read_text(encoding="utf-8")
    expected = (SUITE / "rdfc10" / f"{test}-rdfc10.nq").read_text(encoding="utf-8")

    assert canonicalize_nquads(source, hash_name) == expected


@pytest.mark.parametrize("test", ["test020", "test044", "test047", "test075"])
def test_worker_process_gives_same_result(test, monkeypatch):
    monkeypatch.setattr(canonicalize, "IN_PROCESS_BLANK_NODES", 0)
    hash_name = dict(EVALUATION_TESTS)[test]
    source = (SUITE / "rdfc10" / f"{test}-in.nq").read_text(encoding="utf-8")
    expected = (SUITE / "rdfc10" / f"{test}-rdfc10.nq").read_text(encoding="utf-8")

    assert canonicalize_nquads(source, hash_name) == expected


def test_poison_clique_ends_within_time_limit():
    source = (SUITE / "rdfc10" / "test074-in.nq").read_text(encoding="utf-8")
    started = time.monotonic()

    with pytest.raises(CanonicalizationLimitError, match="did not finish within 1 s"):
        canonicalize_nquads(source, timeout=1.0)

    assert time.monotonic() - started < 5


def test_worker_restarts_after_timeout():
    poison = (SUITE / "rdfc10" / "test074-in.nq").read_text(encoding="utf-8")
    with pytest.raises(CanonicalizationLimitError):
        canonicalize_nquads(poison, timeout=0.5)

    source = (SUITE / "rdfc10" / "test044-in.nq").read_text(encoding="utf-8")
    expected = (SUITE / "rdfc10" / "test044-rdfc10.nq").read_text(encoding="utf-8")
    assert canonicalize_nquads(source) == expected


def test_blank_node_limit_checked_before_work():
    source = (SUITE / "rdfc10" / "test074-in.nq").read_text(encoding="utf-8")

    with pytest.raises(CanonicalizationLimitError, match="10 blank nodes, more than the limit of 5"):
        canonicalize_nquads(source, max_blank_nodes=5)


def test_invalid_nquads_rejected():
    with pytest.raises(Exception, match="invalid N-Quads"):
        canonicalize_nquads("<urn:a> <urn:b> .\n")
