"""RDF Dataset Canonicalization (RDFC-1.0) with bounded work.

pyoxigraph's ``Dataset.canonicalize`` implements RDFC-1.0 (SHA-256 and SHA-384)
but has no work limit. Its worst case grows with the factorial of the number of
blank nodes that share a first-degree hash: with pyoxigraph 0.5.13 on a 2-core
x86-64 machine, an 8-node blank-node clique took 3.3 s and a 9-node one 44 s.
Two bounds apply here:

* a document with more than ``max_blank_nodes`` blank nodes is rejected before
  any work starts;
* a document with more than ``IN_PROCESS_BLANK_NODES`` blank nodes is
  canonicalized in a worker process (``python -m
  mpli_graph.trust.canonicalize``) that is killed once ``timeout`` seconds
  have passed. Up to that count the worst case is small (a 6-node clique took
  25 ms), so it runs in the calling process.
"""

from __future__ import annotations

import atexit
import json
import logging
import select
import subprocess
import sys
import threading

import pyoxigraph

from mpli_graph.errors import MpliError
from mpli_graph.trust.errors import CanonicalizationLimitError, MalformedCredentialError

logger = logging.getLogger(__name__)

DEFAULT_MAX_BLANK_NODES = 1000
DEFAULT_TIMEOUT = 5.0
IN_PROCESS_BLANK_NODES = 6

_ALGORITHMS = {
    "sha256": pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0,
    "sha384": pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0_SHA_384,
}


def _parse(nquads: str) -> list[pyoxigraph.Quad]:
    try:
        return list(pyoxigraph.parse(nquads.encode("utf-8"), format=pyoxigraph.RdfFormat.N_QUADS))
    except SyntaxError as error:
        raise MalformedCredentialError(f"invalid N-Quads for canonicalization: {error}") from None


def _blank_nodes(quads: list[pyoxigraph.Quad]) -> set[str]:
    found = set()
    for quad in quads:
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, pyoxigraph.BlankNode):
                found.add(term.value)
    return found


def _canonical_nquads(quads: list[pyoxigraph.Quad], hash_algorithm: str) -> str:
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(_ALGORITHMS[hash_algorithm])
    text = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS).decode("utf-8")

    # Canonical N-Quads are sorted by code point, one statement per line, each ending in a newline.
    lines = sorted({line for line in text.split("\n") if line})
    return "".join(line + "\n" for line in lines)


def _serve_requests() -> None:
    """Serve canonicalization requests read from stdin, writing one JSON reply a line to stdout."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = {"ok": _canonical_nquads(_parse(request["nquads"]), request["hash"])}
        except MpliError as error:
            reply = {"error": error.message}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


class _Worker:
    """One child process that canonicalizes on request and is killed on timeout.

    NOTE: threads share the one worker in turn, so a slow document delays the
    others by up to its timeout.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "mpli_graph.trust.canonicalize"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        logger.debug("started canonicalization worker pid %s", process.pid)
        return process

    def stop(self) -> None:
        """Stop the worker process if it runs."""
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait(timeout=5)
        process.stdin.close()
        process.stdout.close()
        logger.debug("stopped canonicalization worker pid %s", process.pid)

    def run(self, nquads: str, hash_algorithm: str, timeout: float) -> str:
        """Canonicalize in the worker; kill it and raise if it takes longer than timeout."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            process = self._process
            try:
                process.stdin.write(json.dumps({"nquads": nquads, "hash": hash_algorithm}) + "\n")
                process.stdin.flush()
            except BrokenPipeError:
                self.stop()
                raise MpliError("the canonicalization worker process ended unexpectedly") from None

            ready, _, _ = select.select([process.stdout], [], [], timeout)
            if not ready:
                self.stop()
                raise CanonicalizationLimitError(
                    f"RDF canonicalization did not finish within {timeout:g} s: the document's "
                    "blank nodes are too symmetric; send a document with fewer or distinguishable "
                    "blank nodes"
                )
            line = process.stdout.readline()
        if not line:
            self.stop()
            raise MpliError("the canonicalization worker process ended unexpectedly")
        reply = json.loads(line)
        if "error" in reply:
            raise MalformedCredentialError(f"RDF canonicalization failed: {reply['error']}")
        return reply["ok"]


_worker = _Worker()
atexit.register(_worker.stop)


def canonicalize_nquads(
    nquads: str,
    hash_algorithm: str = "sha256",
    max_blank_nodes: int = DEFAULT_MAX_BLANK_NODES,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Canonicalize an N-Quads document with RDFC-1.0 and return canonical N-Quads.

    ``hash_algorithm`` is ``sha256`` (the RDFC-1.0 default) or ``sha384``.
    Raises CanonicalizationLimitError past ``max_blank_nodes`` or ``timeout`` seconds.
    """
    return canonicalize_quads(_parse(nquads), hash_algorithm, max_blank_nodes, timeout)


def parse_nquads(nquads: str) -> list[pyoxigraph.Quad]:
    """Parse N-Quads text into pyoxigraph quads."""
    return _parse(nquads)


def canonicalize_quads(
    quads: list[pyoxigraph.Quad],
    hash_algorithm: str = "sha256",
    max_blank_nodes: int = DEFAULT_MAX_BLANK_NODES,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Canonicalize parsed quads with RDFC-1.0 and return canonical N-Quads (limits as above)."""
    if hash_algorithm not in _ALGORITHMS:
        raise MalformedCredentialError(f"unknown RDFC-1.0 hash {hash_algorithm!r}: use sha256 or sha384")
    blank_node_count = len(_blank_nodes(quads))
    if blank_node_count > max_blank_nodes:
        raise CanonicalizationLimitError(
            f"the document has {blank_node_count} blank nodes, more than the limit of "
            f"{max_blank_nodes} for RDF canonicalization: give nodes IRIs or split the document"
        )
    if blank_node_count <= IN_PROCESS_BLANK_NODES:
        return _canonical_nquads(quads, hash_algorithm)
    text = pyoxigraph.serialize(pyoxigraph.Dataset(quads), format=pyoxigraph.RdfFormat.N_QUADS).decode("utf-8")
    return _worker.run(text, hash_algorithm, timeout)


def stop_worker() -> None:
    """Stop the canonicalization worker process, if one was started."""
    _worker.stop()


if __name__ == "__main__":
    _serve_requests()
