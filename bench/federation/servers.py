"""Serve N provider endpoints for the federation benchmark, in their own process.

Endpoint i serves the i-th example provider manifest (cycling through
``examples/providers/*.ttl``) over the SPARQL 1.1 Protocol on a free loopback
port. The process prints the endpoint URLs as one JSON line, then reads
commands from standard input: ``delay SECONDS`` sets the added response delay
of every endpoint, ``requests`` prints how many requests the endpoints have
received since the last ``requests`` command (as a JSON list, one count per
endpoint), ``quit`` stops them all. Running the servers in a separate
process keeps their work off the measuring process's interpreter lock.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.federation.endpoints import SparqlEndpoint  # noqa: E402


def main() -> int:
    """Start the endpoints and serve until standard input sends ``quit``."""
    count = int(sys.argv[1])
    manifests = sorted((ROOT / "examples" / "providers").glob("*.ttl"))
    stores = []
    for manifest in manifests:
        store = ox.Store()
        store.load(path=str(manifest))
        stores.append(store)

    endpoints = [SparqlEndpoint(stores[index % len(stores)]).start() for index in range(count)]
    print(json.dumps([endpoint.url for endpoint in endpoints]), flush=True)

    for line in sys.stdin:
        command, _, value = line.strip().partition(" ")
        if command == "delay":
            for endpoint in endpoints:
                endpoint.delay = float(value)
            print("ok", flush=True)
        elif command == "requests":
            print(json.dumps([endpoint.requests for endpoint in endpoints]), flush=True)
            for endpoint in endpoints:
                endpoint.requests = 0
        elif command == "quit":
            break

    for endpoint in endpoints:
        endpoint.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
